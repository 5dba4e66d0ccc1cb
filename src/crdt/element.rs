//! What can be stored in sets and maps: any ordered value with a canonical encoding.

use super::codec::{Reader, Writer};
use super::error::CrdtError;
use super::value::Value;
use std::fmt::Debug;

/// A value that sets and maps can hold: totally ordered (the codec writes elements in this
/// order) with a canonical encoding.
///
/// ```
/// use katalyst::crdt::{Element, Reader, Writer};
/// let mut w = Writer::default();
/// 5u64.encode(&mut w);
/// let bytes = w.into_bytes();
/// assert_eq!(u64::decode(&mut Reader::new(&bytes)).unwrap(), 5);
/// ```
pub trait Element: Clone + Ord + Debug {
    /// Appends the canonical encoding.
    fn encode(&self, w: &mut Writer);
    /// Reads and validates one element.
    fn decode(r: &mut Reader) -> Result<Self, CrdtError>;
}

impl Element for Value {
    fn encode(&self, w: &mut Writer) {
        Value::encode(self, w)
    }
    fn decode(r: &mut Reader) -> Result<Self, CrdtError> {
        Value::decode(r)
    }
}

impl Element for String {
    fn encode(&self, w: &mut Writer) {
        w.bytes(self.as_bytes())
    }
    fn decode(r: &mut Reader) -> Result<Self, CrdtError> {
        r.string("string")
    }
}

impl Element for u64 {
    fn encode(&self, w: &mut Writer) {
        w.varint(*self)
    }
    fn decode(r: &mut Reader) -> Result<Self, CrdtError> {
        r.varint("integer")
    }
}

/// Reads `n` elements that must be strictly ascending.
pub(crate) fn check_ascending<E: Ord>(
    prev: &Option<E>,
    next: &E,
    at: usize,
) -> Result<(), CrdtError> {
    if prev.as_ref().is_some_and(|p| p >= next) {
        return Err(CrdtError::malformed(at, "elements not strictly ascending"));
    }
    Ok(())
}
