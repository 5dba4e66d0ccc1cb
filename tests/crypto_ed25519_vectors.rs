//! Ed25519 against RFC 8032 §7.1 and every Project Wycheproof EdDSA (Ed25519) vector.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::crypto::{sha512, verify, verify_batch, SigningKey};

fn r(v: &[Vec<u8>]) -> Vec<&[u8]> {
    v.iter().map(Vec::as_slice).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Signs with the seed, checks the public key and the signature byte for byte, verifies, and
/// checks that a flipped message bit and a flipped signature bit are rejected.
fn check_rfc8032(seed: &str, public: &str, msg: &[u8], sig: &str) {
    let key = SigningKey::from_seed(&unhex(seed)).unwrap();
    assert_eq!(key.public_key().to_vec(), unhex(public), "public key");
    let got = key.sign(msg);
    assert_eq!(got.to_vec(), unhex(sig), "signature");
    assert!(verify(&key.public_key(), msg, &got));
    let mut bad_msg = msg.to_vec();
    if bad_msg.is_empty() {
        bad_msg.push(0);
    } else {
        bad_msg[0] ^= 1;
    }
    assert!(!verify(&key.public_key(), &bad_msg, &got));
    for byte in [0, 31, 32, 63] {
        let mut bad_sig = got;
        bad_sig[byte] ^= 0x01;
        assert!(!verify(&key.public_key(), msg, &bad_sig), "sig byte {byte}");
    }
}

#[test]
fn rfc8032_test_1() {
    check_rfc8032(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        b"",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
}

#[test]
fn rfc8032_test_2() {
    check_rfc8032(
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        &[0x72],
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    );
}

#[test]
fn rfc8032_test_3() {
    check_rfc8032(
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        &[0xaf, 0x82],
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    );
}

#[test]
fn rfc8032_test_1024() {
    let msg = unhex(&[
        "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1",
        "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d",
        "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a",
        "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e",
        "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10",
        "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1",
        "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d",
        "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270",
        "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b",
        "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba",
        "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b",
        "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7",
        "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d",
        "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df",
        "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7",
        "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4",
        "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09",
        "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f",
        "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161",
        "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d",
        "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca",
        "c60c905c15fc910840b94c00a0b9d0",
    ]
    .concat());
    assert_eq!(msg.len(), 1023);
    check_rfc8032(
        "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
        "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
        &msg,
        "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
    );
}

#[test]
fn rfc8032_test_sha_abc() {
    // The message is SHA-512("abc"), itself a NIST example.
    let msg = sha512(b"abc");
    assert_eq!(msg[..4], [0xdd, 0xaf, 0x35, 0xa1]);
    check_rfc8032(
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        &msg,
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    );
}

#[test]
fn wycheproof_ed25519_every_vector() {
    use wycheproof::eddsa::{TestName, TestSet};
    use wycheproof::TestResult;
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    let mut keys = Vec::new();
    let mut msgs = Vec::new();
    let mut sigs = Vec::new();
    let mut expected = Vec::new();
    for group in &set.test_groups {
        let pk: &[u8] = &group.key.pk;
        for t in &group.tests {
            let want = match t.result {
                TestResult::Valid => true,
                TestResult::Invalid => false,
                TestResult::Acceptable => panic!("tc {}: unexpected 'acceptable'", t.tc_id),
            };
            let got = verify(pk, &t.msg, &t.sig);
            assert_eq!(got, want, "tcId {} ({}) {:?}", t.tc_id, t.comment, t.flags);
            if want {
                valid += 1;
            } else {
                invalid += 1;
            }
            keys.push(pk.to_vec());
            msgs.push(t.msg.to_vec());
            sigs.push(t.sig.to_vec());
            expected.push(want);
        }
    }
    assert_eq!(valid + invalid, set.number_of_tests);
    assert!(valid > 0 && invalid > 0);
    // The same vectors through verify_batch, in one call.
    assert_eq!(
        verify_batch(&r(&keys), &r(&msgs), &r(&sigs)).unwrap(),
        expected
    );
}

/// ℓ = 2²⁵² + 27742317777372353535851937790883648493, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

#[test]
fn rejects_non_canonical_s() {
    let key = SigningKey::from_seed(&[42; 32]).unwrap();
    let sig = key.sign(b"malleable?");
    // S + ℓ is the same scalar mod ℓ: a lax verifier accepts it.
    let mut s_plus_ell = sig;
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(sig[32 + i]) + u16::from(ELL[i]) + carry;
        s_plus_ell[32 + i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    assert!(verify(&key.public_key(), b"malleable?", &sig));
    assert!(!verify(&key.public_key(), b"malleable?", &s_plus_ell));
}

#[test]
fn rejects_small_order_key_with_trivial_signature() {
    // A = identity, R = identity, S = 0 satisfies [S]B = R + [k]A for every message.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut sig = [0u8; 64];
    sig[0] = 1;
    for msg in [&b""[..], b"anything"] {
        assert!(!verify(&identity, msg, &sig));
    }
}

#[test]
fn malformed_lengths_return_false() {
    let key = SigningKey::from_seed(&[1; 32]).unwrap();
    let sig = key.sign(b"m");
    let pk = key.public_key();
    assert!(!verify(&pk[..31], b"m", &sig));
    assert!(!verify(&pk, b"m", &sig[..63]));
    assert!(!verify(&pk, b"m", &[sig.as_slice(), &[0]].concat()));
    assert!(!verify(&[], b"m", &[]));
}

#[test]
fn verify_batch_rejects_mismatched_lengths() {
    let pk = [0u8; 32];
    assert!(verify_batch(&[&pk], &[], &[]).is_err());
    assert_eq!(verify_batch(&[], &[], &[]).unwrap(), Vec::<bool>::new());
}
