/**
 * SHA-256 digest (32 bytes).
 * @example sha256(new TextEncoder().encode('abc')); // Uint8Array(32) [0xba, 0x78, ...]
 */
export declare function sha256(bytes: Uint8Array): Uint8Array;
