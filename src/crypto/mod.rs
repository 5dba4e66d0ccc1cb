//! Hashing (and later HMAC, Ed25519, tokens and randomness).

mod hash;

pub use hash::sha256;
