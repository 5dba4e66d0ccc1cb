//! HMAC against RFC 4231 (all 7 cases, SHA-256/384/512) and Wycheproof; HKDF against RFC 5869
//! (the SHA-256 cases) and Wycheproof.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::crypto::{hkdf, hmac, timing_safe_equal, Algorithm};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// (key, data, [SHA-256, SHA-384, SHA-512] tags) of RFC 4231 §4.2–4.8. Case 5 gives only the
/// first 128 bits.
fn rfc4231() -> Vec<(Vec<u8>, Vec<u8>, [&'static str; 3])> {
    vec![
        (vec![0x0b; 20], b"Hi There".to_vec(), [
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        ]),
        (b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec(), [
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ]),
        (vec![0xaa; 20], vec![0xdd; 50], [
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
            "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
        ]),
        ((1..=25).collect(), vec![0xcd; 50], [
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
            "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
        ]),
        (vec![0x0c; 20], b"Test With Truncation".to_vec(), [
            "a3b6167473100ee06e0c796c2955552b",
            "3abf34c3503b2a23a46efc619baef897",
            "415fad6271580a531d4179bc891d87a6",
        ]),
        (vec![0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(), [
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
        ]),
        (vec![0xaa; 131], b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(), [
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
            "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
        ]),
    ]
}

#[test]
fn rfc4231_all_cases() {
    let algs = [Algorithm::Sha256, Algorithm::Sha384, Algorithm::Sha512];
    for (case, (key, data, tags)) in rfc4231().into_iter().enumerate() {
        for (alg, want) in algs.iter().zip(tags) {
            let tag = hmac(*alg, &key, &data);
            assert_eq!(tag.len(), alg.output_len());
            if case == 4 {
                // Test case 5: truncated output, compared on the 128-bit prefix.
                assert_eq!(want.len(), 32);
                assert_eq!(hex(&tag[..16]), want, "case 5 {}", alg.name());
            } else {
                assert_eq!(hex(&tag), want, "case {} {}", case + 1, alg.name());
            }
        }
    }
}

fn bytes(range: std::ops::Range<u16>) -> Vec<u8> {
    range.map(|b| b as u8).collect()
}

#[test]
fn rfc5869_sha256_cases() {
    // Test case 1.
    let okm = hkdf(
        Algorithm::Sha256,
        &[0x0b; 22],
        &bytes(0..13),
        &bytes(0xf0..0xfa),
        42,
    )
    .unwrap();
    assert_eq!(
        hex(&okm),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    );
    // Test case 2: long inputs.
    let okm = hkdf(
        Algorithm::Sha256,
        &bytes(0..0x50),
        &bytes(0x60..0xb0),
        &bytes(0xb0..0x100),
        82,
    )
    .unwrap();
    assert_eq!(hex(&okm), "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
    // Test case 3: zero-length salt and info.
    let okm = hkdf(Algorithm::Sha256, &[0x0b; 22], &[], &[], 42).unwrap();
    assert_eq!(
        hex(&okm),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    );
}

#[test]
fn wycheproof_hmac_sha2() {
    use wycheproof::mac::{TestName, TestSet};
    use wycheproof::TestResult;
    for (name, alg) in [
        (TestName::HmacSha256, Algorithm::Sha256),
        (TestName::HmacSha384, Algorithm::Sha384),
        (TestName::HmacSha512, Algorithm::Sha512),
    ] {
        let set = TestSet::load(name).unwrap();
        let mut count = 0;
        for g in &set.test_groups {
            for t in &g.tests {
                let ours = hmac(alg, &t.key, &t.msg);
                let given: &[u8] = &t.tag;
                let ok = given.len() * 8 == g.tag_size
                    && given.len() <= ours.len()
                    && timing_safe_equal(&ours[..given.len()], given);
                let want = t.result == TestResult::Valid;
                assert_eq!(ok, want, "{} tcId {} {}", alg.name(), t.tc_id, t.comment);
                count += 1;
            }
        }
        assert_eq!(count, set.number_of_tests);
    }
}

#[test]
fn wycheproof_hkdf_sha2() {
    use wycheproof::hkdf::{TestName, TestSet};
    use wycheproof::TestResult;
    for (name, alg) in [
        (TestName::HkdfSha256, Algorithm::Sha256),
        (TestName::HkdfSha384, Algorithm::Sha384),
        (TestName::HkdfSha512, Algorithm::Sha512),
    ] {
        let set = TestSet::load(name).unwrap();
        let mut count = 0;
        for g in &set.test_groups {
            for t in &g.tests {
                let got = hkdf(alg, &t.ikm, &t.salt, &t.info, t.size);
                match t.result {
                    TestResult::Valid => {
                        assert_eq!(
                            got.unwrap(),
                            t.okm.to_vec(),
                            "{} tcId {}",
                            alg.name(),
                            t.tc_id
                        )
                    }
                    _ => assert!(
                        got.is_err(),
                        "{} tcId {} {}",
                        alg.name(),
                        t.tc_id,
                        t.comment
                    ),
                }
                count += 1;
            }
        }
        assert_eq!(count, set.number_of_tests);
    }
}
