use subtle::ConstantTimeEq;

/// Compares two byte strings in time that depends only on their lengths.
///
/// Different lengths return `false` at once: the length is not treated as secret (callers
/// compare fixed-length MACs and digests, whose length is public).
///
/// ```
/// use katalyst::crypto::timing_safe_equal;
/// assert!(timing_safe_equal(b"same", b"same"));
/// assert!(!timing_safe_equal(b"same", b"sane"));
/// assert!(!timing_safe_equal(b"same", b"same!"));
/// ```
pub fn timing_safe_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
