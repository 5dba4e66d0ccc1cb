//! Bad input to the compute core: every refusal is a typed error naming the argument, the
//! expected and the actual value; nothing panics or allocates absurd sizes.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::compute::*;
use katalyst::error::{Classify, ErrorKind};

#[track_caller]
fn refused<T: std::fmt::Debug>(r: Result<T, ComputeError>, code: &str, parts: &[&str]) {
    let e = r.expect_err("expected an error");
    assert_eq!(e.kind(), ErrorKind::Range);
    assert_eq!(e.code(), code, "{e}");
    let msg = e.to_string();
    for p in parts {
        assert!(msg.contains(p), "{msg:?} lacks {p:?}");
    }
}

#[test]
fn sgemm_refusals() {
    let o = GemmOptions::default();
    refused(
        sgemm(&[1.0; 6], &[1.0; 6], 2, 3, 3, &o),
        "bad_length",
        &["b", "9", "6"],
    );
    refused(
        sgemm(&[1.0; 5], &[1.0; 6], 2, 3, 2, &o),
        "bad_length",
        &["a", "6", "5"],
    );
    refused(sgemm(&[], &[], 0, 1, 1, &o), "bad_dimension", &["m", "0"]);
    refused(sgemm(&[1.0], &[1.0], 1, 0, 1, &o), "bad_dimension", &["k"]);
    let c = [0.0; 3];
    let with_c = GemmOptions {
        c: Some(&c),
        ..Default::default()
    };
    refused(
        sgemm(&[1.0; 2], &[1.0; 2], 2, 1, 2, &with_c),
        "bad_length",
        &["c", "4", "3"],
    );
    // Products that overflow usize on any target, and outputs no memory can hold.
    refused(
        sgemm(&[1.0], &[1.0], usize::MAX, 1, 2, &o),
        "too_large",
        &["a"],
    );
    // On wasm32 a 2¹⁶ × 2¹⁶ output (16 GiB) cannot exist: refused, not aborted.
    #[cfg(target_pointer_width = "32")]
    {
        let v = vec![1.0f32; 1 << 16];
        refused(sgemm(&v, &v, 1 << 16, 1, 1 << 16, &o), "too_large", &["c"]);
    }
    refused(
        PackedMatrix::new(&[1.0; 3], 2, 2, false),
        "bad_length",
        &["b", "4", "3"],
    );
    let p = PackedMatrix::new(&[1.0; 4], 2, 2, true).unwrap();
    refused(
        p.multiply(&[1.0; 3], 1, &MultiplyOptions::default()),
        "bad_length",
        &["a", "2", "3"],
    );
    refused(
        p.multiply(&[], 0, &MultiplyOptions::default()),
        "bad_dimension",
        &["m"],
    );
}

#[test]
fn fft_refusals() {
    refused(
        fft(&[1.0, 2.0, 3.0], false),
        "bad_length",
        &["data", "even", "3"],
    );
    refused(fft(&[], true), "bad_length", &["data", "0"]);
    refused(rfft(&[]), "bad_dimension", &["signal"]);
    refused(
        irfft(&[1.0, 0.0, 2.0, 0.0], 4),
        "bad_length",
        &["spectrum", "6", "4"],
    );
    refused(irfft(&[1.0, 0.0], 0), "bad_dimension", &["n"]);
    refused(
        fft_batch(&[0.0; 10], 4, false),
        "bad_length",
        &["data", "8", "10"],
    );
    refused(fft_batch(&[0.0; 8], 0, false), "bad_dimension", &["n"]);
    refused(fft_batch(&[0.0; 8], usize::MAX, false), "too_large", &["n"]);
    refused(
        rfft_batch(&[0.0; 10], 4),
        "bad_length",
        &["signals", "4", "10"],
    );
    refused(
        fft2(&[0.0; 10], 2, 3, false),
        "bad_length",
        &["data", "12", "10"],
    );
    refused(fft2(&[0.0; 10], 0, 3, false), "bad_dimension", &["rows"]);
    refused(
        fft2(&[0.0; 10], usize::MAX, 3, false),
        "too_large",
        &["data"],
    );
}

#[test]
fn kmeans_refusals() {
    let o = KmeansOptions::default();
    let data = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    refused(kmeans(&data, 3, 2, 4, &o), "k_exceeds_n", &["k", "3", "4"]);
    refused(kmeans(&data, 3, 0, 1, &o), "bad_dimension", &["d"]);
    refused(kmeans(&data, 0, 2, 1, &o), "bad_dimension", &["n"]);
    refused(kmeans(&data, 3, 2, 0, &o), "bad_dimension", &["k"]);
    refused(
        kmeans(&data, 4, 2, 1, &o),
        "bad_length",
        &["data", "8", "6"],
    );
    refused(kmeans(&data, usize::MAX, 2, 1, &o), "too_large", &["data"]);
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        refused(
            kmeans(&[0.0, 1.0, bad, 3.0], 2, 2, 1, &o),
            "not_finite",
            &["data", "index 2"],
        );
    }
    let init = [0.0; 3];
    let given = KmeansOptions {
        init: KmeansInit::Centroids(&init),
        ..Default::default()
    };
    refused(
        kmeans(&data, 3, 2, 2, &given),
        "bad_length",
        &["init", "4", "3"],
    );
    let nan_init = [f32::NAN, 0.0];
    let given = KmeansOptions {
        init: KmeansInit::Centroids(&nan_init),
        ..Default::default()
    };
    refused(
        kmeans(&data, 3, 2, 1, &given),
        "not_finite",
        &["init", "index 0"],
    );
    refused(
        kmeans(
            &data,
            3,
            2,
            1,
            &KmeansOptions {
                max_iter: 0,
                ..Default::default()
            },
        ),
        "bad_option",
        &["maxIter"],
    );
    refused(
        kmeans(
            &data,
            3,
            2,
            1,
            &KmeansOptions {
                n_init: 0,
                ..Default::default()
            },
        ),
        "bad_option",
        &["nInit"],
    );
    let many = KmeansOptions {
        n_init: 1001,
        ..Default::default()
    };
    refused(
        kmeans(&data, 3, 2, 1, &many),
        "bad_option",
        &["nInit", "1000", "1001"],
    );
    let long = KmeansOptions {
        max_iter: 1_000_001,
        ..Default::default()
    };
    refused(
        kmeans(&data, 3, 2, 1, &long),
        "bad_option",
        &["maxIter", "1000001"],
    );
    for tol in [-1.0, f64::NAN, f64::INFINITY] {
        refused(
            kmeans(
                &data,
                3,
                2,
                1,
                &KmeansOptions {
                    tol,
                    ..Default::default()
                },
            ),
            "bad_option",
            &["tol"],
        );
    }
}
