//! Core errors → JavaScript errors, in one place.

use super::args;
use crate::error::{Classify, ErrorKind};
use wasm_bindgen::JsValue;

/// Builds the JavaScript error for `kind`: a `RangeError`, a `TypeError` or an `Error` named
/// `KatalystError`, each with a `code` property. The package's `KatalystError` export
/// recognises the last by name, so `instanceof` works whichever build threw it.
pub fn js_error(kind: ErrorKind, code: &str, message: &str) -> JsValue {
    let err: js_sys::Error = match kind {
        ErrorKind::Range => js_sys::RangeError::new(message).into(),
        ErrorKind::Type => js_sys::TypeError::new(message).into(),
        ErrorKind::Domain => {
            let e = js_sys::Error::new(message);
            e.set_name("KatalystError");
            e
        }
    };
    // Setting a data property on a fresh Error object cannot fail.
    args::set(&err, "code", &code.into());
    err.into()
}

/// Maps a core error, prefixing the message with the JavaScript function that failed.
pub fn to_js<E: Classify>(func: &str, e: E) -> JsValue {
    js_error(e.kind(), e.code(), &format!("{func}: {e}"))
}
