// Katalyst crypto: SHA-2, HMAC/HKDF, Ed25519 (strict RFC 8032), randomness, CSRF tokens,
// agent fingerprints. Every function validates its arguments: a non-Uint8Array where bytes
// are expected is a TypeError, a bad size a RangeError, a domain failure a KatalystError, each
// with a `code`. No message ever contains key, seed, secret or token bytes.

/** The SHA-2 variants, named as WebCrypto names them. */
export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/**
 * SHA-256 digest (32 bytes).
 * @example
 * sha256(new TextEncoder().encode('abc')); // Uint8Array(32) [0xba, 0x78, 0x16, 0xbf, ...]
 */
export declare function sha256(bytes: Uint8Array): Uint8Array;

/**
 * SHA-384 digest (48 bytes).
 * @example
 * sha384(new TextEncoder().encode('abc')); // Uint8Array(48) [0xcb, 0x00, 0x75, 0x3f, ...]
 */
export declare function sha384(bytes: Uint8Array): Uint8Array;

/**
 * SHA-512 digest (64 bytes).
 * @example
 * sha512(new TextEncoder().encode('abc')); // Uint8Array(64) [0xdd, 0xaf, 0x35, 0xa1, ...]
 */
export declare function sha512(bytes: Uint8Array): Uint8Array;

/**
 * SHA-256 of many messages in one call. Message `i` is
 * `concatenated.subarray(offsets[i], offsets[i + 1])`: `offsets` holds n + 1 non-decreasing
 * values, the last ≤ `concatenated.length` (bytes outside `offsets[0] .. offsets[n]` are
 * ignored). Returns the n digests concatenated (32·n bytes).
 * Throws RangeError `bad_offsets` for an empty, decreasing or out-of-bounds `offsets`.
 * @example
 * const enc = new TextEncoder();
 * const out = sha256Batch(enc.encode('abcde'), new Uint32Array([0, 3, 5])); // 64 bytes
 * out.subarray(0, 32); // sha256('abc')
 * out.subarray(32);    // sha256('de')
 */
export declare function sha256Batch(concatenated: Uint8Array, offsets: Uint32Array): Uint8Array;

/**
 * A streaming SHA-2 hasher.
 *
 * `update` returns `undefined` (no chaining). After `digest()` the hasher is finalized:
 * `update` and `digest` then throw KatalystError `hasher_finalized`; create a new Hasher.
 * An unknown algorithm name is a TypeError `unknown_algorithm`.
 * Call `free()` when done to release its wasm memory early.
 * @example
 * const h = new Hasher('SHA-256');
 * h.update(new TextEncoder().encode('ab'));
 * h.update(new TextEncoder().encode('c'));
 * h.digest(); // === sha256('abc')
 */
export declare class Hasher {
  constructor(alg: HashAlgorithm);
  /** The algorithm name, e.g. `'SHA-256'`. */
  readonly algorithm: HashAlgorithm;
  /** Feeds bytes. Throws KatalystError `hasher_finalized` after `digest()`. */
  update(bytes: Uint8Array): void;
  /** The digest; finalizes the hasher. */
  digest(): Uint8Array;
  /** Releases the wasm memory behind this object. */
  free(): void;
}

/**
 * HMAC (RFC 2104) of `bytes` under `key`; the tag has the hash's length.
 * An unknown `alg` is a TypeError `unknown_algorithm` naming the accepted names.
 * @example
 * const enc = new TextEncoder();
 * hmac('SHA-256', enc.encode('Jefe'), enc.encode('what do ya want for nothing?'));
 * // Uint8Array(32) [0x5b, 0xdc, 0xc1, 0x46, ...] (RFC 4231 test case 2)
 */
export declare function hmac(alg: HashAlgorithm, key: Uint8Array, bytes: Uint8Array): Uint8Array;

/**
 * HKDF (RFC 5869): `length` bytes of output keying material. `alg` defaults to SHA-256
 * (pass `undefined`). An empty salt means no salt. `length` is 0 ..= 255·HashLen (8160 for
 * SHA-256), else RangeError `out_of_range`.
 * @example
 * const enc = new TextEncoder();
 * const key = hkdf('SHA-256', ikm, enc.encode('salt'), enc.encode('session keys v1'), 32);
 */
export declare function hkdf(
  alg: HashAlgorithm | undefined,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array;

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The 32-byte public key, unpadded base64url. */
  x: string;
}

/** An Ed25519 private key as a JWK (RFC 8037), as WebCrypto exports it (minus `key_ops`/`ext`). */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  /** The 32-byte seed, unpadded base64url. Secret. */
  d: string;
}

/**
 * An Ed25519 private key (RFC 8032). Its seed lives in wasm memory and is wiped by `free()`,
 * or when the key is garbage-collected (a FinalizationRegistry, at a time the engine chooses):
 * call `free()` to wipe it at a known moment. `toJSON()` (and so `JSON.stringify`) gives only
 * the public JWK.
 * @example
 * const key = SigningKey.generate();
 * const msg = new TextEncoder().encode('hello');
 * const sig = key.sign(msg);                 // Uint8Array(64)
 * verify(key.publicKey(), msg, sig);          // true
 * key.free();
 */
export declare class SigningKey {
  private constructor();
  /** A new key from the platform's secure random source (`crypto.getRandomValues`). */
  static generate(): SigningKey;
  /**
   * The key for a 32-byte seed (the RFC 8032 private key). Other lengths: RangeError
   * `bad_key_length`.
   * @example
   * SigningKey.fromSeed(new Uint8Array(32).fill(7)).publicKey(); // Uint8Array(32)
   */
  static fromSeed(seed: Uint8Array): SigningKey;
  /**
   * Imports `'raw'` (the 32-byte seed), `'pkcs8'` (the 48-byte DER WebCrypto exports; the
   * 83-byte RFC 8410 v2 form with the public key is accepted too) or `'jwk'` (with `d`; `x`
   * must match). Malformed input: KatalystError `malformed_key`; another format name:
   * TypeError `unknown_format`.
   * @example
   * const pair = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
   * const der = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
   * const key = SigningKey.importKey('pkcs8', new Uint8Array(der));
   */
  static importKey(format: 'raw' | 'pkcs8', data: Uint8Array): SigningKey;
  static importKey(format: 'jwk', data: Ed25519PrivateJwk): SigningKey;
  /**
   * Exports the private key: `'raw'` (32-byte seed), `'pkcs8'` (48-byte DER, byte-identical to
   * WebCrypto's) or `'jwk'`.
   * @example
   * const der = key.exportKey('pkcs8');
   * const ck = await crypto.subtle.importKey('pkcs8', der, 'Ed25519', false, ['sign']);
   */
  exportKey(format: 'raw' | 'pkcs8'): Uint8Array;
  exportKey(format: 'jwk'): Ed25519PrivateJwk;
  /** The 32-byte public key. */
  publicKey(): Uint8Array;
  /** The deterministic 64-byte signature `R ‖ S` of `msg` (equal to WebCrypto's for the same key). */
  sign(msg: Uint8Array): Uint8Array;
  /** The public JWK only: `{ kty, crv, x }`. */
  toJSON(): Ed25519PublicJwk;
  /** Wipes the secret and releases the wasm memory behind this object. */
  free(): void;
}

/**
 * A 32-byte Ed25519 public key from `'raw'` (32 bytes), `'spki'` (44-byte DER) or `'jwk'`
 * (`d` ignored). Checked to be a canonical point encoding (KatalystError `malformed_key`
 * otherwise); small-order keys are accepted here, as WebCrypto does, and `verify` rejects
 * every signature under them.
 * @example
 * const spki = await crypto.subtle.exportKey('spki', pair.publicKey);
 * const pk = importPublicKey('spki', new Uint8Array(spki)); // Uint8Array(32)
 */
export declare function importPublicKey(format: 'raw' | 'spki', data: Uint8Array): Uint8Array;
export declare function importPublicKey(format: 'jwk', data: Ed25519PublicJwk): Uint8Array;

/**
 * A 32-byte Ed25519 public key as `'raw'` bytes, `'spki'` DER (44 bytes) or a public `'jwk'`.
 * @example
 * const spki = exportPublicKey(key.publicKey(), 'spki');
 * const ck = await crypto.subtle.importKey('spki', spki, 'Ed25519', true, ['verify']);
 */
export declare function exportPublicKey(publicKey: Uint8Array, format: 'raw' | 'spki'): Uint8Array;
export declare function exportPublicKey(publicKey: Uint8Array, format: 'jwk'): Ed25519PublicJwk;

/**
 * Strict RFC 8032 Ed25519 verification. Returns `false` (never throws) for a public key that
 * is not 32 bytes, a signature that is not 64 bytes, `S ≥ ℓ`, `A` or `R` not a canonical point
 * encoding or of small order, or a failing equation. Non-Uint8Array arguments: TypeError.
 * @example
 * verify(key.publicKey(), msg, key.sign(msg));          // true
 * verify(key.publicKey(), msg, new Uint8Array(63));      // false
 */
export declare function verify(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;

/**
 * `verify` for many items: one boolean per item, same strict rules. The three arrays must have
 * the same length (RangeError `out_of_range`). In the threads build it is parallel wherever it is
 * called: on the main thread the compute worker (and the pool behind it) takes a share of the
 * items while the main thread works on the rest, without blocking; `await
 * k.async.verifyBatch(...)` runs it all off the main thread. In the single build it is sequential.
 * @example
 * verifyBatch([pk, pk], [msgA, msgB], [sigA, sigA]); // [true, false]
 */
export declare function verifyBatch(publicKeys: Uint8Array[], msgs: Uint8Array[], sigs: Uint8Array[]): boolean[];

/**
 * Constant-time equality of two byte arrays. Different lengths return `false` immediately:
 * the length is not treated as secret.
 * @example
 * timingSafeEqual(hmac('SHA-256', key, body), receivedTag); // true or false
 */
export declare function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;

/**
 * `n` secure random bytes; `n` is an integer 1 ..= 65536 (WebCrypto's `getRandomValues`
 * limit), else RangeError `out_of_range`.
 * @example
 * randomBytes(32); // Uint8Array(32)
 */
export declare function randomBytes(n: number): Uint8Array;

/**
 * A random UUID version 4 (RFC 9562), like `crypto.randomUUID()`.
 * @example
 * randomUUID(); // '919108f7-52d1-4320-9bac-f847db4148a8'
 */
export declare function randomUUID(): string;

/**
 * A time-ordered UUID version 7 (RFC 9562): 48-bit Unix milliseconds then 74 random bits.
 * Ids from different milliseconds sort by time as strings; within one millisecond their order
 * is random.
 * @example
 * uuidv7(); // '018bcfe5-6800-7cc3-98c4-dc0c0c07398f'
 */
export declare function uuidv7(): string;

/**
 * A stateless CSRF token bound to `sessionId`, valid for `ttlSeconds` (integer 1 ..= 2³² − 1)
 * from now: 76 URL-safe characters (unpadded base64url of version ‖ expiry ‖ nonce ‖
 * HMAC-SHA-256 tag). `secret` needs ≥ 16 bytes (RangeError `secret_too_short`).
 * @example
 * const token = issueCsrfToken(secret, session.id, 3600);
 */
export declare function issueCsrfToken(secret: Uint8Array, sessionId: string, ttlSeconds: number): string;

/**
 * True when `token` was issued with `secret` for `sessionId` and has not expired. Expired,
 * tampered, other-session and malformed tokens all return `false`; the tag is compared in
 * constant time. Wrong argument types (e.g. a missing token, `undefined`) throw TypeError.
 * @example
 * if (!checkCsrfToken(secret, session.id, request.headers.get('x-csrf-token') ?? '')) reject();
 */
export declare function checkCsrfToken(secret: Uint8Array, sessionId: string, token: string): boolean;

/**
 * SHA-384 (96 lowercase hex digits) over an unambiguous encoding of an agent's identity:
 * each field as a 4-byte big-endian length then its bytes — the tag
 * `katalyst/agent-fingerprint/v1`, `agentId` (UTF-8), `name` (UTF-8), `createdAt` (8 bytes,
 * big-endian two's complement). So `('ab', 'c')` and `('a', 'bc')` differ. `createdAt` is an
 * integer within ±(2⁵³ − 1), e.g. Unix milliseconds.
 * @example
 * agentFingerprint('agent-7', 'Planner', 1700000000000); // '3f…' (96 hex digits)
 */
export declare function agentFingerprint(agentId: string, name: string, createdAt: number): string;
