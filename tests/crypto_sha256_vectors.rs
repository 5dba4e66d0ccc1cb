//! SHA-256/384/512 against NIST's published examples (FIPS 180-2 appendices B–D): one-shot,
//! streaming in uneven pieces, and batched.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::crypto::{digest, sha256, sha256_batch, sha384, sha512, Algorithm, Hasher};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

const TWO_BLOCKS_256: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const TWO_BLOCKS_512: &[u8] = b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

/// (algorithm, message, expected digest) — NIST FIPS 180-2 examples and the empty string.
fn nist() -> Vec<(Algorithm, Vec<u8>, &'static str)> {
    let million_a = vec![b'a'; 1_000_000];
    vec![
        (Algorithm::Sha256, b"abc".to_vec(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Algorithm::Sha256, TWO_BLOCKS_256.to_vec(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (Algorithm::Sha256, million_a.clone(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        (Algorithm::Sha256, vec![], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Algorithm::Sha384, b"abc".to_vec(), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (Algorithm::Sha384, TWO_BLOCKS_512.to_vec(), "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"),
        (Algorithm::Sha384, million_a.clone(), "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985"),
        (Algorithm::Sha384, vec![], "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"),
        (Algorithm::Sha512, b"abc".to_vec(), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        (Algorithm::Sha512, TWO_BLOCKS_512.to_vec(), "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
        (Algorithm::Sha512, million_a, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"),
        (Algorithm::Sha512, vec![], "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
    ]
}

#[test]
fn nist_abc() {
    assert_eq!(
        hex(&sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn nist_two_blocks() {
    assert_eq!(
        hex(&sha256(TWO_BLOCKS_256)),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

#[test]
fn nist_one_shot_all_algorithms() {
    for (alg, msg, want) in nist() {
        assert_eq!(
            hex(&digest(alg, &msg)),
            want,
            "{} of {} bytes",
            alg.name(),
            msg.len()
        );
    }
    assert_eq!(hex(&sha384(b"abc")), nist()[4].2);
    assert_eq!(hex(&sha512(b"abc")), nist()[8].2);
}

#[test]
fn nist_streaming_in_uneven_pieces() {
    for (alg, msg, want) in nist() {
        let mut h = Hasher::new(alg);
        // Piece sizes cross block boundaries (64 and 128 bytes) in every phase.
        let sizes = [1usize, 63, 64, 65, 127, 128, 129, 1000, 4096];
        let mut rest = &msg[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = sizes[i % sizes.len()].min(rest.len());
            h.update(&rest[..n]).unwrap();
            rest = &rest[n..];
            i += 1;
        }
        assert_eq!(hex(&h.digest().unwrap()), want, "{} streaming", alg.name());
    }
}

#[test]
fn hasher_is_finalized_after_digest() {
    use katalyst::error::Classify;
    let mut h = Hasher::new(Algorithm::Sha256);
    h.update(b"abc").unwrap();
    h.digest().unwrap();
    assert_eq!(h.update(b"x").unwrap_err().code(), "hasher_finalized");
    assert_eq!(h.digest().unwrap_err().code(), "hasher_finalized");
}

#[test]
fn batch_matches_one_shot_nist() {
    let msgs: [&[u8]; 4] = [b"abc", b"", TWO_BLOCKS_256, &[0x61; 200]];
    let mut concatenated = vec![0xee; 3]; // ignored prefix
    let mut offsets = vec![3u32];
    for m in msgs {
        concatenated.extend_from_slice(m);
        offsets.push(concatenated.len() as u32);
    }
    concatenated.extend_from_slice(b"ignored suffix");
    let out = sha256_batch(&concatenated, &offsets).unwrap();
    assert_eq!(out.len(), 4 * 32);
    assert_eq!(hex(&out[..32]), nist()[0].2);
    assert_eq!(hex(&out[32..64]), nist()[3].2);
    assert_eq!(hex(&out[64..96]), nist()[1].2);
    assert_eq!(out[96..], sha256(&[0x61; 200]));
}

#[test]
fn batch_many_small_messages() {
    // 5000 messages of 32 bytes: above the parallel threshold natively.
    let n = 5000;
    let concatenated: Vec<u8> = (0..n * 32).map(|i| (i * 7 % 251) as u8).collect();
    let offsets: Vec<u32> = (0..=n).map(|i| (i * 32) as u32).collect();
    let out = sha256_batch(&concatenated, &offsets).unwrap();
    for i in [0, 1, 2500, n - 1] {
        assert_eq!(
            out[i * 32..(i + 1) * 32],
            sha256(&concatenated[i * 32..(i + 1) * 32])
        );
    }
}

#[test]
fn batch_rejects_bad_offsets() {
    use katalyst::error::Classify;
    for (data, offsets) in [
        (&b"abc"[..], &[][..]),
        (b"abc", &[0, 2, 1]),
        (b"abc", &[0, 4]),
        (b"abc", &[4]),
    ] {
        let e = sha256_batch(data, offsets).unwrap_err();
        assert_eq!(e.code(), "bad_offsets", "{offsets:?}");
    }
    assert_eq!(sha256_batch(b"abc", &[1]).unwrap(), Vec::<u8>::new());
}
