use super::args;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

/// SHA-256 of a `Uint8Array`.
#[wasm_bindgen]
pub fn sha256(bytes: &JsValue) -> Result<Uint8Array, JsValue> {
    let bytes = args::uint8_array("sha256", "bytes", bytes)?.to_vec();
    Ok(Uint8Array::from(&crate::crypto::sha256(&bytes)[..]))
}
