//! The binary codec: a leading format version byte, a type tag, then the body. Counters, ids and
//! lengths are unsigned LEB128 varints (minimal form only); everything is written in sorted order
//! so equal states give equal bytes.

use super::error::CrdtError;

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u8 = 1;

/// The default upper bound on decoded input: 16 MiB.
pub const DEFAULT_MAX_BYTES: usize = 16 << 20;

/// How deep JSON-like values may nest.
pub const MAX_DEPTH: usize = 64;

/// Type tags (the second byte of every encoding).
pub mod tag {
    pub const VCLOCK: u8 = 1;
    pub const GCOUNTER: u8 = 2;
    pub const PNCOUNTER: u8 = 3;
    pub const GSET: u8 = 4;
    pub const ORSET: u8 = 5;
    pub const LWW_REGISTER: u8 = 6;
    pub const MV_REGISTER: u8 = 7;
    pub const LWW_MAP: u8 = 8;
    pub const AGENT_STATE: u8 = 9;
    /// Sync step 1: a replica's version vector(s).
    pub const SYNC_REQUEST: u8 = 0x20;
    /// A signed envelope around another encoding.
    pub const SIGNED: u8 = 0x21;
}

/// Limits applied by `decode_with`.
///
/// ```
/// use katalyst::crdt::{Crdt, DecodeOptions, GCounter};
/// let bytes = GCounter::default().encode();
/// let opts = DecodeOptions { max_bytes: 1 };
/// assert!(GCounter::decode_with(&bytes, &opts).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Inputs longer than this are refused with `too_large` before anything is read.
    pub max_bytes: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// An append-only output buffer with varint helpers.
///
/// ```
/// let mut w = katalyst::crdt::Writer::default();
/// w.varint(300);
/// assert_eq!(w.into_bytes(), vec![0xac, 0x02]);
/// ```
#[derive(Default, Debug, Clone)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// A writer holding the version byte and `tag`.
    pub fn with_header(tag: u8) -> Self {
        Writer {
            buf: vec![FORMAT_VERSION, tag],
        }
    }
    /// Appends one byte.
    pub fn u8(&mut self, b: u8) {
        self.buf.push(b);
    }
    /// Appends an unsigned LEB128 varint.
    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }
    /// Appends a zigzag-encoded signed varint.
    pub fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
    /// Appends a length-prefixed byte string.
    pub fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.buf.extend_from_slice(b);
    }
    /// Appends raw bytes.
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
    /// Number of bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

/// A bounds-checked cursor over input bytes; every read returns a [`CrdtError`] instead of panicking.
///
/// ```
/// let mut r = katalyst::crdt::Reader::new(&[0xac, 0x02]);
/// assert_eq!(r.varint("n").unwrap(), 300);
/// assert!(r.finish().is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }
    /// Current offset.
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    /// Reads one byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, CrdtError> {
        let b = *self.buf.get(self.pos).ok_or(CrdtError::Truncated {
            offset: self.pos,
            expected: what,
        })?;
        self.pos += 1;
        Ok(b)
    }
    /// Reads a minimal-form unsigned LEB128 varint of at most 64 bits.
    pub fn varint(&mut self, what: &'static str) -> Result<u64, CrdtError> {
        let start = self.pos;
        let mut v: u64 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.u8(what)?;
            if shift == 63 && b > 1 {
                return Err(CrdtError::malformed(
                    start,
                    format!("{what}: varint overflows 64 bits"),
                ));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                if b == 0 && shift > 0 {
                    return Err(CrdtError::malformed(
                        start,
                        format!("{what}: non-minimal varint"),
                    ));
                }
                return Ok(v);
            }
            shift += 7;
        }
    }
    /// Reads a zigzag varint.
    pub fn zigzag(&mut self, what: &'static str) -> Result<i64, CrdtError> {
        let u = self.varint(what)?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }
    /// Reads a varint that must be at least `min`.
    pub fn varint_min(&mut self, what: &'static str, min: u64) -> Result<u64, CrdtError> {
        let at = self.pos;
        let v = self.varint(what)?;
        if v < min {
            return Err(CrdtError::malformed(
                at,
                format!("{what}: expected ≥ {min}, got {v}"),
            ));
        }
        Ok(v)
    }
    /// Reads an element count, refusing counts that could not fit in the remaining input when
    /// each element takes at least `min_item_bytes`.
    pub fn count(&mut self, what: &'static str, min_item_bytes: usize) -> Result<usize, CrdtError> {
        let at = self.pos;
        let n = self.varint(what)?;
        let cap = (self.remaining() / min_item_bytes.max(1)) as u64;
        if n > cap {
            return Err(CrdtError::Truncated {
                offset: at,
                expected: what,
            });
        }
        Ok(n as usize)
    }
    /// Reads `n` raw bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], CrdtError> {
        if n > self.remaining() {
            return Err(CrdtError::Truncated {
                offset: self.pos,
                expected: what,
            });
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    /// Reads a length-prefixed byte string.
    pub fn bytes(&mut self, what: &'static str) -> Result<&'a [u8], CrdtError> {
        let n = self.count(what, 1)?;
        self.take(n, what)
    }
    /// Reads a length-prefixed UTF-8 string.
    pub fn string(&mut self, what: &'static str) -> Result<String, CrdtError> {
        let at = self.pos;
        let b = self.bytes(what)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| CrdtError::malformed(at, format!("{what}: invalid UTF-8")))
    }
    /// Reads an 8-byte little-endian f64.
    pub fn f64(&mut self, what: &'static str) -> Result<f64, CrdtError> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }
    /// Fails unless the whole input was consumed.
    pub fn finish(&self) -> Result<(), CrdtError> {
        if self.pos != self.buf.len() {
            return Err(CrdtError::TrailingBytes {
                len: self.pos,
                extra: self.buf.len() - self.pos,
            });
        }
        Ok(())
    }
    /// Reads and checks the version byte and the type tag.
    pub fn header(&mut self, tag: u8, name: &'static str) -> Result<(), CrdtError> {
        let v = self.u8("format version")?;
        if v != FORMAT_VERSION {
            return Err(CrdtError::BadVersion {
                found: v,
                expected: FORMAT_VERSION,
            });
        }
        let t = self.u8("type tag")?;
        if t != tag {
            return Err(CrdtError::BadTag {
                found: t,
                expected: name,
            });
        }
        Ok(())
    }
}

/// Checks the caller's size limit before any parsing.
pub(crate) fn check_size(bytes: &[u8], opts: &DecodeOptions) -> Result<(), CrdtError> {
    if bytes.len() > opts.max_bytes {
        return Err(CrdtError::TooLarge {
            len: bytes.len(),
            limit: opts.max_bytes,
        });
    }
    Ok(())
}

/// Writes a strictly ascending sequence of ids as deltas (the first as-is).
pub(crate) fn write_ascending(w: &mut Writer, prev: &mut Option<u64>, id: u64) {
    match *prev {
        None => w.varint(id),
        Some(p) => w.varint(id - p),
    }
    *prev = Some(id);
}

/// Reads one id of a strictly ascending delta-coded sequence.
pub(crate) fn read_ascending(
    r: &mut Reader,
    prev: &mut Option<u64>,
    what: &'static str,
) -> Result<u64, CrdtError> {
    let at = r.pos();
    let d = r.varint(what)?;
    let id = match *prev {
        None => d,
        Some(p) => {
            if d == 0 {
                return Err(CrdtError::malformed(
                    at,
                    format!("{what}: not strictly ascending"),
                ));
            }
            p.checked_add(d)
                .ok_or_else(|| CrdtError::malformed(at, format!("{what}: id overflows 64 bits")))?
        }
    };
    *prev = Some(id);
    Ok(id)
}
