//! JavaScript surface of the compute module: `sgemm`, `PackedMatrix`, `fft`, `rfft`, `irfft`,
//! `FftPlan`, `fftBatch`, `rfftBatch`, `fft2`, `fftBackend`, `kmeans`.
//!
//! Typed arrays are copied into wasm memory once on the way in and once on the way out
//! (`copies`); the kernels themselves work in place on those copies. `FftPlan` is the
//! exception: the package hands out views of its buffers, so JavaScript reads and writes them
//! where they are.

use super::copies::{copy_out, F32Copy, Placed};
use super::{args, error::to_js};
use crate::compute::fft::Input;
use crate::compute::{self, ComputeError, GemmOptions, KmeansInit, KmeansOptions, MultiplyOptions};
use js_sys::{Float32Array, Object, Uint32Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// `C = alpha·op(A)·op(B) + beta·C`, row-major; see the package's `sgemm`.
#[wasm_bindgen]
pub fn sgemm(
    a: &JsValue,
    b: &JsValue,
    m: &JsValue,
    k: &JsValue,
    n: &JsValue,
    opts: &JsValue,
) -> Result<Float32Array, JsValue> {
    const F: &str = "sgemm";
    let a = placed(F, "a", a)?;
    let b = placed(F, "b", b)?;
    let (m, k, n) = (
        args::dim(F, "m", m)?,
        args::dim(F, "k", k)?,
        args::dim(F, "n", n)?,
    );
    let mut o = GemmOptions::default();
    let (mut c, mut out) = (None, None);
    if let Some(obj) = args::options(F, opts)? {
        o.trans_a = args::opt_bool(F, &obj, "transA", false)?;
        o.trans_b = args::opt_bool(F, &obj, "transB", false)?;
        o.alpha = args::opt_f32(F, &obj, "alpha", 1.0)?;
        o.beta = args::opt_f32(F, &obj, "beta", 0.0)?;
        c = opt_matrix(F, &obj, "opts.c", m, n)?;
        out = opt_matrix(F, &obj, "opts.out", m, n)?;
    }
    let (a, b) = (copy_in(F, "a", &a)?, copy_in(F, "b", &b)?);
    let c = c.map(|c| copy_in(F, "opts.c", &c)).transpose()?;
    o.c = c.as_deref();
    let result = compute::sgemm(&a, &b, m, k, n, &o).map_err(|e| to_js(F, e))?;
    emit(F, out, &result)
}

/// The option `arg` (`"opts.<key>"`), a `Float32Array` when present, placed for [`copy_in`].
fn opt_array(func: &str, obj: &Object, arg: &'static str) -> Result<Option<Placed>, JsValue> {
    let v = args::field(obj, &arg["opts.".len()..]);
    if v.is_undefined() {
        return Ok(None);
    }
    placed(func, arg, &v).map(Some)
}

/// The m×n option `arg` of a product (`opts.c`, `opts.out`), its length checked before any work.
fn opt_matrix(
    func: &str,
    obj: &Object,
    arg: &'static str,
    m: usize,
    n: usize,
) -> Result<Option<Placed>, JsValue> {
    let matrix = opt_array(func, obj, arg)?;
    if let Some(x) = &matrix {
        if Some(x.len()) != m.checked_mul(n) {
            return Err(args::range_error(
                func,
                arg,
                &format!("a Float32Array of length {m}×{n}"),
                &format!("length {}", x.len()),
            ));
        }
    }
    Ok(matrix)
}

/// A right-hand matrix packed once for repeated products: `new PackedMatrix(b, k, n, {transB})`,
/// then `packed.multiply(a, m, {transA, alpha, beta, c})`.
#[wasm_bindgen(js_name = PackedMatrix)]
pub struct JsPackedMatrix {
    inner: compute::PackedMatrix,
}

#[wasm_bindgen(js_class = PackedMatrix)]
impl JsPackedMatrix {
    /// Packs `op(B)` (k×n; `b` stored n×k when `opts.transB`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        b: &JsValue,
        k: &JsValue,
        n: &JsValue,
        opts: &JsValue,
    ) -> Result<JsPackedMatrix, JsValue> {
        const F: &str = "PackedMatrix";
        let b = placed(F, "b", b)?;
        let (k, n) = (args::dim(F, "k", k)?, args::dim(F, "n", n)?);
        let trans_b = match args::options(F, opts)? {
            Some(obj) => args::opt_bool(F, &obj, "transB", false)?,
            None => false,
        };
        let b = copy_in(F, "b", &b)?;
        let inner = compute::PackedMatrix::new(&b, k, n, trans_b).map_err(|e| to_js(F, e))?;
        Ok(JsPackedMatrix { inner })
    }

    /// `alpha·op(A)·B + beta·C` for `op(A)` m×k.
    pub fn multiply(
        &self,
        a: &JsValue,
        m: &JsValue,
        opts: &JsValue,
    ) -> Result<Float32Array, JsValue> {
        const F: &str = "PackedMatrix.multiply";
        let a = placed(F, "a", a)?;
        let m = args::dim(F, "m", m)?;
        let mut o = MultiplyOptions::default();
        let (mut c, mut out) = (None, None);
        if let Some(obj) = args::options(F, opts)? {
            o.trans_a = args::opt_bool(F, &obj, "transA", false)?;
            o.alpha = args::opt_f32(F, &obj, "alpha", 1.0)?;
            o.beta = args::opt_f32(F, &obj, "beta", 0.0)?;
            c = opt_matrix(F, &obj, "opts.c", m, self.inner.n())?;
            out = opt_matrix(F, &obj, "opts.out", m, self.inner.n())?;
        }
        let a = copy_in(F, "a", &a)?;
        let c = c.map(|c| copy_in(F, "opts.c", &c)).transpose()?;
        o.c = c.as_deref();
        let result = self.inner.multiply(&a, m, &o).map_err(|e| to_js(F, e))?;
        emit(F, out, &result)
    }

    /// Rows of `op(B)`.
    #[wasm_bindgen(getter)]
    pub fn k(&self) -> f64 {
        self.inner.k() as f64
    }

    /// Columns of `op(B)`.
    #[wasm_bindgen(getter)]
    pub fn n(&self) -> f64 {
        self.inner.n() as f64
    }
}

/// The options every FFT function takes: `inverse` (where it applies) and `out`, a
/// caller-owned `Float32Array` of exactly the result's length that receives the result (no new
/// array is allocated, which is most of the cost of small transforms).
struct FftOpts {
    inverse: bool,
    out: Option<Placed>,
}

fn fft_opts(func: &str, opts: &JsValue, allow_inverse: bool) -> Result<FftOpts, JsValue> {
    let mut o = FftOpts {
        inverse: false,
        out: None,
    };
    if let Some(obj) = args::options(func, opts)? {
        if allow_inverse {
            o.inverse = args::opt_bool(func, &obj, "inverse", false)?;
        }
        o.out = opt_array(func, &obj, "opts.out")?;
    }
    Ok(o)
}

/// `v` as a `Float32Array` (else a `TypeError` naming `arg`), placed for [`copy_in`]. Functions
/// with several arrays place them all before copying any.
fn placed(func: &str, arg: &str, v: &JsValue) -> Result<Placed, JsValue> {
    Ok(Placed::new(&args::float32_array(func, arg, v)?))
}

/// [`Placed::copy`], its error as `func`'s.
fn copy_in(func: &str, arg: &'static str, array: &Placed) -> Result<F32Copy, JsValue> {
    array.copy(arg).map_err(|e| to_js(func, e))
}

/// Hands `result` to JavaScript: copied into `opts.out` when given (length checked), else into
/// a new `Float32Array`.
fn emit(func: &str, out: Option<Placed>, result: &[f32]) -> Result<Float32Array, JsValue> {
    match out {
        None => Ok(Float32Array::from(result)),
        Some(arr) => {
            if arr.len() != result.len() {
                return Err(args::range_error(
                    func,
                    "opts.out",
                    &format!("a Float32Array of length {}", result.len()),
                    &format!("length {}", arr.len()),
                ));
            }
            copy_out("opts.out", &arr, result).map_err(|e| to_js(func, e))?;
            Ok(arr.array().clone())
        }
    }
}

/// Complex DFT of interleaved `re, im` data (`opts.inverse` scales by 1/n; `opts.out` receives
/// the result).
#[wasm_bindgen]
pub fn fft(data: &JsValue, opts: &JsValue) -> Result<Float32Array, JsValue> {
    const F: &str = "fft";
    let data = placed(F, "data", data)?;
    let o = fft_opts(F, opts, true)?;
    let fill = Input::Fill(|buf: &mut [f32]| data.copy_to("data", buf));
    compute::fft::fft_streamed(data.len(), o.inverse, fill, |r| emit(F, o.out, r))
        .map_err(|e| to_js(F, e))?
}

/// Complex DFTs of every `n`-point row.
#[wasm_bindgen(js_name = fftBatch)]
pub fn fft_batch(data: &JsValue, n: &JsValue, opts: &JsValue) -> Result<Float32Array, JsValue> {
    const F: &str = "fftBatch";
    let data = placed(F, "data", data)?;
    let n = args::dim(F, "n", n)?;
    let o = fft_opts(F, opts, true)?;
    let mut data = copy_in(F, "data", &data)?;
    compute::fft::fft_batch_in_place(&mut data, n, o.inverse).map_err(|e| to_js(F, e))?;
    emit(F, o.out, &data)
}

/// 2-D DFT of a row-major `rows × cols` complex grid.
#[wasm_bindgen]
pub fn fft2(
    data: &JsValue,
    rows: &JsValue,
    cols: &JsValue,
    opts: &JsValue,
) -> Result<Float32Array, JsValue> {
    const F: &str = "fft2";
    let data = placed(F, "data", data)?;
    let (rows, cols) = (args::dim(F, "rows", rows)?, args::dim(F, "cols", cols)?);
    let o = fft_opts(F, opts, true)?;
    let data = copy_in(F, "data", &data)?;
    let out = compute::fft2(&data, rows, cols, o.inverse).map_err(|e| to_js(F, e))?;
    emit(F, o.out, &out)
}

/// Real DFT: n/2+1 complex bins, interleaved (`opts.out` receives the result).
#[wasm_bindgen]
pub fn rfft(signal: &JsValue, opts: &JsValue) -> Result<Float32Array, JsValue> {
    const F: &str = "rfft";
    let signal = placed(F, "signal", signal)?;
    if signal.is_empty() {
        return Err(args::range_error(
            F,
            "signal",
            "a non-empty Float32Array",
            "length 0",
        ));
    }
    let o = fft_opts(F, opts, false)?;
    let fill = Input::Fill(|buf: &mut [f32]| signal.copy_to("signal", buf));
    compute::fft::rfft_streamed(signal.len(), fill, |r| emit(F, o.out, r))
        .map_err(|e| to_js(F, e))?
}

/// Real DFTs of every `n`-sample row.
#[wasm_bindgen(js_name = rfftBatch)]
pub fn rfft_batch(signals: &JsValue, n: &JsValue, opts: &JsValue) -> Result<Float32Array, JsValue> {
    const F: &str = "rfftBatch";
    let signals = placed(F, "signals", signals)?;
    let n = args::dim(F, "n", n)?;
    let o = fft_opts(F, opts, false)?;
    let mut signals = copy_in(F, "signals", &signals)?;
    let out = compute::fft::rfft_batch_clobbering(&mut signals, n).map_err(|e| to_js(F, e))?;
    emit(F, o.out, &out)
}

/// Inverse real DFT: `n` samples from n/2+1 interleaved bins.
#[wasm_bindgen]
pub fn irfft(spectrum: &JsValue, n: &JsValue, opts: &JsValue) -> Result<Float32Array, JsValue> {
    const F: &str = "irfft";
    let spectrum = placed(F, "spectrum", spectrum)?;
    let n = args::dim(F, "n", n)?;
    let o = fft_opts(F, opts, false)?;
    let fill = Input::Fill(|buf: &mut [f32]| spectrum.copy_to("spectrum", buf));
    compute::fft::irfft_streamed(n, spectrum.len(), fill, |r| emit(F, o.out, r))
        .map_err(|e| to_js(F, e))?
}

/// A transform of fixed length whose input and output live in wasm memory:
/// `new FftPlan(n, {real, inverse})`. The package's `FftPlan` extends this class with `input`
/// and `output` views over the two buffers (`inputIndex()` / `outputIndex()` are where they
/// start, as `Float32Array` indices into the memory).
#[wasm_bindgen(js_name = FftPlan)]
pub struct JsFftPlan {
    inner: compute::FftPlan,
}

#[wasm_bindgen(js_class = FftPlan)]
impl JsFftPlan {
    /// A plan for `n` ≥ 1 points: complex (2n floats in and out) unless `opts.real`
    /// (n samples in, n/2+1 bins out; the reverse with `opts.inverse`).
    #[wasm_bindgen(constructor)]
    pub fn new(n: &JsValue, opts: &JsValue) -> Result<JsFftPlan, JsValue> {
        const F: &str = "FftPlan";
        let n = args::dim(F, "n", n)?;
        let (real, inverse) = match args::options(F, opts)? {
            Some(obj) => (
                args::opt_bool(F, &obj, "real", false)?,
                args::opt_bool(F, &obj, "inverse", false)?,
            ),
            None => (false, false),
        };
        let kind = compute::FftKind::new(real, inverse);
        let inner = compute::FftPlan::new(n, kind).map_err(|e| to_js(F, e))?;
        Ok(JsFftPlan { inner })
    }

    /// Transforms the input buffer (clobbered) into the output buffer.
    pub fn run(&mut self) {
        self.inner.run();
    }

    /// Points per transform.
    #[wasm_bindgen(getter)]
    pub fn n(&self) -> f64 {
        self.inner.len() as f64
    }

    /// Whether the plan is a real transform.
    #[wasm_bindgen(getter)]
    pub fn real(&self) -> bool {
        self.inner.kind().is_real()
    }

    /// Whether the plan is an inverse transform.
    #[wasm_bindgen(getter)]
    pub fn inverse(&self) -> bool {
        self.inner.kind().is_inverse()
    }

    /// Where the input starts, as a `Float32Array` index into wasm memory.
    #[wasm_bindgen(js_name = inputIndex)]
    pub fn input_index(&mut self) -> usize {
        heap_index(self.inner.input())
    }

    /// Floats of input.
    #[wasm_bindgen(js_name = inputLength)]
    pub fn input_length(&mut self) -> usize {
        self.inner.input().len()
    }

    /// Where the output starts, as a `Float32Array` index into wasm memory.
    #[wasm_bindgen(js_name = outputIndex)]
    pub fn output_index(&self) -> usize {
        heap_index(self.inner.output())
    }

    /// Floats of output.
    #[wasm_bindgen(js_name = outputLength)]
    pub fn output_length(&self) -> usize {
        self.inner.output().len()
    }
}

// The staged path of `fft`, `rfft` and `irfft`, for the package's `index.js` when the arguments
// are plain: it writes the input at the index `fftStage` returns in a `Float32Array` over wasm
// memory (asking again only for a longer input: the index holds until then), runs the
// transform, and copies the result from the index the transform returns (valid until this
// thread's next transform). The checked functions above make two typed-array views and a dozen
// boundary calls per call: about 0.75 µs, a third of a 1024-point transform. These return a
// plain number, 0 on error with the error kept for `fftStagedError`: a `Result` comes back to
// JavaScript as an array made per call.

/// The `Float32Array` index where staged transforms read up to `len` floats of input, or 0.
/// `caller` names the transform in errors: 0 `fft`, 1 `rfft`, 2 `irfft`.
#[wasm_bindgen(js_name = fftStage)]
pub fn fft_stage(len: usize, caller: u8) -> usize {
    let (function, arg) = match caller {
        1 => ("rfft", "signal"),
        2 => ("irfft", "spectrum"),
        _ => ("fft", "data"),
    };
    staged_result(
        function,
        compute::fft::stage_input(len, arg).map(|at| at as usize / 4),
    )
}

// Each takes its input `offset` floats past the staged index and puts its result `out_offset`
// floats past the start of the output buffer. `index.js` makes them 1 where the caller's array
// sits 4 bytes off an 8-byte boundary: V8 copies to and from a `SharedArrayBuffer` (the threads
// build's memory) 8 bytes at a time only between arrays aligned alike, else byte by byte, 7×
// slower (1.22 against 0.17 µs for 8 KiB in Chromium).

/// `fft` of `len` staged floats; returns the result's index, or 0.
#[wasm_bindgen(js_name = fftStaged)]
pub fn fft_staged(len: usize, inverse: bool, offset: usize, out_offset: usize) -> usize {
    let input = staged(offset, out_offset);
    staged_result(
        "fft",
        compute::fft::fft_streamed(len, inverse, input, heap_index),
    )
}

/// `rfft` of `n` staged floats; returns the result's index, or 0.
#[wasm_bindgen(js_name = rfftStaged)]
pub fn rfft_staged(n: usize, offset: usize, out_offset: usize) -> usize {
    let input = staged(offset, out_offset);
    staged_result("rfft", compute::fft::rfft_streamed(n, input, heap_index))
}

/// `irfft` to `n` samples of `spectrum_len` staged floats; returns the result's index, or 0.
#[wasm_bindgen(js_name = irfftStaged)]
pub fn irfft_staged(n: usize, spectrum_len: usize, offset: usize, out_offset: usize) -> usize {
    let input = staged(offset, out_offset);
    staged_result(
        "irfft",
        compute::fft::irfft_streamed(n, spectrum_len, input, heap_index),
    )
}

/// The error of this thread's last staged call that returned 0 (`undefined` once taken).
#[wasm_bindgen(js_name = fftStagedError)]
pub fn fft_staged_error() -> JsValue {
    STAGED_ERROR.with(|e| e.replace(JsValue::UNDEFINED))
}

fn staged(offset: usize, out_offset: usize) -> Input {
    Input::Staged { offset, out_offset }
}

thread_local! {
    static STAGED_ERROR: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// An index, or 0 with the error kept for [`fft_staged_error`] (no result is at index 0).
fn staged_result(function: &str, r: Result<usize, ComputeError>) -> usize {
    r.unwrap_or_else(|e| {
        STAGED_ERROR.with(|s| *s.borrow_mut() = to_js(function, e));
        0
    })
}

fn heap_index(result: &[f32]) -> usize {
    result.as_ptr() as usize / 4
}

/// The FFT planner's instruction set: `"wasm_simd"` in both wasm builds.
#[wasm_bindgen(js_name = fftBackend)]
pub fn fft_backend() -> String {
    compute::fft_backend().to_string()
}

/// An optional integer option in `min ..= max`.
fn opt_uint(
    func: &str,
    obj: &Object,
    key: &'static str,
    (min, max): (f64, f64),
    default: u64,
) -> Result<u64, JsValue> {
    let v = args::field(obj, key);
    if v.is_undefined() {
        return Ok(default);
    }
    let name = format!("opts.{key}");
    let x = v
        .as_f64()
        .ok_or_else(|| args::type_error(func, &name, "an integer", &v))?;
    if x.fract() != 0.0 || !(min..=max).contains(&x) {
        return Err(args::range_error(
            func,
            &name,
            &format!("an integer from {min} to {max}"),
            &x.to_string(),
        ));
    }
    Ok(x as u64)
}

/// k-means: `{ centroids: Float32Array, labels: Uint32Array, inertia, iterations }`.
#[wasm_bindgen]
pub fn kmeans(
    data: &JsValue,
    n: &JsValue,
    d: &JsValue,
    k: &JsValue,
    opts: &JsValue,
) -> Result<JsValue, JsValue> {
    const F: &str = "kmeans";
    let data = placed(F, "data", data)?;
    let (n, d, k) = (
        args::dim(F, "n", n)?,
        args::dim(F, "d", d)?,
        args::dim(F, "k", k)?,
    );
    let mut o = KmeansOptions::default();
    let mut init = None;
    let mut kind = "kmeans++";
    if let Some(obj) = args::options(F, opts)? {
        let iv = args::field(&obj, "init");
        if let Some(s) = iv.as_string() {
            kind = match s.as_str() {
                "kmeans++" => "kmeans++",
                "random" => "random",
                _ => {
                    return Err(args::range_error(
                        F,
                        "opts.init",
                        "'kmeans++', 'random' or a Float32Array",
                        &format!("'{s}'"),
                    ))
                }
            };
        } else if !iv.is_undefined() {
            let c = args::float32_array(F, "opts.init", &iv).map_err(|_| {
                args::type_error(
                    F,
                    "opts.init",
                    "'kmeans++', 'random' or a Float32Array",
                    &iv,
                )
            })?;
            init = Some(Placed::new(&c));
        }
        o.max_iter = opt_uint(F, &obj, "maxIter", (1.0, 1e6), 300)? as usize;
        o.n_init = opt_uint(F, &obj, "nInit", (1.0, 1000.0), 1)? as usize;
        o.seed = opt_uint(F, &obj, "seed", (0.0, 9_007_199_254_740_991.0), 0)?;
        let tv = args::field(&obj, "tol");
        if !tv.is_undefined() {
            let t = tv
                .as_f64()
                .ok_or_else(|| args::type_error(F, "opts.tol", "a number", &tv))?;
            if !(t.is_finite() && t >= 0.0) {
                return Err(args::range_error(
                    F,
                    "opts.tol",
                    "a finite number ≥ 0",
                    &t.to_string(),
                ));
            }
            o.tol = t;
        }
    }
    let data = copy_in(F, "data", &data)?.into_vec();
    let init = init.map(|c| copy_in(F, "opts.init", &c)).transpose()?;
    o.init = match (&init, kind) {
        (Some(c), _) => KmeansInit::Centroids(c),
        (None, "random") => KmeansInit::Random,
        _ => KmeansInit::PlusPlus,
    };
    let r = compute::kmeans::kmeans_owned(data, n, d, k, &o).map_err(|e| to_js(F, e))?;
    let out = Object::new();
    // Setting data properties on a fresh plain object cannot fail.
    args::set(&out, "centroids", &Float32Array::from(&r.centroids[..]));
    args::set(&out, "labels", &Uint32Array::from(&r.labels[..]));
    args::set(&out, "inertia", &r.inertia.into());
    args::set(&out, "iterations", &(r.iterations as f64).into());
    Ok(out.into())
}
