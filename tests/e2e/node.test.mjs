// The single-thread build in Node 20+ through `initSync`, and the package's export lists
// against what the two builds really export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dft, assertClose } from './lib/reference.mjs';

const pkg = new URL('../../dist/pkg/', import.meta.url);

test('initSync loads the st build in Node and the API works', async () => {
  const katalyst = await import(new URL('index.js', pkg));
  const k = katalyst.initSync({ module: readFileSync(new URL('st/katalyst_bg.wasm', pkg)) });
  assert.equal(k.mode, 'single');
  assert.equal(k.threads, 1);
  assert.equal(k.version, JSON.parse(readFileSync(new URL('package.json', pkg))).version);
  const data = new Uint8Array(100_000).map((_, i) => (i * 31) & 255);
  const want = createHash('sha256').update(data).digest('hex');
  assert.equal(Buffer.from(katalyst.sha256(data)).toString('hex'), want);
  assert.deepEqual(Array.from(k.sgemm(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6]), 2, 2, 1)), [17, 39]);
  assert.equal(katalyst.initSync({ module: new Uint8Array() }), k, 'a second initSync returns the same handle');
});

test('fft, rfft and irfft through the package equal a direct DFT, with and without opts.out', async () => {
  const katalyst = await import(new URL('index.js', pkg));
  katalyst.initSync({ module: readFileSync(new URL('st/katalyst_bg.wasm', pkg)) });
  const signal = (len) => Float32Array.from({ length: len }, (_, i) => ((i * 37) % 101) / 7 - 7);
  for (const n of [1, 2, 7, 64, 97, 256]) {
    const x = signal(2 * n);
    for (const inverse of [false, true]) {
      const want = dft(x, inverse);
      assertClose(katalyst.fft(x, { inverse }), want, `fft ${n} inverse=${inverse}`);
      const out = new Float32Array(2 * n);
      assert.equal(katalyst.fft(x, { inverse, out }), out, 'fft returns opts.out');
      assertClose(out, want, `fft ${n} into out`);
    }
    // A real signal's DFT: the complex one of (x, 0), first n/2+1 bins; irfft goes back.
    const r = signal(n);
    const bins = 2 * (Math.floor(n / 2) + 1);
    const want = dft(Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 ? 0 : r[i / 2])), false).subarray(0, bins);
    const spectrum = katalyst.rfft(r);
    assertClose(spectrum, want, `rfft ${n}`);
    const out = new Float32Array(bins);
    assert.equal(katalyst.rfft(r, { out }), out);
    assertClose(out, want, `rfft ${n} into out`);
    assertClose(katalyst.irfft(spectrum, n), r, `irfft ${n}`);
    const back = new Float32Array(n);
    assert.equal(katalyst.irfft(spectrum, n, { out: back }), back);
    assertClose(back, r, `irfft ${n} into out`);
  }
  // The input may be the output.
  const x = signal(16);
  const want = dft(x, false);
  katalyst.fft(x, { out: x });
  assertClose(x, want, 'fft in place');
  // Results without opts.out are the caller's own: neither a later call at the same place,
  // nor one large enough to move wasm's buffers and grow its memory, nor a small one after
  // that changes them; and each of those is right.
  const a = signal(128);
  const big = signal(1 << 21); // 8 MB: wasm memory grows
  const c = signal(14).map((v) => -v);
  const ra = katalyst.fft(a);
  const rb = katalyst.fft(big);
  const rc = katalyst.fft(c);
  assertClose(ra, dft(a, false), 'fft 64 after the calls that followed it');
  assertClose(katalyst.fft(rb, { inverse: true }), big, 'fft of 2^20 points, round trip');
  assertClose(rc, dft(c, false), 'fft 7 after the large one');
});

test('fft, rfft and irfft through the package still refuse bad arguments with the checked errors', async () => {
  const katalyst = await import(new URL('index.js', pkg));
  katalyst.initSync({ module: readFileSync(new URL('st/katalyst_bg.wasm', pkg)) });
  const refuses = (f, type, ...parts) => assert.throws(f, (e) => {
    assert.ok(e instanceof type, `${e} is not a ${type.name}`);
    for (const p of parts) assert.match(e.message, p);
    return true;
  });
  const x = new Float32Array(8);
  refuses(() => katalyst.fft(new Float32Array(3)), RangeError, /data/, /3/);
  refuses(() => katalyst.fft([1, 0]), TypeError, /'data'/);
  refuses(() => katalyst.fft(x, { inverse: 1 }), TypeError, /opts\.inverse/);
  refuses(() => katalyst.fft(x, { out: new Float32Array(6) }), RangeError, /opts\.out/, /8/);
  refuses(() => katalyst.fft(x, { out: new Float64Array(8) }), TypeError, /opts\.out/);
  refuses(() => katalyst.fft(x, [1]), TypeError, /'opts'/);
  refuses(() => katalyst.rfft(new Float32Array(0)), RangeError, /signal/);
  refuses(() => katalyst.rfft(x, { out: new Float32Array(8) }), RangeError, /opts\.out/, /10/);
  refuses(() => katalyst.irfft(new Float32Array(4), 4), RangeError, /spectrum/, /6/);
  refuses(() => katalyst.irfft(new Float32Array(6), 4.5), RangeError, /'n'/);
  refuses(() => katalyst.irfft(new Float32Array(6), '4'), TypeError, /'n'/);
  refuses(() => katalyst.irfft(new Float32Array(6), 4, { out: new Float32Array(5) }), RangeError, /opts\.out/);
});

test('initSync rejects a missing module with a TypeError', async () => {
  // A fresh module instance, so state from the test above does not short-circuit.
  const katalyst = await import(new URL(`index.js?fresh=${Date.now()}`, pkg));
  assert.throws(() => katalyst.initSync({}), (e) => e instanceof TypeError && /opts.module/.test(e.message));
});

/** Names a wasm-bindgen glue file exports. */
function glueExports(build) {
  const js = readFileSync(new URL(`${build}/katalyst.js`, pkg), 'utf8');
  const names = [...js.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]);
  for (const m of js.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) names.push(part.trim().split(/\s+as\s+/).pop());
  }
  return names.filter(Boolean);
}

for (const build of ['st', 'mt']) {
  test(`every ${build} export is re-exported by the package or deliberately internal`, async () => {
    const { PUBLIC_EXPORTS, INTERNAL_EXPORTS } = await import(new URL('index.js', pkg));
    const known = new Set([...PUBLIC_EXPORTS, ...INTERNAL_EXPORTS]);
    const missing = glueExports(build).filter((n) => !known.has(n));
    assert.deepEqual(missing, [], `exported by the ${build} build but not by the package`);
  });
}

test('the package.json is well-formed for bundlers', () => {
  const meta = JSON.parse(readFileSync(new URL('package.json', pkg)));
  assert.equal(meta.type, 'module');
  assert.deepEqual(Object.keys(meta.exports['.']), ['types', 'default']);
  assert.deepEqual(Object.keys(meta.exports['./react']), ['types', 'default']);
  assert.ok(Array.isArray(meta.sideEffects) && meta.sideEffects.includes('./compute-host.js'));
  for (const f of meta.files) assert.ok(existsSync(new URL(f, pkg)), `files lists ${f}, which is missing`);
});
