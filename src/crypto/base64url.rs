//! Unpadded base64url (RFC 4648 §5), the alphabet of JWK and CSRF tokens.
//!
//! Both directions map characters arithmetically, without table lookups indexed by the data,
//! because they carry secrets (JWK `d`, CSRF tags): a lookup table leaks through the cache.

/// The base64url character for a 6-bit value, branch-free.
fn encode6(x: u8) -> u8 {
    let x = i16::from(x);
    let mut c = x + 65; // 'A'..='Z'
    c += ((25 - x) >> 8) & 6; // 26..: 'a'..='z'
    c -= ((51 - x) >> 8) & 75; // 52..: '0'..='9'
    c -= ((61 - x) >> 8) & 13; // 62: '-'
    c += ((62 - x) >> 8) & 49; // 63: '_'
    c as u8
}

/// The 6-bit value of a base64url character, or -1, branch-free.
fn decode6(c: u8) -> i16 {
    let c = i16::from(c);
    let mut v: i16 = -1;
    v += (((0x40 - c) & (c - 0x5b)) >> 8) & (c - 64); // 'A'..='Z'
    v += (((0x60 - c) & (c - 0x7b)) >> 8) & (c - 70); // 'a'..='z'
    v += (((0x2f - c) & (c - 0x3a)) >> 8) & (c + 5); // '0'..='9'
    v += (((0x2c - c) & (c - 0x2e)) >> 8) & 63; // '-'
    v += (((0x5e - c) & (c - 0x60)) >> 8) & 64; // '_'
    v
}

/// Encodes `bytes` as unpadded base64url.
///
/// ```
/// assert_eq!(katalyst::crypto::base64url_encode(&[0xfb, 0xff]), "-_8");
/// ```
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let sextets = [
            b[0] >> 2,
            ((b[0] & 0x03) << 4) | (b[1] >> 4),
            ((b[1] & 0x0f) << 2) | (b[2] >> 6),
            b[2] & 0x3f,
        ];
        for s in sextets.iter().take(chunk.len() + 1) {
            out.push(char::from(encode6(*s)));
        }
    }
    out
}

/// Decodes unpadded base64url; `None` for any other character (including `=`), an impossible
/// length, or non-zero trailing bits (so every byte string has exactly one accepted encoding).
///
/// ```
/// use katalyst::crypto::base64url_decode;
/// assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
/// assert!(base64url_decode("-_9").is_none()); // trailing bits set
/// assert!(base64url_decode("AA==").is_none()); // padding is not accepted
/// ```
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut bad: i16 = 0;
    for chunk in text.chunks(4) {
        let mut v = [0i16; 4];
        for (slot, c) in v.iter_mut().zip(chunk) {
            *slot = decode6(*c);
            bad |= *slot;
        }
        let [a, b, c, d] = v.map(|x| (x & 0x3f) as u8);
        let bytes = [(a << 2) | (b >> 4), (b << 4) | (c >> 2), (c << 6) | d];
        let n = chunk.len() - 1;
        out.extend_from_slice(bytes.get(..n).unwrap_or_default());
        // Bits below the last full byte must be zero.
        bad |= match chunk.len() {
            2 => -i16::from(b & 0x0f != 0),
            3 => -i16::from(c & 0x03 != 0),
            _ => 0,
        };
    }
    (bad >= 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_round_trips_every_sextet() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (i, c) in alphabet.iter().enumerate() {
            assert_eq!(encode6(i as u8), *c);
            assert_eq!(decode6(*c), i as i16);
        }
        for c in 0..=255u8 {
            if !alphabet.contains(&c) {
                assert_eq!(decode6(c), -1, "{c}");
            }
        }
    }

    #[test]
    fn rfc4648_vectors() {
        // RFC 4648 §10 (standard alphabet; these contain no '+' or '/'), without padding.
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), plain.as_bytes());
        }
        assert!(base64url_decode("Zm9vY").is_none());
        assert!(base64url_decode("Zm+v").is_none());
    }
}
