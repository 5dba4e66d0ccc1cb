use super::CryptoError;

/// The largest `random_bytes` request, like WebCrypto's `getRandomValues` limit.
pub const MAX_RANDOM_BYTES: usize = 65536;

/// Fills `buf` from the operating system's random source.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|_| CryptoError::RandomUnavailable)
}

/// `n` bytes from the operating system's random source (`getrandom`: the kernel natively,
/// `crypto.getRandomValues` in browsers). `n` must be in 1 ..= 65536, else
/// [`CryptoError::OutOfRange`] (a `RangeError`).
///
/// ```
/// let r = katalyst::crypto::random_bytes(16).unwrap();
/// assert_eq!(r.len(), 16);
/// assert!(katalyst::crypto::random_bytes(0).is_err());
/// assert!(katalyst::crypto::random_bytes(65537).is_err());
/// ```
pub fn random_bytes(n: usize) -> Result<Vec<u8>, CryptoError> {
    if !(1..=MAX_RANDOM_BYTES).contains(&n) {
        return Err(CryptoError::OutOfRange {
            arg: "n",
            expected: "an integer from 1 to 65536",
            got: n.to_string(),
        });
    }
    let mut out = vec![0u8; n];
    fill_random(&mut out)?;
    Ok(out)
}

fn format_uuid(b: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{byte:02x}"));
    }
    s
}

/// A UUID version 4 (RFC 9562 §5.4) built from 16 random bytes: the version and variant bits
/// are overwritten, the other 122 bits are kept.
///
/// ```
/// let id = katalyst::crypto::uuid_v4_from_bytes([0xff; 16]);
/// assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
/// ```
pub fn uuid_v4_from_bytes(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_uuid(&b)
}

/// A UUID version 7 (RFC 9562 §5.7): the 48-bit big-endian Unix time in milliseconds
/// `unix_ms` (taken modulo 2⁴⁸), then 74 bits from `random` around the version and variant.
///
/// UUIDs from different milliseconds sort by time as strings; within one millisecond their
/// order is random (no counter).
///
/// ```
/// let id = katalyst::crypto::uuid_v7_from_parts(0x0123_4567_89ab, [0; 10]);
/// assert_eq!(id, "01234567-89ab-7000-8000-000000000000");
/// ```
pub fn uuid_v7_from_parts(unix_ms: u64, random: [u8; 10]) -> String {
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
    b[6..].copy_from_slice(&random);
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_uuid(&b)
}

/// A random UUID version 4, like `crypto.randomUUID()`.
///
/// ```
/// let id = katalyst::crypto::random_uuid().unwrap();
/// assert_eq!(id.len(), 36);
/// assert_eq!(&id[14..15], "4");
/// ```
pub fn random_uuid() -> Result<String, CryptoError> {
    let mut b = [0u8; 16];
    fill_random(&mut b)?;
    Ok(uuid_v4_from_bytes(b))
}

/// A time-ordered UUID version 7 for the Unix time `unix_ms` (milliseconds), random otherwise.
///
/// ```
/// let a = katalyst::crypto::uuid_v7(1_700_000_000_000).unwrap();
/// let b = katalyst::crypto::uuid_v7(1_700_000_000_001).unwrap();
/// assert!(a < b);
/// assert_eq!(&a[14..15], "7");
/// ```
pub fn uuid_v7(unix_ms: u64) -> Result<String, CryptoError> {
    let mut r = [0u8; 10];
    fill_random(&mut r)?;
    Ok(uuid_v7_from_parts(unix_ms, r))
}
