//! Unforgeable capability tokens: an HMAC-SHA-256 tag over the capability under a per-authority
//! secret from the OS random source. Only the [`Authority`](super::Authority) can make one;
//! attenuation re-signs a narrower capability, never a wider one.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::Capability;

/// A capability as issued by an authority. Cheap to clone and to send to another actor
/// (delegation); a token whose tag does not verify is rejected.
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::capability::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
/// let t = auth.issue(Capability::parse("file.read:/docs/*").unwrap());
/// assert!(auth.verify(&t));
/// assert_eq!(t.capability().to_string(), "file.read:/docs/*");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CapToken {
    pub(crate) cap: Capability,
    pub(crate) tag: [u8; 32],
    /// The in-process authority that made it (0: unknown, e.g. forged or deserialised): a
    /// private field, so only an authority can set it; other tokens are checked by HMAC.
    pub(crate) issuer: u64,
}

impl CapToken {
    /// What it grants.
    ///
    /// See [`CapToken`] for an example.
    pub fn capability(&self) -> &Capability {
        &self.cap
    }

    /// Its tag: the HMAC that makes it unforgeable (part of its wire form).
    ///
    /// ```
    /// use katalyst::actor::capability::*;
    /// assert_eq!(CapToken::forge(Capability::new("admin"), [3; 32]).tag(), &[3; 32]);
    /// ```
    pub fn tag(&self) -> &[u8; 32] {
        &self.tag
    }

    /// A token with this capability and an arbitrary tag — what a forger could build. It
    /// never verifies (kept public so the rejection can be tested).
    ///
    /// ```
    /// use katalyst::actor::capability::*;
    /// let t = CapToken::forge(Capability::new("admin"), [0; 32]);
    /// assert_eq!(t.capability().name, "admin");
    /// ```
    pub fn forge(cap: Capability, tag: [u8; 32]) -> Self {
        CapToken {
            cap,
            tag,
            issuer: 0,
        }
    }
}

impl fmt::Debug for CapToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CapToken({})", self.cap)
    }
}

pub(crate) fn sign(key: &[u8; 32], cap: &Capability) -> [u8; 32] {
    let Ok(mut m) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        unreachable!("HMAC accepts every key length")
    };
    m.update(b"katalyst.capability.v1");
    m.update(&cap.canonical());
    m.finalize().into_bytes().into()
}

pub(crate) fn check(key: &[u8; 32], token: &CapToken) -> bool {
    let Ok(mut m) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        unreachable!("HMAC accepts every key length")
    };
    m.update(b"katalyst.capability.v1");
    m.update(&token.cap.canonical());
    m.verify_slice(&token.tag).is_ok() // constant time
}
