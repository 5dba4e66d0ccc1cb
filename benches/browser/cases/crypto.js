// Crypto cases of the performance bars (issue 4), Katalyst against hash-wasm,
// @noble/hashes, @noble/ed25519 and the browser's WebCrypto. Every case hashes/signs/verifies
// prepared inputs; none allocates its inputs inside the timed function.
import { createSHA256 } from 'hash-wasm';
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import * as ed from '@noble/ed25519';

ed.hashes.sha512 = nobleSha512;

const HASH_WASM = 'hash-wasm@4.13.0';
const NOBLE_HASHES = '@noble/hashes@2.4.0';
const NOBLE_ED = '@noble/ed25519@3.2.0';
const WEBCRYPTO = 'WebCrypto';

const MIB = 1 << 20;
const BATCH = 1024; // 32-byte messages per call in the batch group
const MSG_LEN = 32; // Ed25519 message size
const VERIFY_BATCH = 256; // signatures per verifyBatch call

function filled(n, seed = 1) {
  const a = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    a[i] = x >>> 24;
  }
  return a;
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Throws unless `got` equals `want` (the setup's correctness probe). */
function expectBytes(got, want, what) {
  if (!sameBytes(new Uint8Array(got), new Uint8Array(want))) throw new Error(`${what}: wrong result`);
}

async function webcryptoEd25519() {
  try {
    return await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  } catch (e) {
    throw new Error(`this browser's WebCrypto lacks Ed25519: ${e}`);
  }
}

// ---- SHA-256, 1 MiB ----
const sha1MiB = (name, peer, make) => ({
  group: 'SHA-256 1 MiB', name, peer, work: MIB, unit: 'MB/s', scale: 1e6, setup: make,
});

// ---- SHA-256, 32-byte messages ----
const shaBatch = (name, peer, make) => ({
  group: `SHA-256 ${BATCH} × 32 B messages`, name, peer, work: BATCH, unit: 'M hashes/s', scale: 1e6, setup: make,
});

// ---- Ed25519 ----
const edCase = (group, name, peer, make) => ({ group, name, peer, work: 1, unit: 'k ops/s', scale: 1e3, setup: make });

export default [
  sha1MiB('katalyst sha256', null, async ({ katalyst }) => {
    const data = filled(MIB);
    const want = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    expectBytes(katalyst.sha256(data), want, 'sha256');
    return () => katalyst.sha256(data);
  }),
  sha1MiB('katalyst Hasher, 16 × 64 KiB updates', null, async ({ katalyst }) => {
    const data = filled(MIB);
    const parts = Array.from({ length: 16 }, (_, i) => data.subarray(i << 16, (i + 1) << 16));
    return () => {
      const h = new katalyst.Hasher('SHA-256');
      for (const p of parts) h.update(p);
      const d = h.digest();
      h.free();
      return d;
    };
  }),
  sha1MiB('hash-wasm createSHA256', HASH_WASM, async () => {
    const data = filled(MIB);
    const h = await createSHA256();
    return () => h.init().update(data).digest('binary');
  }),
  sha1MiB('@noble/hashes sha256', NOBLE_HASHES, async () => {
    const data = filled(MIB);
    return () => nobleSha256(data);
  }),
  sha1MiB('WebCrypto digest', WEBCRYPTO, async () => {
    const data = filled(MIB);
    return () => crypto.subtle.digest('SHA-256', data);
  }),

  shaBatch('katalyst sha256Batch (one call)', null, async ({ katalyst }) => {
    const data = filled(BATCH * 32, 2);
    const offsets = Uint32Array.from({ length: BATCH + 1 }, (_, i) => i * 32);
    const out = katalyst.sha256Batch(data, offsets);
    const want = new Uint8Array(await crypto.subtle.digest('SHA-256', data.subarray(32 * 7, 32 * 8)));
    expectBytes(out.subarray(32 * 7, 32 * 8), want, 'sha256Batch');
    return () => katalyst.sha256Batch(data, offsets);
  }),
  shaBatch('katalyst sha256 per message', null, async ({ katalyst }) => {
    const data = filled(BATCH * 32, 2);
    const msgs = Array.from({ length: BATCH }, (_, i) => data.subarray(i * 32, (i + 1) * 32));
    return () => {
      for (const m of msgs) katalyst.sha256(m);
    };
  }),
  shaBatch('hash-wasm sync hasher per message', HASH_WASM, async () => {
    const data = filled(BATCH * 32, 2);
    const msgs = Array.from({ length: BATCH }, (_, i) => data.subarray(i * 32, (i + 1) * 32));
    const h = await createSHA256();
    return () => {
      for (const m of msgs) h.init().update(m).digest('binary');
    };
  }),
  shaBatch('@noble/hashes per message', NOBLE_HASHES, async () => {
    const data = filled(BATCH * 32, 2);
    const msgs = Array.from({ length: BATCH }, (_, i) => data.subarray(i * 32, (i + 1) * 32));
    return () => {
      for (const m of msgs) nobleSha256(m);
    };
  }),
  shaBatch('WebCrypto digest, Promise.all', WEBCRYPTO, async () => {
    const data = filled(BATCH * 32, 2);
    const msgs = Array.from({ length: BATCH }, (_, i) => data.subarray(i * 32, (i + 1) * 32));
    return () => Promise.all(msgs.map((m) => crypto.subtle.digest('SHA-256', m)));
  }),

  edCase('Ed25519 sign 32 B', 'katalyst SigningKey.sign', null, async ({ katalyst }) => {
    const key = katalyst.SigningKey.fromSeed(filled(32, 3));
    const msg = filled(MSG_LEN, 4);
    expectBytes(key.sign(msg), ed.sign(msg, filled(32, 3)), 'sign');
    return { run: () => key.sign(msg), teardown: () => key.free() };
  }),
  edCase('Ed25519 sign 32 B', '@noble/ed25519 sign', NOBLE_ED, async () => {
    const seed = filled(32, 3);
    const msg = filled(MSG_LEN, 4);
    return () => ed.sign(msg, seed);
  }),
  edCase('Ed25519 sign 32 B', 'WebCrypto sign', WEBCRYPTO, async () => {
    const { privateKey } = await webcryptoEd25519();
    const msg = filled(MSG_LEN, 4);
    return () => crypto.subtle.sign('Ed25519', privateKey, msg);
  }),

  edCase('Ed25519 verify 32 B', 'katalyst verify', null, async ({ katalyst }) => {
    const key = katalyst.SigningKey.fromSeed(filled(32, 5));
    const msg = filled(MSG_LEN, 6);
    const pk = key.publicKey();
    const sig = key.sign(msg);
    key.free();
    if (!katalyst.verify(pk, msg, sig)) throw new Error('verify: false on a valid signature');
    return () => katalyst.verify(pk, msg, sig);
  }),
  edCase('Ed25519 verify 32 B', '@noble/ed25519 verify', NOBLE_ED, async () => {
    const seed = filled(32, 5);
    const msg = filled(MSG_LEN, 6);
    const pk = ed.getPublicKey(seed);
    const sig = ed.sign(msg, seed);
    return () => ed.verify(sig, msg, pk);
  }),
  edCase('Ed25519 verify 32 B', 'WebCrypto verify', WEBCRYPTO, async () => {
    const { privateKey, publicKey } = await webcryptoEd25519();
    const msg = filled(MSG_LEN, 6);
    const sig = await crypto.subtle.sign('Ed25519', privateKey, msg);
    return () => crypto.subtle.verify('Ed25519', publicKey, sig, msg);
  }),

  // verifyBatch: the bar is verifyBatch on 2 threads ≥ 1.8 × the single-thread verify loop.
  // In the threads build a main-thread verifyBatch shares the items with the compute worker
  // (k.threads threads in all); k.async.verifyBatch runs it all on the worker.
  {
    group: `Ed25519 verifyBatch ${VERIFY_BATCH}`,
    name: 'katalyst k.async.verifyBatch (worker, k.threads threads)',
    work: VERIFY_BATCH, unit: 'k verifies/s', scale: 1e3,
    usesThreads: true,
    async setup({ katalyst, k }) {
      const { pks, msgs, sigs } = signedBatch(katalyst);
      const ok = await k.async.verifyBatch(pks, msgs, sigs);
      if (!ok.every((x) => x === true)) throw new Error('verifyBatch: false on a valid signature');
      return () => k.async.verifyBatch(pks, msgs, sigs);
    },
  },
  {
    group: `Ed25519 verifyBatch ${VERIFY_BATCH}`,
    name: 'katalyst verifyBatch (main thread + helpers in threads mode; sequential in single)',
    work: VERIFY_BATCH, unit: 'k verifies/s', scale: 1e3,
    threads: ({ k }) => k.threads,
    async setup({ katalyst }) {
      const { pks, msgs, sigs } = signedBatch(katalyst);
      return () => katalyst.verifyBatch(pks, msgs, sigs);
    },
  },
  {
    group: `Ed25519 verifyBatch ${VERIFY_BATCH}`,
    name: 'katalyst verify loop (main thread)',
    work: VERIFY_BATCH, unit: 'k verifies/s', scale: 1e3,
    async setup({ katalyst }) {
      const { pks, msgs, sigs } = signedBatch(katalyst);
      return () => {
        for (let i = 0; i < pks.length; i++) katalyst.verify(pks[i], msgs[i], sigs[i]);
      };
    },
  },
];

function signedBatch(katalyst) {
  const pks = [], msgs = [], sigs = [];
  for (let i = 0; i < VERIFY_BATCH; i++) {
    const key = katalyst.SigningKey.fromSeed(filled(32, 100 + i));
    const msg = filled(MSG_LEN, 1000 + i);
    pks.push(key.publicKey());
    msgs.push(msg);
    sigs.push(key.sign(msg));
    key.free();
  }
  return { pks, msgs, sigs };
}
