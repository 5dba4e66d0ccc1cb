use super::CryptoError;
use sha2::{Digest, Sha256};

/// Below this many messages a batch is hashed on the calling thread even when the pool may be used.
const PARALLEL_MIN_MESSAGES: usize = 4096;

/// SHA-256 of many messages at once: message `i` is `concatenated[offsets[i] .. offsets[i+1]]`.
///
/// `offsets` holds `n + 1` non-decreasing values with `offsets[n] ≤ concatenated.len()`
/// (bytes before `offsets[0]` and after `offsets[n]` are ignored); the result is the `n`
/// digests, 32 bytes each, concatenated. An empty `offsets` or one that decreases or points
/// past the end is [`CryptoError::BadOffsets`] (a `RangeError`, code `bad_offsets`).
///
/// ```
/// use katalyst::crypto::{sha256, sha256_batch};
/// let out = sha256_batch(b"abcde", &[0, 3, 3, 5]).unwrap();
/// assert_eq!(out.len(), 3 * 32);
/// assert_eq!(out[..32], sha256(b"abc"));
/// assert_eq!(out[32..64], sha256(b""));
/// assert_eq!(out[64..], sha256(b"de"));
/// ```
pub fn sha256_batch(concatenated: &[u8], offsets: &[u32]) -> Result<Vec<u8>, CryptoError> {
    let Some(&last) = offsets.last() else {
        return Err(CryptoError::BadOffsets(
            "expected at least 1 offset (n + 1 offsets for n messages), got 0".into(),
        ));
    };
    for (i, w) in offsets.windows(2).enumerate() {
        if w[1] < w[0] {
            return Err(CryptoError::BadOffsets(format!(
                "expected non-decreasing offsets, got offsets[{}] = {} < offsets[{i}] = {}",
                i + 1,
                w[1],
                w[0]
            )));
        }
    }
    if last as usize > concatenated.len() {
        return Err(CryptoError::BadOffsets(format!(
            "expected the last offset ≤ concatenated.length = {}, got {last}",
            concatenated.len()
        )));
    }
    let count = offsets.len() - 1;
    let mut out = vec![0u8; count * 32];
    let hash_into = |(w, d): (&[u32], &mut [u8])| {
        // Validated above: w[0] ≤ w[1] ≤ concatenated.len().
        let msg = concatenated
            .get(w[0] as usize..w[1] as usize)
            .unwrap_or_default();
        d.copy_from_slice(&Sha256::digest(msg));
    };
    if count >= PARALLEL_MIN_MESSAGES && crate::parallel::enabled() {
        use rayon::prelude::*;
        offsets
            .par_windows(2)
            .zip(out.par_chunks_mut(32))
            .for_each(hash_into);
    } else {
        offsets
            .windows(2)
            .zip(out.chunks_mut(32))
            .for_each(hash_into);
    }
    Ok(out)
}
