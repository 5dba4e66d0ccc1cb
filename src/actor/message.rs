//! What actors send each other.

use std::any::Any;
use std::fmt;

/// A message. Rust values travel as they are (a pointer move inside wasm memory); bytes and
/// integers are portable to any instance; JavaScript payloads stay in the JS realm that made
/// them and travel as an opaque [`JsHandle`] the bindings resolve.
///
/// ```
/// use katalyst::actor::Message;
/// let m = Message::value(vec![1u32, 2, 3]);
/// assert_eq!(m.downcast_ref::<Vec<u32>>(), Some(&vec![1, 2, 3]));
/// assert_eq!(Message::from(5i64).as_int(), Some(5));
/// assert_eq!(Message::from(&b"hi"[..]).as_bytes(), Some(&b"hi"[..]));
/// ```
pub enum Message {
    /// No content (the reply to a cast-like call, a tick).
    Empty,
    /// A signed integer.
    Int(i64),
    /// Raw bytes (portable across instances).
    Bytes(Vec<u8>),
    /// Any Rust value; only meaningful where sender and receiver share memory.
    Value(Box<dyn Any + Send>),
    /// A JavaScript payload owned by the bindings layer.
    Js(JsHandle),
}

/// An opaque reference to a JavaScript value kept by the bindings (structured-clone payloads,
/// transferred typed arrays). The core never looks inside.
///
/// ```
/// let h = katalyst::actor::JsHandle(12);
/// assert_eq!(h.0, 12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JsHandle(pub u64);

impl Message {
    /// Wraps any sendable Rust value.
    ///
    /// ```
    /// let m = katalyst::actor::Message::value("text");
    /// assert_eq!(m.downcast::<&str>().ok(), Some("text"));
    /// ```
    pub fn value<T: Any + Send>(v: T) -> Self {
        Message::Value(Box::new(v))
    }

    /// The integer, if this is an `Int`.
    ///
    /// ```
    /// assert_eq!(katalyst::actor::Message::Int(3).as_int(), Some(3));
    /// assert_eq!(katalyst::actor::Message::Empty.as_int(), None);
    /// ```
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Message::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The bytes, if this is `Bytes`.
    ///
    /// ```
    /// let m = katalyst::actor::Message::Bytes(vec![1, 2]);
    /// assert_eq!(m.as_bytes(), Some(&[1u8, 2][..]));
    /// ```
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Message::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// A reference to the Rust value inside, if it is a `T`.
    ///
    /// ```
    /// let m = katalyst::actor::Message::value(1.5f64);
    /// assert_eq!(m.downcast_ref::<f64>(), Some(&1.5));
    /// assert_eq!(m.downcast_ref::<f32>(), None);
    /// ```
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        match self {
            Message::Value(v) => v.downcast_ref(),
            _ => None,
        }
    }

    /// The Rust value inside if it is a `T`, else the message back.
    ///
    /// ```
    /// let m = katalyst::actor::Message::value(9u8);
    /// assert_eq!(m.downcast::<u8>().ok(), Some(9));
    /// ```
    pub fn downcast<T: Any>(self) -> Result<T, Message> {
        match self {
            Message::Value(v) => v.downcast::<T>().map(|b| *b).map_err(Message::Value),
            other => Err(other),
        }
    }

    /// Whether this message can be copied into another runtime instance (the postMessage build).
    ///
    /// ```
    /// use katalyst::actor::Message;
    /// assert!(Message::Int(1).is_portable());
    /// assert!(!Message::value(1u8).is_portable());
    /// ```
    pub fn is_portable(&self) -> bool {
        !matches!(self, Message::Value(_))
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Empty => f.write_str("Empty"),
            Message::Int(i) => write!(f, "Int({i})"),
            Message::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Message::Value(_) => f.write_str("Value(..)"),
            Message::Js(h) => write!(f, "Js({})", h.0),
        }
    }
}

impl From<i64> for Message {
    fn from(v: i64) -> Self {
        Message::Int(v)
    }
}

impl From<Vec<u8>> for Message {
    fn from(v: Vec<u8>) -> Self {
        Message::Bytes(v)
    }
}

impl From<&[u8]> for Message {
    fn from(v: &[u8]) -> Self {
        Message::Bytes(v.to_vec())
    }
}

impl From<()> for Message {
    fn from(_: ()) -> Self {
        Message::Empty
    }
}
