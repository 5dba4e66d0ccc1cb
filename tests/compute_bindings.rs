//! The compute module's JavaScript surface: error classes, codes and messages for bad input,
//! and typed-array round trips.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test as test;

use js_sys::{Float32Array, Object, Reflect, Uint32Array};
use katalyst::bindings::compute as c;
use wasm_bindgen::{JsCast, JsValue};

fn f32a(v: &[f32]) -> JsValue {
    Float32Array::from(v).into()
}

fn num(x: f64) -> JsValue {
    JsValue::from_f64(x)
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

/// Asserts `r` failed with JS error class `name`, and that the message contains every `parts`.
#[track_caller]
fn fails<T: std::fmt::Debug>(r: Result<T, JsValue>, name: &str, parts: &[&str]) -> String {
    let e = r.expect_err("expected an error");
    assert_eq!(get(&e, "name").as_string().unwrap(), name);
    let msg = get(&e, "message").as_string().unwrap();
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} lacks {p:?}");
    }
    get(&e, "code").as_string().unwrap_or_default()
}

fn to_vec(v: &JsValue) -> Vec<f32> {
    v.dyn_ref::<Float32Array>().unwrap().to_vec()
}

const U: JsValue = JsValue::UNDEFINED;

/// Arguments that are views of wasm memory (as `FftPlan`'s buffers are) stay readable when the
/// copies made of them grow the memory, which detaches every view of it (this build's memory is
/// not shared).
#[test]
fn views_of_wasm_memory_survive_the_growth_their_copies_cause() {
    let k = 1 << 21;
    let (a, b) = (vec![1.0f32; k], vec![0.5f32; k]);
    let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>();
    let before = memory.buffer().unchecked_into::<js_sys::ArrayBuffer>();
    let view = |v: &[f32]| {
        let offset = v.as_ptr() as u32;
        JsValue::from(Float32Array::new_with_byte_offset_and_length(
            &before,
            offset,
            v.len() as u32,
        ))
    };
    let out = c::sgemm(&view(&a), &view(&b), &num(1.), &num(k as f64), &num(1.), &U).unwrap();
    assert_eq!(
        before.byte_length(),
        0,
        "the copies did not grow the memory"
    );
    assert_eq!(to_vec(&out.into()), [k as f32 / 2.0]);
}

/// `opts.out` receives the product and is returned; a wrong length is refused before any work,
/// leaving it untouched. It may be `opts.c` itself (C ← αAB + βC in place).
#[test]
fn sgemm_and_multiply_write_into_opts_out() {
    // A 2×3, B 3×2; A·B = [1+3, 2+3; 4+6, 5+6] worked by hand.
    let (a, b) = (
        f32a(&[1., 2., 3., 4., 5., 6.]),
        f32a(&[1., 0., 0., 1., 1., 1.]),
    );
    let ab = [4., 5., 10., 11.];
    let dims = [num(2.), num(3.), num(2.)];
    let out = Float32Array::new_with_length(4);
    let got = c::sgemm(
        &a,
        &b,
        &dims[0],
        &dims[1],
        &dims[2],
        &obj(&[("out", out.clone().into())]),
    );
    let got = got.unwrap();
    assert!(Object::is(&got, &out));
    assert_eq!(out.to_vec(), ab);

    let short = Float32Array::new_with_length(3);
    short.fill(7.0, 0, 3);
    let r = c::sgemm(
        &a,
        &b,
        &dims[0],
        &dims[1],
        &dims[2],
        &obj(&[("out", short.clone().into())]),
    );
    fails(r, "RangeError", &["opts.out", "2×2", "length 3"]);
    assert_eq!(short.to_vec(), [7.; 3]);

    let packed = c::JsPackedMatrix::new(&b, &num(3.), &num(2.), &U).unwrap();
    let acc = Float32Array::from(&[1.0f32, 1., 1., 1.][..]);
    let opts = obj(&[
        ("c", acc.clone().into()),
        ("beta", num(1.)),
        ("out", acc.clone().into()),
    ]);
    let got = packed.multiply(&a, &num(2.), &opts).unwrap();
    assert!(Object::is(&got, &acc));
    assert_eq!(acc.to_vec(), ab.map(|v| v + 1.0));
    let r = packed.multiply(&a, &num(2.), &obj(&[("out", short.clone().into())]));
    fails(r, "RangeError", &["PackedMatrix.multiply", "opts.out"]);
}

#[test]
fn sgemm_round_trip_and_options() {
    // [1 2; 3 4]ᵀ · [1 0; 0 1] · 2 + 1·C
    let out = c::sgemm(
        &f32a(&[1., 2., 3., 4.]),
        &f32a(&[1., 0., 0., 1.]),
        &num(2.),
        &num(2.),
        &num(2.),
        &obj(&[
            ("transA", true.into()),
            ("alpha", num(2.)),
            ("beta", num(1.)),
            ("c", f32a(&[1., 1., 1., 1.])),
        ]),
    )
    .unwrap();
    assert_eq!(out.to_vec(), vec![3., 7., 5., 9.]);
}

#[test]
fn sgemm_bad_input() {
    let a = f32a(&[1.; 6]);
    let b = f32a(&[1.; 6]);
    let code = fails(
        c::sgemm(&a, &b, &num(2.), &num(3.), &num(3.), &U),
        "RangeError",
        &["b", "9", "6"],
    );
    assert_eq!(code, "bad_length");
    fails(
        c::sgemm(&a, &b, &num(2.), &num(4.), &num(2.), &U),
        "RangeError",
        &["a", "8", "6"],
    );
    fails(
        c::sgemm(
            &JsValue::from_str("x"),
            &b,
            &num(2.),
            &num(3.),
            &num(2.),
            &U,
        ),
        "TypeError",
        &["'a'", "Float32Array", "string"],
    );
    let f64a: JsValue = js_sys::Float64Array::new_with_length(6).into();
    fails(
        c::sgemm(&f64a, &b, &num(2.), &num(3.), &num(2.), &U),
        "TypeError",
        &["'a'", "Float64Array"],
    );
    for bad in [0.0, -1.0, 1.5, f64::NAN, 4294967296.0, f64::INFINITY] {
        fails(
            c::sgemm(&a, &b, &num(bad), &num(3.), &num(2.), &U),
            "RangeError",
            &["'m'"],
        );
    }
    fails(
        c::sgemm(&a, &b, &JsValue::from_str("2"), &num(3.), &num(2.), &U),
        "TypeError",
        &["'m'"],
    );
    fails(
        c::sgemm(&a, &b, &num(2.), &num(3.), &num(2.), &num(1.)),
        "TypeError",
        &["opts"],
    );
    fails(
        c::sgemm(
            &a,
            &b,
            &num(2.),
            &num(3.),
            &num(2.),
            &obj(&[("alpha", num(f64::NAN))]),
        ),
        "RangeError",
        &["opts.alpha", "finite"],
    );
    fails(
        c::sgemm(
            &a,
            &b,
            &num(2.),
            &num(3.),
            &num(2.),
            &obj(&[("transA", num(1.))]),
        ),
        "TypeError",
        &["opts.transA", "boolean"],
    );
    fails(
        c::sgemm(
            &a,
            &b,
            &num(2.),
            &num(3.),
            &num(2.),
            &obj(&[("c", f32a(&[0.; 3]))]),
        ),
        "RangeError",
        &["opts.c", "2×2", "length 3"],
    );
}

#[test]
fn sgemm_output_too_large_is_a_range_error() {
    // 65536 × 65536 outputs from a 65536×1 by 1×65536 product: 2³² floats.
    let v = f32a(&vec![1.0; 65536]);
    let code = fails(
        c::sgemm(&v, &v, &num(65536.), &num(1.), &num(65536.), &U),
        "RangeError",
        &["c"],
    );
    assert_eq!(code, "too_large");
    // 30000²: fits the index space but not the 4 GiB memory — refused, not aborted.
    let v = f32a(&vec![1.0; 30000]);
    let code = fails(
        c::sgemm(&v, &v, &num(30000.), &num(1.), &num(30000.), &U),
        "RangeError",
        &["c"],
    );
    assert_eq!(code, "too_large");
}

#[test]
fn packed_matrix_reuses_b() {
    let b = [1., 2., 3., 4., 5., 6.]; // stored 3×2, op(B) = Bᵀ is 2×3
    let p = c::JsPackedMatrix::new(
        &f32a(&b),
        &num(2.),
        &num(3.),
        &obj(&[("transB", true.into())]),
    )
    .unwrap();
    assert_eq!((p.k(), p.n()), (2.0, 3.0));
    let got = p.multiply(&f32a(&[1., 1.]), &num(1.), &U).unwrap();
    assert_eq!(got.to_vec(), vec![3., 7., 11.]);
    let want = c::sgemm(
        &f32a(&[1., 1.]),
        &f32a(&b),
        &num(1.),
        &num(2.),
        &num(3.),
        &obj(&[("transB", true.into())]),
    )
    .unwrap();
    assert_eq!(got.to_vec(), want.to_vec());
    fails(
        p.multiply(&f32a(&[1., 1., 1.]), &num(1.), &U),
        "RangeError",
        &["a", "2", "3"],
    );
    fails(
        c::JsPackedMatrix::new(&f32a(&b), &num(4.), &num(3.), &U).map(|_| ()),
        "RangeError",
        &["b", "12", "6"],
    );
}

/// Option keys are made into JavaScript strings once, by address and length: two keys that
/// start at one address stay apart, and a key read twice reads the same property.
#[test]
fn option_keys_made_once_stay_apart() {
    use katalyst::bindings::args;
    let word: &'static str = "outer";
    let o = obj(&[("out", num(1.0)), ("outer", num(2.0))]);
    for _ in 0..2 {
        assert_eq!(args::key(&word[..3]).as_string().as_deref(), Some("out"));
        assert_eq!(args::key(word).as_string().as_deref(), Some("outer"));
        assert_eq!(args::field(&o, &word[..3]).as_f64(), Some(1.0));
        assert_eq!(args::field(&o, word).as_f64(), Some(2.0));
    }
}

#[test]
fn fft_family_round_trips() {
    assert_eq!(c::fft_backend(), "wasm_simd");
    let x = [1., 0., 2., 0., 3., 0., 4., 0.];
    let y = c::fft(&f32a(&x), &U).unwrap();
    let back = c::fft(&y.into(), &obj(&[("inverse", true.into())])).unwrap();
    for (a, b) in back.to_vec().iter().zip(x) {
        assert!((a - b).abs() < 1e-6);
    }
    let spec = c::rfft(&f32a(&[1., 2., 3., 4.]), &U).unwrap();
    assert_eq!(spec.length(), 6);
    let sig = c::irfft(&spec.into(), &num(4.), &U).unwrap();
    for (a, b) in sig.to_vec().iter().zip([1., 2., 3., 4.]) {
        assert!((a - b).abs() < 1e-6);
    }
    let batch = c::fft_batch(&f32a(&x), &num(2.), &U).unwrap();
    assert_eq!(to_vec(&batch.into())[..4], [3., 0., -1., 0.]);
    assert_eq!(
        c::rfft_batch(&f32a(&[1., 1., 1., -1.]), &num(2.), &U)
            .unwrap()
            .to_vec(),
        vec![2., 0., 0., 0., 0., 0., 2., 0.]
    );
    assert_eq!(
        c::fft2(&f32a(&x), &num(2.), &num(2.), &U).unwrap().length(),
        8
    );
}

#[test]
fn fft_bad_input() {
    assert_eq!(
        fails(
            c::fft(&f32a(&[1., 2., 3.]), &U),
            "RangeError",
            &["data", "even", "3"]
        ),
        "bad_length"
    );
    fails(c::fft(&f32a(&[]), &U), "RangeError", &["data", "0"]);
    fails(c::fft(&JsValue::NULL, &U), "TypeError", &["'data'", "null"]);
    fails(
        c::fft(&f32a(&[1., 2.]), &obj(&[("inverse", num(1.))])),
        "TypeError",
        &["opts.inverse"],
    );
    fails(c::rfft(&f32a(&[]), &U), "RangeError", &["signal"]);
    fails(
        c::irfft(&f32a(&[1., 0., 2., 0.]), &num(4.), &U),
        "RangeError",
        &["spectrum", "6", "4"],
    );
    fails(
        c::irfft(&f32a(&[1., 0.]), &num(0.), &U),
        "RangeError",
        &["'n'"],
    );
    fails(
        c::fft_batch(&f32a(&[0.; 10]), &num(4.), &U),
        "RangeError",
        &["data", "8", "10"],
    );
    fails(
        c::rfft_batch(&f32a(&[0.; 10]), &num(4.), &U),
        "RangeError",
        &["signals", "4", "10"],
    );
    fails(
        c::fft2(&f32a(&[0.; 10]), &num(2.), &num(3.), &U),
        "RangeError",
        &["data", "12", "10"],
    );
    fails(
        c::fft2(&f32a(&[0.; 12]), &num(2.), &num(-3.), &U),
        "RangeError",
        &["'cols'"],
    );
}

#[test]
fn kmeans_result_shape() {
    let data = [0., 0., 0.1, 0., 10., 10., 10.1, 10., 0., 0.2];
    let r = c::kmeans(
        &f32a(&data),
        &num(5.),
        &num(2.),
        &num(2.),
        &obj(&[("seed", num(3.)), ("nInit", num(2.))]),
    )
    .unwrap();
    assert_eq!(to_vec(&get(&r, "centroids")).len(), 4);
    let labels = get(&r, "labels")
        .dyn_into::<Uint32Array>()
        .unwrap()
        .to_vec();
    assert_eq!(labels.len(), 5);
    assert_eq!(labels[0], labels[1]);
    assert_ne!(labels[0], labels[2]);
    assert!(get(&r, "inertia").as_f64().unwrap() < 0.1);
    assert!(get(&r, "iterations").as_f64().unwrap() >= 1.0);
    let given = c::kmeans(
        &f32a(&data),
        &num(5.),
        &num(2.),
        &num(2.),
        &obj(&[
            ("init", f32a(&[0., 0., 10., 10.])),
            ("maxIter", num(5.)),
            ("tol", num(0.)),
        ]),
    )
    .unwrap();
    assert_eq!(
        get(&given, "labels")
            .dyn_into::<Uint32Array>()
            .unwrap()
            .to_vec(),
        vec![0, 0, 1, 1, 0]
    );
    let random = c::kmeans(
        &f32a(&data),
        &num(5.),
        &num(2.),
        &num(2.),
        &obj(&[("init", "random".into())]),
    );
    assert!(random.is_ok());
}

#[test]
fn kmeans_bad_input() {
    let data = f32a(&[0., 1., 2., 3., 4., 5.]);
    assert_eq!(
        fails(
            c::kmeans(&data, &num(3.), &num(2.), &num(4.), &U),
            "RangeError",
            &["k", "3", "4"]
        ),
        "k_exceeds_n"
    );
    fails(
        c::kmeans(&data, &num(3.), &num(0.), &num(1.), &U),
        "RangeError",
        &["'d'"],
    );
    fails(
        c::kmeans(&data, &num(4.), &num(2.), &num(1.), &U),
        "RangeError",
        &["data", "8", "6"],
    );
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let code = fails(
            c::kmeans(&f32a(&[0., 1., bad, 3.]), &num(2.), &num(2.), &num(1.), &U),
            "RangeError",
            &["data", "index 2"],
        );
        assert_eq!(code, "not_finite");
    }
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("init", "kmeans||".into())]),
        ),
        "RangeError",
        &["opts.init", "kmeans||"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("init", num(1.))]),
        ),
        "TypeError",
        &["opts.init"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(2.),
            &obj(&[("init", f32a(&[0.; 3]))]),
        ),
        "RangeError",
        &["init", "4", "3"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("init", f32a(&[f32::NAN, 0.]))]),
        ),
        "RangeError",
        &["init", "index 0"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("maxIter", num(0.))]),
        ),
        "RangeError",
        &["opts.maxIter"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("nInit", num(1.5))]),
        ),
        "RangeError",
        &["opts.nInit"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("nInit", num(1001.))]),
        ),
        "RangeError",
        &["opts.nInit", "1000", "1001"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("tol", num(-1.))]),
        ),
        "RangeError",
        &["opts.tol"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("seed", num(-1.))]),
        ),
        "RangeError",
        &["opts.seed"],
    );
    fails(
        c::kmeans(
            &data,
            &num(3.),
            &num(2.),
            &num(1.),
            &obj(&[("seed", "1".into())]),
        ),
        "TypeError",
        &["opts.seed"],
    );
}

#[test]
fn fft_writes_into_opts_out() {
    let out = Float32Array::new_with_length(8);
    let x = f32a(&[1., 0., 0., 0., 0., 0., 0., 0.]);
    let got = c::fft(&x, &obj(&[("out", out.clone().into())])).unwrap();
    assert_eq!(out.to_vec(), vec![1., 0., 1., 0., 1., 0., 1., 0.]);
    assert!(JsValue::from(got) == JsValue::from(out));
    let spec = Float32Array::new_with_length(6);
    c::rfft(
        &f32a(&[1., 2., 3., 4.]),
        &obj(&[("out", spec.clone().into())]),
    )
    .unwrap();
    assert_eq!(spec.to_vec(), vec![10., 0., -2., 2., -2., 0.]);
    let code = fails(
        c::fft(
            &x,
            &obj(&[("out", Float32Array::new_with_length(6).into())]),
        ),
        "RangeError",
        &["opts.out", "8", "6"],
    );
    assert_eq!(code, "out_of_range");
    fails(
        c::irfft(
            &f32a(&[1., 0., 0., 0.]),
            &num(2.),
            &obj(&[("out", JsValue::from_str("x"))]),
        ),
        "TypeError",
        &["opts.out", "Float32Array"],
    );
}

/// A staged call's index, or the error it kept (0 is never an index).
fn staged_result(at: usize) -> Result<usize, JsValue> {
    if at == 0 {
        Err(c::fft_staged_error())
    } else {
        Ok(at)
    }
}

/// A view of all of wasm memory (made again per use: growth detaches an old one).
fn heap() -> Float32Array {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    Float32Array::new(&memory.buffer())
}

/// Runs a staged transform the way the package's `index.js` does: `input` written `offset`
/// floats past the index `fftStage` gives in a view of wasm memory, the result read from the
/// index returned (which comes back too).
fn staged_at(
    caller: u8,
    input: &[f32],
    offset: usize,
    out_len: usize,
    run: impl FnOnce() -> usize,
) -> (usize, Vec<f32>) {
    let to = staged_result(c::fft_stage(offset + input.len(), caller)).unwrap() + offset;
    heap().set(&Float32Array::from(input), to as u32);
    let at = staged_result(run()).unwrap();
    // A copy outside wasm memory first: `to_vec` allocates, which may grow (and detach) it.
    let result = heap().slice(at as u32, (at + out_len) as u32).to_vec();
    (at, result)
}

/// [`staged_at`] with no offsets.
fn staged(caller: u8, input: &[f32], out_len: usize, run: impl FnOnce() -> usize) -> Vec<f32> {
    staged_at(caller, input, 0, out_len, run).1
}

#[test]
fn staged_transforms_equal_the_checked_ones() {
    let signal =
        |n: usize| -> Vec<f32> { (0..n).map(|i| ((i * 37 % 101) as f32 - 50.) / 7.).collect() };
    // Even, odd and prime lengths, forward and inverse.
    for points in [1usize, 2, 7, 1009, 1024] {
        let x = signal(2 * points);
        for inverse in [false, true] {
            let want = c::fft(&f32a(&x), &obj(&[("inverse", inverse.into())])).unwrap();
            let got = staged(0, &x, x.len(), || c::fft_staged(x.len(), inverse, 0, 0));
            assert_eq!(
                got,
                want.to_vec(),
                "fft of {points} points, inverse {inverse}"
            );
        }
    }
    for n in [1usize, 2, 7, 1024, 4095] {
        let x = signal(n);
        let want = c::rfft(&f32a(&x), &U).unwrap().to_vec();
        let got = staged(1, &x, want.len(), || c::rfft_staged(n, 0, 0));
        assert_eq!(got, want, "rfft of {n}");
        let back = c::irfft(&f32a(&want), &num(n as f64), &U).unwrap().to_vec();
        let got = staged(2, &want, n, || c::irfft_staged(n, want.len(), 0, 0));
        assert_eq!(got, back, "irfft to {n}");
    }
    // The staged functions still refuse what their checked twins refuse.
    let s = |at| staged_result(at);
    fails(
        s(c::fft_staged(3, false, 0, 0)),
        "RangeError",
        &["data", "3"],
    );
    fails(
        s(c::irfft_staged(4, 4, 0, 0)),
        "RangeError",
        &["spectrum", "6", "4"],
    );
    fails(s(c::rfft_staged(0, 0, 0)), "RangeError", &["signal"]);
    // The error is taken once.
    assert!(c::fft_staged_error().is_undefined());
    // n/2 + 1 bins of 2 floats would not fit in usize: refused, not wrapped around.
    assert_eq!(
        fails(
            s(c::rfft_staged(usize::MAX, 0, 0)),
            "RangeError",
            &["signal"]
        ),
        "too_large"
    );
    // The staged input stays where it is for shorter inputs, and a transform of more floats
    // than were staged is refused rather than run on what lies beyond.
    let at = s(c::fft_stage(4096, 0)).unwrap();
    assert_eq!(s(c::fft_stage(100, 1)).unwrap(), at);
    let x = signal(2048);
    assert_eq!(
        staged(0, &x, x.len(), || c::fft_staged(x.len(), false, 0, 0)),
        c::fft(&f32a(&x), &U).unwrap().to_vec()
    );
    assert_eq!(s(c::fft_stage(2048, 0)).unwrap(), at);
    let beyond = fails(
        s(c::fft_staged(1 << 20, false, 0, 0)),
        "RangeError",
        &["data"],
    );
    assert_eq!(beyond, "bad_length");
    // Offsets (index.js's, for arrays 4 bytes off an 8-byte boundary) read the input that many
    // floats on and put the result that many floats further, with the same values.
    let spectrum = c::rfft(&f32a(&x), &U).unwrap().to_vec();
    for (caller, input, out_len, run) in [
        (
            0,
            &x,
            x.len(),
            &(|o, p| c::fft_staged(x.len(), true, o, p)) as &dyn Fn(_, _) -> _,
        ),
        (1, &x, spectrum.len(), &|o, p| c::rfft_staged(x.len(), o, p)),
        (2, &spectrum, x.len(), &|o, p| {
            c::irfft_staged(x.len(), spectrum.len(), o, p)
        }),
    ] {
        let (at, plain) = staged_at(caller, input, 0, out_len, || run(0, 0));
        for (o, p) in [(1, 0), (0, 1), (1, 1), (3, 5)] {
            let moved = staged_at(caller, input, o, out_len, || run(o, p));
            assert_eq!(
                moved,
                (at + p, plain.clone()),
                "caller {caller}, offsets {o} {p}"
            );
        }
    }
    // The offset counts against the floats staged (which are fewer than 2^30 here).
    let past = s(c::fft_staged(2, false, 1 << 30, 0));
    assert_eq!(fails(past, "RangeError", &["data"]), "bad_length");
    // Staging more than memory can hold names the transform that asked.
    // (`usize::MAX`: the buffer's cache-line slack must not wrap the length around.)
    for (huge, (caller, prefix)) in [usize::MAX / 4, usize::MAX].into_iter().flat_map(|huge| {
        [
            (0, "fft: data:"),
            (1, "rfft: signal:"),
            (2, "irfft: spectrum:"),
        ]
        .map(|c| (huge, c))
    }) {
        let e = staged_result(c::fft_stage(huge, caller)).expect_err("staging 4 GB");
        let msg = get(&e, "message").as_string().unwrap();
        assert!(
            msg.starts_with(prefix),
            "{huge}: {msg:?} does not start with {prefix:?}"
        );
        assert_eq!(fails(Err::<(), _>(e), "RangeError", &[]), "too_large");
    }
}

/// `FftPlan`: its input written and its output read through views of wasm memory at the
/// indexes it gives, as the package's class does, equal the checked functions' results.
#[test]
fn fft_plan_buffers_in_wasm_memory() {
    let n = 12;
    let x: Vec<f32> = (0..2 * n).map(|i| ((i * 7) % 5) as f32 - 1.5).collect();
    let cases: [(JsValue, &[f32], Vec<f32>); 4] = [
        (U, &x, to_vec(&c::fft(&f32a(&x), &U).unwrap())),
        (
            obj(&[("inverse", true.into())]),
            &x,
            to_vec(&c::fft(&f32a(&x), &obj(&[("inverse", true.into())])).unwrap()),
        ),
        (
            obj(&[("real", true.into())]),
            &x[..n],
            to_vec(&c::rfft(&f32a(&x[..n]), &U).unwrap()),
        ),
        (
            obj(&[("real", true.into()), ("inverse", true.into())]),
            &x[..n + 2],
            to_vec(&c::irfft(&f32a(&x[..n + 2]), &num(n as f64), &U).unwrap()),
        ),
    ];
    for (opts, input, want) in cases {
        let mut plan = c::JsFftPlan::new(&num(n as f64), &opts).unwrap();
        assert_eq!(plan.n(), n as f64);
        assert_eq!(plan.input_length(), input.len());
        assert_eq!(plan.output_length(), want.len());
        let (at, out) = (plan.input_index(), plan.output_index());
        heap().set(&Float32Array::from(input), at as u32);
        plan.run();
        let got = heap().slice(out as u32, (out + want.len()) as u32).to_vec();
        assert_eq!(got, want, "{:?}", js_sys::JSON::stringify(&opts));
        // The buffers never move.
        assert_eq!((plan.input_index(), plan.output_index()), (at, out));
    }
    let kinds = c::JsFftPlan::new(&num(8.), &obj(&[("real", true.into())])).unwrap();
    assert!(kinds.real() && !kinds.inverse());
}

#[test]
fn fft_plan_bad_input() {
    let new = |n: JsValue, opts: JsValue| c::JsFftPlan::new(&n, &opts).map(|_| ());
    assert_eq!(
        fails(new(num(0.), U), "RangeError", &["FftPlan", "n", "0"]),
        "out_of_range"
    );
    fails(new(num(2.5), U), "RangeError", &["FftPlan", "n", "2.5"]);
    fails(new("8".into(), U), "TypeError", &["FftPlan", "n"]);
    fails(
        new(num(8.), obj(&[("real", num(1.))])),
        "TypeError",
        &["FftPlan", "opts.real", "boolean"],
    );
    fails(
        new(num(8.), obj(&[("inverse", "yes".into())])),
        "TypeError",
        &["FftPlan", "opts.inverse", "boolean"],
    );
    fails(new(num(8.), num(1.)), "TypeError", &["FftPlan", "opts"]);
    // More than memory can hold: refused, not aborted.
    assert_eq!(
        fails(new(num(1e9), U), "RangeError", &["FftPlan"]),
        "too_large"
    );
}
