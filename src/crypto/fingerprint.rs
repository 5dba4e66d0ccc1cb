use super::sha384;

/// Domain separation tag, the first field of every fingerprint encoding.
const FINGERPRINT_TAG: &[u8] = b"katalyst/agent-fingerprint/v1";

fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    // Fields longer than 4 GiB cannot come from JavaScript strings; saturate rather than wrap.
    let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field);
}

/// The canonical byte encoding that [`agent_fingerprint`] hashes.
///
/// Four fields, each as a 4-byte big-endian length followed by its bytes:
/// 1. the tag `katalyst/agent-fingerprint/v1` (29 bytes),
/// 2. `agent_id` as UTF-8,
/// 3. `name` as UTF-8,
/// 4. `created_at` as 8 bytes, big-endian two's complement `i64`.
///
/// ```
/// let e = katalyst::crypto::agent_fingerprint_encoding("a", "", 1);
/// assert_eq!(e[..4], [0, 0, 0, 29]);
/// assert_eq!(e[33..38], [0, 0, 0, 1, b'a']);
/// assert_eq!(e[38..42], [0, 0, 0, 0]);
/// assert_eq!(e[42..], [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]);
/// ```
pub fn agent_fingerprint_encoding(agent_id: &str, name: &str, created_at: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(48 + agent_id.len() + name.len());
    push_field(&mut out, FINGERPRINT_TAG);
    push_field(&mut out, agent_id.as_bytes());
    push_field(&mut out, name.as_bytes());
    push_field(&mut out, &created_at.to_be_bytes());
    out
}

/// SHA-384 of [`agent_fingerprint_encoding`], as 96 lowercase hex digits.
///
/// Every field is length-prefixed, so `("ab", "c")` and `("a", "bc")` differ.
///
/// ```
/// use katalyst::crypto::agent_fingerprint;
/// assert_ne!(agent_fingerprint("ab", "c", 0), agent_fingerprint("a", "bc", 0));
/// assert_eq!(agent_fingerprint("a", "b", 0).len(), 96);
/// ```
pub fn agent_fingerprint(agent_id: &str, name: &str, created_at: i64) -> String {
    sha384(&agent_fingerprint_encoding(agent_id, name, created_at))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
