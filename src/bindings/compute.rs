use super::{args, error::to_js};
use crate::compute::{self, GemmOptions};
use js_sys::Float32Array;
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
    let a = args::float32_array(F, "a", a)?.to_vec();
    let b = args::float32_array(F, "b", b)?.to_vec();
    let (m, k, n) = (
        args::dim(F, "m", m)?,
        args::dim(F, "k", k)?,
        args::dim(F, "n", n)?,
    );
    let mut o = GemmOptions::default();
    let mut c = None;
    if let Some(obj) = args::options(F, opts)? {
        o.trans_a = args::opt_bool(F, &obj, "transA", false)?;
        o.trans_b = args::opt_bool(F, &obj, "transB", false)?;
        o.alpha = args::opt_f32(F, &obj, "alpha", 1.0)?;
        o.beta = args::opt_f32(F, &obj, "beta", 0.0)?;
        let cv = args::field(&obj, "c");
        if !cv.is_undefined() {
            c = Some(args::float32_array(F, "opts.c", &cv)?.to_vec());
        }
    }
    o.c = c.as_deref();
    let out = compute::sgemm(&a, &b, m, k, n, &o).map_err(|e| to_js(F, e))?;
    Ok(Float32Array::from(&out[..]))
}
