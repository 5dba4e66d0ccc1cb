use sha2::{Digest, Sha256};

/// SHA-256 of `bytes`.
///
/// ```
/// let d = katalyst::crypto::sha256(b"abc");
/// assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
/// ```
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}
