//! JSON-like values between JavaScript and [`crate::crdt::Value`], without loss: `-0` stays
//! `-0`, object keys keep their strings. Refused (TypeError naming the path): functions,
//! symbols, bigints, `undefined` inside arrays, non-plain objects (Date, Map, typed arrays, …)
//! and cycles; NaN and ±Infinity are a RangeError. `undefined` object properties are skipped,
//! as `JSON.stringify` does.

use super::args;
use crate::crdt::{Value, MAX_DEPTH};
use js_sys::{Array, Object, Reflect};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// Converts a JavaScript value; `path` names it in errors (e.g. `value.items[2].name`).
pub fn from_js(func: &str, path: &str, v: &JsValue) -> Result<Value, JsValue> {
    let mut stack: Vec<JsValue> = Vec::new();
    walk(func, path, v, &mut stack)
}

fn walk(func: &str, path: &str, v: &JsValue, stack: &mut Vec<JsValue>) -> Result<Value, JsValue> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        if !n.is_finite() {
            return Err(args::range_error(
                func,
                path,
                "a finite number",
                &n.to_string(),
            ));
        }
        return Ok(Value::Number(n));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if v.is_undefined() || v.is_function() || v.is_symbol() || v.is_bigint() || !v.is_object() {
        return Err(args::type_error(
            func,
            path,
            "a JSON-like value (null, boolean, number, string, array or plain object)",
            v,
        ));
    }
    if stack.iter().any(|s| Object::is(s, v)) {
        return Err(super::error::js_error(
            crate::error::ErrorKind::Type,
            "invalid_type",
            &format!("{func}: argument '{path}' is a cycle (the object contains itself)"),
        ));
    }
    if stack.len() >= MAX_DEPTH {
        return Err(args::range_error(
            func,
            path,
            &format!("nested at most {MAX_DEPTH} levels deep"),
            "deeper nesting",
        ));
    }
    stack.push(v.clone());
    let out = if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        let mut items = Vec::with_capacity(a.length() as usize);
        for (i, item) in a.iter().enumerate() {
            let p = format!("{path}[{i}]");
            if item.is_undefined() {
                stack.pop();
                return Err(args::type_error(
                    func,
                    &p,
                    "a JSON-like value (undefined is not allowed in arrays)",
                    &item,
                ));
            }
            items.push(walk(func, &p, &item, stack)?);
        }
        Value::Array(items)
    } else {
        let proto = Object::get_prototype_of(v);
        let plain =
            proto.is_null() || Object::is(&proto, &Object::get_prototype_of(&Object::new()));
        if !plain {
            stack.pop();
            return Err(args::type_error(func, path, "a plain object", v));
        }
        let obj: &Object = v.unchecked_ref();
        let mut map = BTreeMap::new();
        for key in Object::keys(obj).iter() {
            let k = key.as_string().unwrap_or_default();
            let item = Reflect::get(obj, &key).unwrap_or(JsValue::UNDEFINED);
            if item.is_undefined() {
                continue;
            }
            let p = format!("{path}.{k}");
            let val = walk(func, &p, &item, stack)?;
            map.insert(k, val);
        }
        Value::Object(map)
    };
    stack.pop();
    Ok(out)
}

/// Converts to a JavaScript value (objects get keys in sorted order; `__proto__` is an own
/// property, never the prototype).
pub fn to_js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(a) => a.iter().map(to_js).collect::<Array>().into(),
        Value::Object(o) => {
            let obj = Object::new();
            for (k, item) in o {
                set_own(&obj, k, &to_js(item));
            }
            obj.into()
        }
    }
}

/// Defines `obj[key] = value` as an own data property (safe for `__proto__`).
pub fn set_own(obj: &Object, key: &str, value: &JsValue) {
    if key == "__proto__" {
        let desc = Object::new();
        args::set(&desc, "value", value);
        args::set(&desc, "enumerable", &JsValue::TRUE);
        args::set(&desc, "writable", &JsValue::TRUE);
        args::set(&desc, "configurable", &JsValue::TRUE);
        Object::define_property(obj, &key.into(), &desc);
    } else {
        let _ = Reflect::set(obj, &key.into(), value);
    }
}
