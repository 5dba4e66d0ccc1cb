//! Validation of JavaScript arguments, with messages naming the function, the argument, what
//! was expected and what came.

use super::error::js_error;
use crate::error::ErrorKind;
use js_sys::{Float32Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// A short description of a JavaScript value for error messages: `a string`, `null`, `a Float64Array`, …
pub fn describe(v: &JsValue) -> String {
    if v.is_undefined() {
        return "undefined".into();
    }
    if v.is_null() {
        return "null".into();
    }
    if let Some(n) = v.as_f64() {
        return format!("the number {n}");
    }
    if v.is_string() {
        return "a string".into();
    }
    if v.as_bool().is_some() {
        return "a boolean".into();
    }
    if v.is_function() {
        return "a function".into();
    }
    if v.is_object() {
        let name = Object::get_prototype_of(v)
            .constructor()
            .name()
            .as_string()
            .unwrap_or_default();
        return if name.is_empty() || name == "Object" {
            "an object".into()
        } else {
            format!(
                "a{} {name}",
                if "AEIOU".contains(&name[..1]) {
                    "n"
                } else {
                    ""
                }
            )
        };
    }
    format!("a {}", v.js_typeof().as_string().unwrap_or_default())
}

pub fn type_error(func: &str, arg: &str, expected: &str, got: &JsValue) -> JsValue {
    js_error(
        ErrorKind::Type,
        "invalid_type",
        &format!(
            "{func}: argument '{arg}' must be {expected}, got {}",
            describe(got)
        ),
    )
}

pub fn range_error(func: &str, arg: &str, expected: &str, got: &str) -> JsValue {
    js_error(
        ErrorKind::Range,
        "out_of_range",
        &format!("{func}: argument '{arg}' must be {expected}, got {got}"),
    )
}

pub fn float32_array(func: &str, arg: &str, v: &JsValue) -> Result<Float32Array, JsValue> {
    v.dyn_ref::<Float32Array>()
        .cloned()
        .ok_or_else(|| type_error(func, arg, "a Float32Array", v))
}

pub fn uint8_array(func: &str, arg: &str, v: &JsValue) -> Result<Uint8Array, JsValue> {
    v.dyn_ref::<Uint8Array>()
        .cloned()
        .ok_or_else(|| type_error(func, arg, "a Uint8Array", v))
}

/// A dimension: an integer in 1 ..= 2³² − 1.
pub fn dim(func: &str, arg: &str, v: &JsValue) -> Result<usize, JsValue> {
    let n = v
        .as_f64()
        .ok_or_else(|| type_error(func, arg, "an integer ≥ 1", v))?;
    if n.fract() != 0.0 || !(1.0..=u32::MAX as f64).contains(&n) {
        return Err(range_error(
            func,
            arg,
            "an integer from 1 to 4294967295",
            &n.to_string(),
        ));
    }
    Ok(n as usize)
}

/// An options bag: `undefined`/`null` give `None`, a plain object gives `Some`, anything else a `TypeError`.
pub fn options(func: &str, v: &JsValue) -> Result<Option<Object>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if v.is_object() && !v.is_function() && !js_sys::Array::is_array(v) {
        return Ok(Some(v.clone().unchecked_into()));
    }
    Err(type_error(func, "opts", "an object", v))
}

/// `key`, a property name or a constant string value, as a JavaScript string made once per
/// thread. Making one decodes UTF-8 from wasm memory, about 0.25 µs: reading `sgemm`'s six
/// options that way took longer than an 8×8×8 product (3.4 against 1.7 µs).
pub fn key(key: &'static str) -> JsValue {
    thread_local! {
        // By address and length: the keys are literals, and a literal's address is its identity
        // (two copies of one word at two addresses only make two entries).
        static KEYS: RefCell<BTreeMap<(usize, usize), JsValue>> = const { RefCell::new(BTreeMap::new()) };
    }
    KEYS.with(|keys| {
        keys.borrow_mut()
            .entry((key.as_ptr() as usize, key.len()))
            .or_insert_with(|| JsValue::from_str(key))
            .clone()
    })
}

/// Reads `obj[key]`; `undefined` when absent.
pub fn field(obj: &JsValue, key: &'static str) -> JsValue {
    Reflect::get(obj, &self::key(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Sets `obj[key]` on an object this module made (which cannot refuse it).
pub fn set(obj: &JsValue, key: &'static str, value: &JsValue) {
    let _ = Reflect::set(obj, &self::key(key), value);
}

pub fn opt_bool(
    func: &str,
    obj: &Object,
    key: &'static str,
    default: bool,
) -> Result<bool, JsValue> {
    let v = field(obj, key);
    if v.is_undefined() {
        return Ok(default);
    }
    v.as_bool()
        .ok_or_else(|| type_error(func, &format!("opts.{key}"), "a boolean", &v))
}

pub fn opt_f32(func: &str, obj: &Object, key: &'static str, default: f32) -> Result<f32, JsValue> {
    let v = field(obj, key);
    if v.is_undefined() {
        return Ok(default);
    }
    let n = v
        .as_f64()
        .ok_or_else(|| type_error(func, &format!("opts.{key}"), "a number", &v))?;
    if !n.is_finite() {
        return Err(range_error(
            func,
            &format!("opts.{key}"),
            "a finite number",
            &n.to_string(),
        ));
    }
    Ok(n as f32)
}
