//! Rendezvous (highest random weight) hashing: a key goes to the member with the highest
//! `weight(key, member)`. Adding a member moves only the keys it now wins (≈ 1/(N+1) of them);
//! removing one moves only its own keys.

/// A 64-bit hash of `key` (FNV-1a, then mixed): stable across runs and platforms.
///
/// ```
/// use katalyst::actor::pool::key_hash;
/// assert_eq!(key_hash(b"user:1"), key_hash(b"user:1"));
/// assert_ne!(key_hash(b"user:1"), key_hash(b"user:2"));
/// ```
pub fn key_hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

fn mix(mut z: u64) -> u64 {
    // splitmix64 finaliser
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The index in `members` (stable member ids) that wins `key`; `None` if there are none.
///
/// ```
/// use katalyst::actor::pool::{key_hash, rendezvous};
/// let k = key_hash(b"k");
/// let a = rendezvous(k, &[10, 11, 12]).unwrap();
/// assert_eq!(rendezvous(k, &[10, 11, 12]), Some(a)); // stable
/// assert_eq!(rendezvous(k, &[]), None);
/// ```
pub fn rendezvous(key: u64, members: &[u64]) -> Option<usize> {
    members
        .iter()
        .enumerate()
        .max_by_key(|(_, &m)| (mix(key ^ mix(m)), m))
        .map(|(i, _)| i)
}
