//! JSON-like values: null, bool, number, string, array, object.
//!
//! Number policy: numbers are `f64`; NaN and ±Infinity are refused (JSON cannot hold them);
//! `-0` is kept distinct from `0` (it round-trips through the codec and to JavaScript).
//! Integral numbers of magnitude ≤ 2⁵³ are encoded as zigzag varints, other numbers as 8
//! little-endian bytes. Objects keep their keys sorted by UTF-8 bytes, so the order in which
//! keys were inserted never changes the encoding.

use super::codec::{Reader, Writer, MAX_DEPTH};
use super::error::CrdtError;
use std::cmp::Ordering;
use std::collections::BTreeMap;

const T_NULL: u8 = 0;
const T_FALSE: u8 = 1;
const T_TRUE: u8 = 2;
const T_INT: u8 = 3;
const T_FLOAT: u8 = 4;
const T_STRING: u8 = 5;
const T_ARRAY: u8 = 6;
const T_OBJECT: u8 = 7;

const MAX_SAFE: f64 = 9_007_199_254_740_992.0; // 2^53

/// A JSON-like value with a total order (null < bools < numbers < strings < arrays < objects;
/// numbers by IEEE total order, so `-0 < 0`).
///
/// ```
/// use katalyst::crdt::Value;
/// let v = Value::object([("b", Value::from(1.0)), ("a", Value::from("x"))]);
/// assert_eq!(v.to_json_string(), r#"{"a":"x","b":1}"#);
/// ```
#[derive(Clone, Debug)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A finite number (construct with [`Value::number`] to check finiteness).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object with keys in sorted order.
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// A number, refusing NaN and ±Infinity.
    ///
    /// ```
    /// assert!(katalyst::crdt::Value::number(f64::NAN).is_err());
    /// ```
    pub fn number(n: f64) -> Result<Value, CrdtError> {
        if !n.is_finite() {
            return Err(CrdtError::NonFinite { value: n });
        }
        Ok(Value::Number(n))
    }
    /// An object from key/value pairs (later duplicates win).
    ///
    /// ```
    /// let v = katalyst::crdt::Value::object([("k", katalyst::crdt::Value::Null)]);
    /// assert_eq!(v.to_json_string(), r#"{"k":null}"#);
    /// ```
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }

    /// Appends the canonical encoding.
    ///
    /// ```
    /// let mut w = katalyst::crdt::Writer::default();
    /// katalyst::crdt::Value::from(true).encode(&mut w);
    /// assert_eq!(w.into_bytes(), vec![2]);
    /// ```
    pub fn encode(&self, w: &mut Writer) {
        match self {
            Value::Null => w.u8(T_NULL),
            Value::Bool(false) => w.u8(T_FALSE),
            Value::Bool(true) => w.u8(T_TRUE),
            Value::Number(n) => {
                if is_compact_int(*n) {
                    w.u8(T_INT);
                    w.zigzag(*n as i64);
                } else {
                    w.u8(T_FLOAT);
                    w.raw(&n.to_le_bytes());
                }
            }
            Value::String(s) => {
                w.u8(T_STRING);
                w.bytes(s.as_bytes());
            }
            Value::Array(a) => {
                w.u8(T_ARRAY);
                w.varint(a.len() as u64);
                for v in a {
                    v.encode(w);
                }
            }
            Value::Object(o) => {
                w.u8(T_OBJECT);
                w.varint(o.len() as u64);
                for (k, v) in o {
                    w.bytes(k.as_bytes());
                    v.encode(w);
                }
            }
        }
    }

    /// Reads one canonical value, validating numbers, UTF-8, key order and depth.
    ///
    /// ```
    /// let mut r = katalyst::crdt::Reader::new(&[3, 4]);
    /// assert_eq!(katalyst::crdt::Value::decode(&mut r).unwrap(), katalyst::crdt::Value::from(2.0));
    /// ```
    pub fn decode(r: &mut Reader) -> Result<Value, CrdtError> {
        Self::decode_depth(r, 0)
    }

    fn decode_depth(r: &mut Reader, depth: usize) -> Result<Value, CrdtError> {
        if depth > MAX_DEPTH {
            return Err(CrdtError::TooDeep { limit: MAX_DEPTH });
        }
        let at = r.pos();
        Ok(match r.u8("value tag")? {
            T_NULL => Value::Null,
            T_FALSE => Value::Bool(false),
            T_TRUE => Value::Bool(true),
            T_INT => {
                let i = r.zigzag("integer")?;
                let n = i as f64;
                if n.abs() > MAX_SAFE || (n == 0.0 && i != 0) {
                    return Err(CrdtError::malformed(at, "integer beyond 2^53"));
                }
                Value::Number(n)
            }
            T_FLOAT => {
                let n = r.f64("number")?;
                if !n.is_finite() {
                    return Err(CrdtError::malformed(at, "non-finite number"));
                }
                if is_compact_int(n) {
                    return Err(CrdtError::malformed(
                        at,
                        "integral number not in integer form",
                    ));
                }
                Value::Number(n)
            }
            T_STRING => Value::String(r.string("string")?),
            T_ARRAY => {
                let n = r.count("array length", 1)?;
                let mut a = Vec::with_capacity(n);
                for _ in 0..n {
                    a.push(Self::decode_depth(r, depth + 1)?);
                }
                Value::Array(a)
            }
            T_OBJECT => {
                let n = r.count("object size", 2)?;
                let mut o = BTreeMap::new();
                let mut prev: Option<String> = None;
                for _ in 0..n {
                    let kat = r.pos();
                    let k = r.string("object key")?;
                    if prev.as_ref().is_some_and(|p| p.as_bytes() >= k.as_bytes()) {
                        return Err(CrdtError::malformed(
                            kat,
                            "object keys not strictly ascending",
                        ));
                    }
                    prev = Some(k.clone());
                    let v = Self::decode_depth(r, depth + 1)?;
                    o.insert(k, v);
                }
                Value::Object(o)
            }
            t => return Err(CrdtError::malformed(at, format!("unknown value tag {t}"))),
        })
    }

    /// JSON text (numbers as Rust prints shortest round-trip floats; `-0` prints as `-0`).
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Value::from("a\"b").to_json_string(), r#""a\"b""#);
    /// ```
    pub fn to_json_string(&self) -> String {
        let mut s = String::new();
        self.write_json(&mut s);
        s
    }

    fn write_json(&self, s: &mut String) {
        match self {
            Value::Null => s.push_str("null"),
            Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => s.push_str(&format!("{n}")),
            Value::String(t) => write_json_string(t, s),
            Value::Array(a) => {
                s.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    v.write_json(s);
                }
                s.push(']');
            }
            Value::Object(o) => {
                s.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    write_json_string(k, s);
                    s.push(':');
                    v.write_json(s);
                }
                s.push('}');
            }
        }
    }
}

fn write_json_string(t: &str, s: &mut String) {
    s.push('"');
    for c in t.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if (c as u32) < 0x20 => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
}

fn is_compact_int(n: f64) -> bool {
    n.fract() == 0.0 && n.abs() <= MAX_SAFE && !(n == 0.0 && n.is_sign_negative())
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Value {}
impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
            (Value::String(a), Value::String(b)) => a.cmp(b),
            (Value::Array(a), Value::Array(b)) => a.cmp(b),
            (Value::Object(a), Value::Object(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
