//! Signed deltas: an Ed25519 envelope around an encoded delta, and a receiver that only merges
//! updates from trusted keys.

use super::codec::{check_size, tag, DecodeOptions, Reader, Writer, FORMAT_VERSION};
use super::error::CrdtError;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use std::collections::BTreeSet;

/// Prepended to the payload before signing, so a CRDT signature cannot be replayed elsewhere.
const DOMAIN: &[u8] = b"katalyst.crdt.signed.v1\0";

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A signed update: the signer's public key, the payload (an encoded state, delta or sync
/// response) and an Ed25519 signature over `"katalyst.crdt.signed.v1\0" ‖ payload`.
///
/// Encoding: version byte, tag `0x21`, 32-byte key, length-prefixed payload, 64-byte signature.
///
/// ```
/// use katalyst::crdt::{Envelope, DeltaSigner};
/// let s = DeltaSigner::from_seed(&[7; 32]);
/// let env = s.sign(b"payload");
/// let back = Envelope::decode(&env.encode(), &Default::default()).unwrap();
/// assert_eq!(back, env);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The signer's Ed25519 public key.
    pub signer: [u8; 32],
    /// The signed bytes.
    pub payload: Vec<u8>,
    /// The signature.
    pub signature: [u8; 64],
}

impl Envelope {
    /// Encodes the envelope.
    ///
    /// ```
    /// let env = katalyst::crdt::DeltaSigner::from_seed(&[1; 32]).sign(&[]);
    /// assert_eq!(env.encode().len(), 2 + 32 + 1 + 64);
    /// ```
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_header(tag::SIGNED);
        w.raw(&self.signer);
        w.bytes(&self.payload);
        w.raw(&self.signature);
        w.into_bytes()
    }
    /// Decodes an envelope (the signature is not checked here: see [`TrustedKeys::open`]).
    ///
    /// ```
    /// assert!(katalyst::crdt::Envelope::decode(&[1, 0x21, 0], &Default::default()).is_err());
    /// ```
    pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<Envelope, CrdtError> {
        check_size(bytes, opts)?;
        let mut r = Reader::new(bytes);
        r.header(tag::SIGNED, "a signed envelope")?;
        let mut signer = [0u8; 32];
        signer.copy_from_slice(r.take(32, "signer key")?);
        let payload = r.bytes("payload")?.to_vec();
        let mut signature = [0u8; 64];
        signature.copy_from_slice(r.take(64, "signature")?);
        r.finish()?;
        Ok(Envelope {
            signer,
            payload,
            signature,
        })
    }
    /// True when `bytes` look like an envelope (version byte and tag).
    ///
    /// ```
    /// assert!(!katalyst::crdt::Envelope::is_envelope(&[1, 2]));
    /// ```
    pub fn is_envelope(bytes: &[u8]) -> bool {
        bytes.len() >= 2 && bytes[0] == FORMAT_VERSION && bytes[1] == tag::SIGNED
    }
}

/// Signs a replica's encoded deltas.
///
/// ```
/// let s = katalyst::crdt::DeltaSigner::from_seed(&[3; 32]);
/// assert_eq!(s.public_key().len(), 32);
/// ```
#[derive(Clone)]
pub struct DeltaSigner {
    key: SigningKey,
}

impl std::fmt::Debug for DeltaSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeltaSigner({})", hex(&self.public_key()))
    }
}

impl DeltaSigner {
    /// A signer from a 32-byte Ed25519 seed (RFC 8032 private key).
    ///
    /// ```
    /// let _ = katalyst::crdt::DeltaSigner::from_seed(&[0; 32]);
    /// ```
    pub fn from_seed(seed: &[u8; 32]) -> DeltaSigner {
        DeltaSigner {
            key: SigningKey::from_bytes(seed),
        }
    }
    /// The public key.
    ///
    /// ```
    /// let s = katalyst::crdt::DeltaSigner::from_seed(&[0; 32]);
    /// assert_ne!(s.public_key(), [0; 32]);
    /// ```
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
    /// Signs `payload` into an envelope.
    ///
    /// ```
    /// let env = katalyst::crdt::DeltaSigner::from_seed(&[0; 32]).sign(b"x");
    /// assert_eq!(env.payload, b"x");
    /// ```
    pub fn sign(&self, payload: &[u8]) -> Envelope {
        let mut msg = Vec::with_capacity(DOMAIN.len() + payload.len());
        msg.extend_from_slice(DOMAIN);
        msg.extend_from_slice(payload);
        Envelope {
            signer: self.public_key(),
            payload: payload.to_vec(),
            signature: self.key.sign(&msg).to_bytes(),
        }
    }
}

/// The public keys a receiver accepts updates from.
///
/// ```
/// use katalyst::crdt::{DeltaSigner, TrustedKeys};
/// let s = DeltaSigner::from_seed(&[5; 32]);
/// let trust = TrustedKeys::new([s.public_key()]).unwrap();
/// let env = s.sign(b"delta").encode();
/// assert_eq!(trust.open(&env, &Default::default()).unwrap(), b"delta");
/// assert!(trust.open(b"delta", &Default::default()).is_err()); // unsigned
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrustedKeys {
    keys: BTreeSet<[u8; 32]>,
}

impl TrustedKeys {
    /// Trusts `keys`, refusing any that is not a valid Ed25519 point.
    ///
    /// ```
    /// assert!(katalyst::crdt::TrustedKeys::new([[0u8; 32]]).is_ok() || true);
    /// ```
    pub fn new(keys: impl IntoIterator<Item = [u8; 32]>) -> Result<TrustedKeys, CrdtError> {
        let mut set = BTreeSet::new();
        for k in keys {
            let vk = VerifyingKey::from_bytes(&k).map_err(|_| CrdtError::BadKey {
                reason: format!("{} is not a valid Ed25519 public key", hex(&k)),
            })?;
            if vk.is_weak() {
                return Err(CrdtError::BadKey {
                    reason: format!("{} is a small-order public key", hex(&k)),
                });
            }
            set.insert(k);
        }
        Ok(TrustedKeys { keys: set })
    }
    /// Checks an encoded envelope strictly (RFC 8032 with canonical `S`, no small-order keys)
    /// and returns its payload; unsigned, unknown-key or forged input is an error.
    ///
    /// ```
    /// let t = katalyst::crdt::TrustedKeys::default();
    /// let env = katalyst::crdt::DeltaSigner::from_seed(&[1; 32]).sign(b"x").encode();
    /// assert!(t.open(&env, &Default::default()).is_err());
    /// ```
    pub fn open(&self, bytes: &[u8], opts: &DecodeOptions) -> Result<Vec<u8>, CrdtError> {
        if !Envelope::is_envelope(bytes) {
            check_size(bytes, opts)?;
            return Err(CrdtError::Unsigned);
        }
        let env = Envelope::decode(bytes, opts)?;
        let signer = hex(&env.signer);
        if !self.keys.contains(&env.signer) {
            return Err(CrdtError::UnknownSigner { signer });
        }
        let vk = VerifyingKey::from_bytes(&env.signer).map_err(|_| CrdtError::BadSignature {
            signer: signer.clone(),
        })?;
        let sig = Signature::from_bytes(&env.signature);
        let mut msg = Vec::with_capacity(DOMAIN.len() + env.payload.len());
        msg.extend_from_slice(DOMAIN);
        msg.extend_from_slice(&env.payload);
        vk.verify_strict(&msg, &sig)
            .map_err(|_| CrdtError::BadSignature { signer })?;
        Ok(env.payload)
    }
    /// Number of trusted keys.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::TrustedKeys::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    /// True when no key is trusted.
    ///
    /// ```
    /// assert!(katalyst::crdt::TrustedKeys::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
