//! Ed25519 keys in the forms WebCrypto imports and exports: raw, PKCS#8, SPKI and JWK.

use super::ed25519::{check_public_key_as, SigningKey, PUBLIC_KEY_LEN, SEED_LEN};
use super::{base64url_decode, base64url_encode, CryptoError};
use zeroize::Zeroizing;

/// DER prefix of the PKCS#8 v1 `PrivateKeyInfo` WebCrypto exports for Ed25519 (RFC 8410):
/// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }.
const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// DER prefix of the PKCS#8 v2 `OneAsymmetricKey` (RFC 8410 §7) with the public key attached:
/// as v1 with version 1 and a trailing `[1] BIT STRING publicKey`.
const PKCS8_V2_PREFIX: [u8; 16] = [
    0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
const PKCS8_V2_PUBLIC_KEY_TAG: [u8; 3] = [0x81, 0x21, 0x00];
/// DER prefix of the `SubjectPublicKeyInfo` for Ed25519 (RFC 8410):
/// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING public key }.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Length of WebCrypto's Ed25519 PKCS#8 export.
pub const PKCS8_LEN: usize = PKCS8_V1_PREFIX.len() + SEED_LEN;
/// Length of an Ed25519 SPKI.
pub const SPKI_LEN: usize = SPKI_PREFIX.len() + PUBLIC_KEY_LEN;

/// The members of an Ed25519 JWK (RFC 8037) that matter; other members are ignored on import.
///
/// ```
/// use katalyst::crypto::{JwkFields, SigningKey};
/// let k = SigningKey::from_seed(&[2; 32]).unwrap();
/// let jwk = k.to_jwk();
/// let back = SigningKey::from_jwk(&jwk.fields()).unwrap();
/// assert_eq!(back.public_key(), k.public_key());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct JwkFields<'a> {
    pub kty: Option<&'a str>,
    pub crv: Option<&'a str>,
    pub x: Option<&'a str>,
    pub d: Option<&'a str>,
}

/// An exported Ed25519 JWK: `{ kty: "OKP", crv: "Ed25519", x, d? }`; `d` is wiped on drop.
///
/// ```
/// let jwk = katalyst::crypto::public_key_to_jwk(&[0x11; 32]);
/// assert_eq!(jwk.x.len(), 43);
/// assert!(jwk.d.is_none());
/// ```
#[derive(Clone)]
pub struct Jwk {
    pub x: String,
    pub d: Option<Zeroizing<String>>,
}

impl Jwk {
    /// The fields as [`SigningKey::from_jwk`] / [`public_key_from_jwk`] read them.
    ///
    /// ```
    /// let jwk = katalyst::crypto::public_key_to_jwk(&[0x11; 32]);
    /// assert_eq!(jwk.fields().kty, Some("OKP"));
    /// ```
    pub fn fields(&self) -> JwkFields<'_> {
        JwkFields {
            kty: Some("OKP"),
            crv: Some("Ed25519"),
            x: Some(&self.x),
            d: self.d.as_deref().map(String::as_str),
        }
    }
}

impl std::fmt::Debug for Jwk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwk")
            .field("x", &self.x)
            .field("d", &self.d.as_ref().map(|_| "<secret>"))
            .finish()
    }
}

fn malformed(arg: &'static str, format: &'static str, reason: &'static str) -> CryptoError {
    CryptoError::MalformedKey {
        arg,
        format,
        reason,
    }
}

fn check_okp_header(f: &JwkFields<'_>) -> Result<(), CryptoError> {
    if f.kty != Some("OKP") {
        return Err(malformed("jwk", "JWK", "expected kty \"OKP\""));
    }
    if f.crv != Some("Ed25519") {
        return Err(malformed("jwk", "JWK", "expected crv \"Ed25519\""));
    }
    Ok(())
}

fn jwk_public_key(f: &JwkFields<'_>) -> Result<[u8; PUBLIC_KEY_LEN], CryptoError> {
    let x =
        f.x.ok_or_else(|| malformed("jwk", "JWK", "missing member x"))?;
    let bytes = base64url_decode(x)
        .ok_or_else(|| malformed("jwk", "JWK", "x is not unpadded base64url"))?;
    if bytes.len() != PUBLIC_KEY_LEN {
        return Err(malformed("jwk", "JWK", "x must encode 32 bytes"));
    }
    check_public_key_as(&bytes, "jwk.x", "JWK")
}

impl SigningKey {
    /// Imports WebCrypto's PKCS#8 export (48 bytes, RFC 8410 v1), or the RFC 8410 v2 form
    /// with the public key attached (83 bytes; the public key must match the seed).
    /// Anything else is [`CryptoError::MalformedKey`] (code `malformed_key`).
    ///
    /// ```
    /// use katalyst::crypto::SigningKey;
    /// let k = SigningKey::from_seed(&[4; 32]).unwrap();
    /// let der = k.to_pkcs8();
    /// assert_eq!(der.len(), 48);
    /// assert_eq!(SigningKey::from_pkcs8(&der).unwrap().public_key(), k.public_key());
    /// assert!(SigningKey::from_pkcs8(&der[..47]).is_err());
    /// ```
    pub fn from_pkcs8(der: &[u8]) -> Result<SigningKey, CryptoError> {
        let bad = || {
            malformed(
                "pkcs8",
                "PKCS#8",
                "expected an Ed25519 PrivateKeyInfo (RFC 8410)",
            )
        };
        if let Some(seed) = der.strip_prefix(&PKCS8_V1_PREFIX) {
            let seed: &[u8; SEED_LEN] = seed.try_into().map_err(|_| bad())?;
            return Ok(SigningKey::from_seed_array(seed));
        }
        let rest = der.strip_prefix(&PKCS8_V2_PREFIX).ok_or_else(bad)?;
        if rest.len() != SEED_LEN + PKCS8_V2_PUBLIC_KEY_TAG.len() + PUBLIC_KEY_LEN {
            return Err(bad());
        }
        let (seed, tail) = rest.split_at(SEED_LEN);
        let public = tail
            .strip_prefix(&PKCS8_V2_PUBLIC_KEY_TAG)
            .ok_or_else(bad)?;
        let seed: &[u8; SEED_LEN] = seed.try_into().map_err(|_| bad())?;
        let key = SigningKey::from_seed_array(seed);
        if key.public_key() != public {
            return Err(malformed(
                "pkcs8",
                "PKCS#8",
                "the attached public key does not match the private key",
            ));
        }
        Ok(key)
    }

    /// The 48-byte PKCS#8 DER that WebCrypto's `exportKey('pkcs8', …)` produces for Ed25519.
    ///
    /// ```
    /// let der = katalyst::crypto::SigningKey::from_seed(&[4; 32]).unwrap().to_pkcs8();
    /// assert_eq!(der[..2], [0x30, 0x2e]);
    /// ```
    pub fn to_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        let mut der = Zeroizing::new(Vec::with_capacity(PKCS8_LEN));
        der.extend_from_slice(&PKCS8_V1_PREFIX);
        der.extend_from_slice(&self.seed()[..]);
        der
    }

    /// Imports a private JWK (RFC 8037): `kty` `"OKP"`, `crv` `"Ed25519"`, `d` the seed and
    /// `x` the public key, both unpadded base64url; `x` must match `d`.
    ///
    /// ```
    /// use katalyst::crypto::{JwkFields, SigningKey};
    /// let jwk = SigningKey::from_seed(&[8; 32]).unwrap().to_jwk();
    /// let mut f = jwk.fields();
    /// f.d = None;
    /// assert!(SigningKey::from_jwk(&f).is_err()); // a public JWK is not a private key
    /// ```
    pub fn from_jwk(jwk: &JwkFields<'_>) -> Result<SigningKey, CryptoError> {
        check_okp_header(jwk)?;
        let d = jwk
            .d
            .ok_or_else(|| malformed("jwk", "JWK", "missing member d (a public JWK?)"))?;
        let seed = Zeroizing::new(
            base64url_decode(d)
                .ok_or_else(|| malformed("jwk", "JWK", "d is not unpadded base64url"))?,
        );
        let seed: &[u8; SEED_LEN] = seed[..]
            .try_into()
            .map_err(|_| malformed("jwk", "JWK", "d must encode 32 bytes"))?;
        let key = SigningKey::from_seed_array(seed);
        if key.public_key() != jwk_public_key(jwk)? {
            return Err(malformed("jwk", "JWK", "x does not match d"));
        }
        Ok(key)
    }

    /// The private JWK: `{ kty: "OKP", crv: "Ed25519", x, d }`.
    ///
    /// ```
    /// let jwk = katalyst::crypto::SigningKey::from_seed(&[8; 32]).unwrap().to_jwk();
    /// assert_eq!(jwk.d.as_ref().unwrap().len(), 43);
    /// ```
    pub fn to_jwk(&self) -> Jwk {
        Jwk {
            x: base64url_encode(&self.public_key()),
            d: Some(Zeroizing::new(base64url_encode(&self.seed()[..]))),
        }
    }
}

/// The 32-byte public key in an Ed25519 SPKI (44 bytes, RFC 8410), checked to be a valid
/// point encoding.
///
/// ```
/// use katalyst::crypto::{public_key_from_spki, public_key_to_spki, SigningKey};
/// let pk = SigningKey::from_seed(&[6; 32]).unwrap().public_key();
/// let der = public_key_to_spki(&pk);
/// assert_eq!(der.len(), 44);
/// assert_eq!(public_key_from_spki(&der).unwrap(), pk);
/// ```
pub fn public_key_from_spki(der: &[u8]) -> Result<[u8; PUBLIC_KEY_LEN], CryptoError> {
    let key = der
        .strip_prefix(&SPKI_PREFIX)
        .filter(|k| k.len() == PUBLIC_KEY_LEN)
        .ok_or_else(|| {
            malformed(
                "spki",
                "SPKI",
                "expected an Ed25519 SubjectPublicKeyInfo (RFC 8410)",
            )
        })?;
    check_public_key_as(key, "spki", "SPKI")
}

/// The 44-byte SPKI DER for a 32-byte public key (as WebCrypto's `exportKey('spki', …)`).
///
/// ```
/// let der = katalyst::crypto::public_key_to_spki(&[0x22; 32]);
/// assert_eq!(der[..3], [0x30, 0x2a, 0x30]);
/// ```
pub fn public_key_to_spki(public_key: &[u8; PUBLIC_KEY_LEN]) -> Vec<u8> {
    let mut der = Vec::with_capacity(SPKI_LEN);
    der.extend_from_slice(&SPKI_PREFIX);
    der.extend_from_slice(public_key);
    der
}

/// The public key of an Ed25519 JWK (public or private; `d`, if present, is ignored).
///
/// ```
/// use katalyst::crypto::{public_key_from_jwk, JwkFields};
/// let f = JwkFields { kty: Some("OKP"), crv: Some("X25519"), x: Some(""), d: None };
/// assert!(public_key_from_jwk(&f).is_err());
/// ```
pub fn public_key_from_jwk(jwk: &JwkFields<'_>) -> Result<[u8; PUBLIC_KEY_LEN], CryptoError> {
    check_okp_header(jwk)?;
    jwk_public_key(jwk)
}

/// The public JWK `{ kty: "OKP", crv: "Ed25519", x }` of a 32-byte public key.
///
/// ```
/// let jwk = katalyst::crypto::public_key_to_jwk(&[0; 32]);
/// assert_eq!(jwk.x, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
/// ```
pub fn public_key_to_jwk(public_key: &[u8; PUBLIC_KEY_LEN]) -> Jwk {
    Jwk {
        x: base64url_encode(public_key),
        d: None,
    }
}
