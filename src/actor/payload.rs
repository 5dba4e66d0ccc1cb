//! The package's JS message codec (`pkg-template/actors/codec.js`) on the Rust side, for the
//! plain-data subset Rust behaviours understand: a message a JS caller sent as a structured
//! value arrives as [`JsPayload`] bytes; [`JsData::decode`] reads them, [`JsData::encode`]
//! writes a reply JS decodes back into a value.
//!
//! Format (little-endian): a tag byte, then `num`: f64; `str`: u32 length + UTF-8; `arr`: u32
//! count + items; `obj`: u32 count + (key string, value) pairs; `typed`: a type byte + u32
//! length + bytes (only `Uint8Array`, type 1, is read here).

use super::Message;

/// A structured JS value encoded by the package's codec (what JS sends as anything but
/// `undefined`, a safe integer or a `Uint8Array`). Rust actors pass it on untouched, or read it
/// with [`JsData::decode`].
///
/// ```
/// use katalyst::actor::{JsData, JsPayload};
/// let p = JsPayload(JsData::Str("hi".into()).encode());
/// assert_eq!(JsData::decode(&p.0), Ok(JsData::Str("hi".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsPayload(pub Vec<u8>);

const UNDEF: u8 = 0;
const NULL: u8 = 1;
const FALSE: u8 = 2;
const TRUE: u8 = 3;
const NUM: u8 = 4;
const STR: u8 = 5;
const ARR: u8 = 6;
const OBJ: u8 = 7;
const TYPED: u8 = 8;
const UINT8: u8 = 1;
const MAX_DEPTH: usize = 64;

/// The plain-data subset of a JS value (what JSON holds, plus `undefined` and `Uint8Array`).
///
/// ```
/// use katalyst::actor::JsData;
/// let v = JsData::Obj(vec![("op".into(), JsData::Str("add".into())), ("n".into(), JsData::Num(2.0))]);
/// assert_eq!(v.get("op").and_then(JsData::as_str), Some("add"));
/// assert_eq!(JsData::decode(&v.encode()), Ok(v));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum JsData {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<JsData>),
    /// A plain object, keys in their JS order.
    Obj(Vec<(String, JsData)>),
    /// A `Uint8Array`.
    Bytes(Vec<u8>),
}

impl JsData {
    /// Reads codec bytes; `Err` names what could not be read (e.g. a `Map`, which has no
    /// plain-data form here).
    ///
    /// ```
    /// assert!(katalyst::actor::JsData::decode(&[99]).is_err());
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<JsData, String> {
        let mut r = Cursor { b: bytes, at: 0 };
        let v = r.value(0)?;
        if r.at != bytes.len() {
            return Err(format!("{} trailing bytes", bytes.len() - r.at));
        }
        Ok(v)
    }

    /// Writes codec bytes (JS decodes them with `decode(3, bytes)`).
    ///
    /// See [`JsData`] for an example.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        let len = |out: &mut Vec<u8>, n: usize| {
            out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes())
        };
        match self {
            JsData::Undefined => out.push(UNDEF),
            JsData::Null => out.push(NULL),
            JsData::Bool(b) => out.push(if *b { TRUE } else { FALSE }),
            JsData::Num(n) => {
                out.push(NUM);
                out.extend_from_slice(&n.to_le_bytes());
            }
            JsData::Str(s) => {
                out.push(STR);
                len(out, s.len());
                out.extend_from_slice(s.as_bytes());
            }
            JsData::Arr(items) => {
                out.push(ARR);
                len(out, items.len());
                for i in items {
                    i.write(out);
                }
            }
            JsData::Obj(fields) => {
                out.push(OBJ);
                len(out, fields.len());
                for (k, v) in fields {
                    len(out, k.len());
                    out.extend_from_slice(k.as_bytes());
                    v.write(out);
                }
            }
            JsData::Bytes(b) => {
                out.push(TYPED);
                out.push(UINT8);
                len(out, b.len());
                out.extend_from_slice(b);
            }
        }
    }

    /// The field `key` of an object.
    ///
    /// See [`JsData`] for an example.
    pub fn get(&self, key: &str) -> Option<&JsData> {
        match self {
            JsData::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    ///
    /// See [`JsData`] for an example.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsData::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    ///
    /// ```
    /// assert_eq!(katalyst::actor::JsData::Num(2.5).as_num(), Some(2.5));
    /// ```
    pub fn as_num(&self) -> Option<f64> {
        match self {
            JsData::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// What a [`Message`] holds as JS data: `Empty` → `undefined`, `Int` → a number, `Bytes`
    /// → a `Uint8Array`, a [`JsPayload`] → its decoded value; anything else is an error.
    ///
    /// ```
    /// use katalyst::actor::{JsData, Message};
    /// assert_eq!(JsData::from_message(Message::Int(3)), Ok(JsData::Num(3.0)));
    /// ```
    pub fn from_message(m: Message) -> Result<JsData, String> {
        match m {
            Message::Empty => Ok(JsData::Undefined),
            Message::Int(i) => Ok(JsData::Num(i as f64)),
            Message::Bytes(b) => Ok(JsData::Bytes(b)),
            Message::Value(_) => match m.downcast::<JsPayload>() {
                Ok(p) => JsData::decode(&p.0),
                Err(_) => Err("a Rust value that is not JS data".into()),
            },
            Message::Js(_) => Err("an opaque JS handle".into()),
        }
    }

    /// The message that carries this value to JS (`undefined`, bytes and safe integers take
    /// their direct forms, as the JS codec's `encode` does).
    ///
    /// ```
    /// use katalyst::actor::JsData;
    /// assert_eq!(JsData::Num(4.0).into_message().as_int(), Some(4));
    /// ```
    pub fn into_message(self) -> Message {
        match self {
            JsData::Undefined => Message::Empty,
            JsData::Bytes(b) => Message::Bytes(b),
            JsData::Num(n)
                if n.fract() == 0.0
                    && n.abs() <= 9_007_199_254_740_991.0
                    && !(n == 0.0 && n.is_sign_negative()) =>
            {
                Message::Int(n as i64)
            }
            other => Message::value(JsPayload(other.encode())),
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.b.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn len(&mut self) -> Result<usize, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.len()?;
        let at = self.at;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| format!("bad UTF-8 at byte {at}"))
    }

    fn value(&mut self, depth: usize) -> Result<JsData, String> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        let tag = self.u8()?;
        Ok(match tag {
            UNDEF => JsData::Undefined,
            NULL => JsData::Null,
            FALSE => JsData::Bool(false),
            TRUE => JsData::Bool(true),
            NUM => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                JsData::Num(f64::from_le_bytes(a))
            }
            STR => JsData::Str(self.string()?),
            ARR => {
                let n = self.len()?;
                // Each item takes at least one byte: refuse counts the input cannot hold.
                if n > self.b.len() - self.at {
                    return Err(format!("array count {n} exceeds the input"));
                }
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                JsData::Arr(items)
            }
            OBJ => {
                let n = self.len()?;
                if n > self.b.len() - self.at {
                    return Err(format!("object size {n} exceeds the input"));
                }
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.string()?;
                    fields.push((k, self.value(depth + 1)?));
                }
                JsData::Obj(fields)
            }
            TYPED => {
                let t = self.u8()?;
                let n = self.len()?;
                let b = self.take(n)?.to_vec();
                if t != UINT8 {
                    return Err("a typed array other than Uint8Array".into());
                }
                JsData::Bytes(b)
            }
            9 => return Err("an ArrayBuffer".into()),
            10 => return Err("a Date".into()),
            11 => return Err("a Map".into()),
            12 => return Err("a Set".into()),
            13 => return Err("a BigInt".into()),
            14 => return Err("a RegExp".into()),
            t => return Err(format!("unknown tag {t}")),
        })
    }
}
