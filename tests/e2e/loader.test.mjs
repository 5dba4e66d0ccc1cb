// The loader's choices and errors in a real page (headless Chromium): forced modes, fallback
// when the threads build cannot start, option validation, calls before init, argument errors
// from both builds and across the compute worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

/** Runs `fn` in a fresh page (fresh module state); `isolated` chooses COOP/COEP. */
async function inPage(isolated, fn, arg) {
  const tab = await openPage(env.browser, env.server.url + (isolated ? '' : '?coi=0'));
  await tab.page.waitForFunction(() => window.ready === true);
  try {
    const value = await tab.page.evaluate(fn, arg);
    return { value, problems: tab.problems, warnings: tab.warnings };
  } finally {
    await tab.close();
  }
}

// Runs in the page: the error a promise or function produced, as plain data.
const captureError = `async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message, isKatalystError: e instanceof katalyst.KatalystError }; } }`;

test('forcing threads where SharedArrayBuffer is missing rejects and says why', async () => {
  const { value } = await inPage(false, async (capture) => {
    const err = await eval(capture)(() => katalyst.init({ mode: 'threads' }));
    const k = await katalyst.init(); // a failed forced start does not poison the loader
    return { err, mode: k.mode };
  }, captureError);
  assert.equal(value.err.name, 'KatalystError');
  assert.equal(value.err.code, 'threads_unsupported');
  assert.equal(value.err.isKatalystError, true);
  assert.match(value.err.message, /SharedArrayBuffer/);
  assert.equal(value.mode, 'single');
});

test('a threads build that fails to load falls back to single with a warning', async () => {
  const { value, warnings } = await inPage(true, async () => {
    const k = await katalyst.init({ wasmUrl: { threads: '/no-such-build.wasm' } });
    return { mode: k.mode, digest: Array.from(katalyst.sha256(new Uint8Array([97, 98, 99])).slice(0, 2)) };
  });
  assert.equal(value.mode, 'single');
  assert.deepEqual(value.digest, [0xba, 0x78]);
  assert.ok(warnings.some((w) => /threads build failed to start/.test(w)), `warnings: ${warnings}`);
});

test('a forced threads build that fails to load rejects with the cause', async () => {
  const { value } = await inPage(true, async (capture) =>
    eval(capture)(() => katalyst.init({ mode: 'threads', wasmUrl: { threads: '/no-such-build.wasm' } })), captureError);
  assert.equal(value.code, 'threads_failed');
  assert.equal(value.isKatalystError, true);
});

test('forcing single on an isolated page runs single; init() again returns the same handle', async () => {
  const { value } = await inPage(true, async (capture) => {
    const k1 = await katalyst.init({ mode: 'single' });
    const k2 = await katalyst.init();
    const conflict = await eval(capture)(() => katalyst.init({ mode: 'threads' }));
    return { mode: k1.mode, same: k1 === k2, conflict };
  }, captureError);
  assert.equal(value.mode, 'single');
  assert.equal(value.same, true);
  assert.equal(value.conflict.code, 'already_initialized');
});

test('init validates its options', async () => {
  const { value } = await inPage(true, async (capture) => {
    const c = eval(capture);
    return {
      badMode: await c(() => katalyst.init({ mode: 'fast' })),
      badThreads: await c(() => katalyst.init({ threads: 0 })),
      fraction: await c(() => katalyst.init({ threads: 1.5 })),
      notObject: await c(() => katalyst.init(3)),
    };
  }, captureError);
  assert.equal(value.badMode.name, 'TypeError');
  assert.match(value.badMode.message, /'auto', 'threads', 'single'/);
  assert.equal(value.badThreads.name, 'RangeError');
  assert.equal(value.fraction.name, 'RangeError');
  assert.equal(value.notObject.name, 'TypeError');
});

test('calls before init throw not_initialized', async () => {
  const { value } = await inPage(true, async (capture) => {
    const c = eval(capture);
    return {
      fn: await c(() => katalyst.sha256(new Uint8Array(1))),
      cls: await c(() => new katalyst.Hasher('SHA-256')),
    };
  }, captureError);
  assert.equal(value.fn.code, 'not_initialized');
  assert.equal(value.cls.code, 'not_initialized');
});

for (const isolated of [true, false]) {
  test(`argument errors are TypeError/RangeError naming the argument (${isolated ? 'threads' : 'single'})`, async () => {
    const { value } = await inPage(isolated, async (capture) => {
      const c = eval(capture);
      const k = await katalyst.init();
      const a = new Float32Array(4);
      const out = {
        mode: k.mode,
        wrongType: await c(() => katalyst.sgemm([1, 2, 3, 4], a, 2, 2, 2)),
        negative: await c(() => katalyst.sgemm(a, a, 2, 2, -1)),
        fraction: await c(() => katalyst.sgemm(a, a, 2, 2.5, 2)),
        length: await c(() => katalyst.sgemm(a, new Float32Array(3), 2, 2, 2)),
        badOpts: await c(() => katalyst.sgemm(a, a, 2, 2, 2, { alpha: 'x' })),
        shaType: await c(() => katalyst.sha256('abc')),
        asyncLength: await c(() => k.async.sgemm(a, new Float32Array(3), 2, 2, 2)),
      };
      // The module still works after all that.
      out.after = Array.from(katalyst.sgemm(new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 2, 1));
      out.afterAsync = Array.from(await k.async.sgemm(new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 2, 1));
      return out;
    }, captureError);
    assert.equal(value.mode, isolated ? 'threads' : 'single');
    assert.equal(value.wrongType.name, 'TypeError');
    assert.match(value.wrongType.message, /sgemm: argument 'a' must be a Float32Array, got an Array/);
    assert.equal(value.wrongType.code, 'invalid_type');
    assert.equal(value.negative.name, 'RangeError');
    assert.match(value.negative.message, /'n'.*got -1/);
    assert.equal(value.fraction.name, 'RangeError');
    assert.match(value.fraction.message, /'k'.*got 2.5/);
    assert.equal(value.length.name, 'RangeError');
    assert.equal(value.length.code, 'bad_length');
    assert.match(value.length.message, /b: expected length 4 \(2×2\), got 3/);
    assert.equal(value.badOpts.name, 'TypeError');
    assert.match(value.badOpts.message, /opts.alpha/);
    assert.equal(value.shaType.name, 'TypeError');
    assert.equal(value.asyncLength.name, 'RangeError');
    assert.equal(value.asyncLength.code, 'bad_length');
    assert.deepEqual(value.after, [11]);
    assert.deepEqual(value.afterAsync, [11]);
  });
}

for (const isolated of [true, false]) {
  test(`k.async calls answer as the synchronous ones and leave the caller's arrays alone (${isolated ? 'threads' : 'single'})`, async () => {
    const { value, problems } = await inPage(isolated, async () => {
      const k = await katalyst.init({ threads: 2 });
      const rnd = (n, s) => Float32Array.from({ length: n }, (_, i) => ((i * 7919 + s * 104729) % 997) / 498.5 - 1);
      // Views into larger buffers (only the view may travel), a batch of views, options.
      const big = rnd(70 * 33 + 40 * 33 + 17, 1);
      const a = big.subarray(17, 17 + 70 * 33), b = big.subarray(17 + 70 * 33);
      const x = rnd(3000 * 4, 2), init = x.slice(0, 5 * 4);
      const bytes = new Uint8Array(300).map((_, i) => i);
      const offsets = new Uint32Array([0, 10, 10, 200]);
      // verifyBatch takes arrays of views: signatures of views, one tampered.
      const key = katalyst.SigningKey.fromSeed(new Uint8Array(32).fill(9));
      const msgs = [bytes.subarray(0, 10), bytes.subarray(100), new Uint8Array(0)];
      const sigs = msgs.map((m) => key.sign(m));
      sigs[1][5] ^= 1;
      const pks = msgs.map(() => key.publicKey());
      const same = (p, q) => p.length === q.length && p.every((v, i) => Object.is(v, q[i]));
      const sg = [k.sgemm(a, b, 70, 33, 40, { alpha: 0.5 }), await k.async.sgemm(a, b, 70, 33, 40, { alpha: 0.5 })];
      const km = [k.kmeans(x, 3000, 4, 5, { init, maxIter: 7 }), await k.async.kmeans(x, 3000, 4, 5, { init, maxIter: 7 })];
      const sh = [k.sha256Batch(bytes.subarray(50), offsets), await k.async.sha256Batch(bytes.subarray(50), offsets)];
      const vb = [k.verifyBatch(pks, msgs, sigs), await k.async.verifyBatch(pks, msgs, sigs)];
      // The page's fft, rfft and irfft take the staged path (index.js); the worker's the checked one.
      const ff = [k.fft(x.subarray(0, 64)), await k.async.fft(x.subarray(0, 64))];
      const out = new Float32Array(2018);
      const fi = [k.fft(x.subarray(0, 2018), { inverse: true, out }), await k.async.fft(x.subarray(0, 2018), { inverse: true })];
      // `k.async` writes `opts.out` too, and returns it; a wrong length is refused, leaving it.
      const asyncOut = new Float32Array(2018), asyncC = new Float32Array(70 * 40), wrong = new Float32Array(5);
      const outs = [
        (await k.async.fft(x.subarray(0, 2018), { inverse: true, out: asyncOut })) === asyncOut && same(asyncOut, fi[0]),
        (await k.async.sgemm(a, b, 70, 33, 40, { alpha: 0.5, out: asyncC })) === asyncC && same(asyncC, sg[0]),
        await k.async.fft(x.subarray(0, 2018), { out: wrong }).then(() => false, (e) => e.name === 'RangeError' && wrong.every((v) => v === 0)),
      ].every(Boolean);
      const rf = [k.rfft(x.subarray(0, 999)), await k.async.rfft(x.subarray(0, 999))];
      const ir = [k.irfft(rf[0], 999), await k.async.irfft(rf[0], 999)];
      // Even lengths run the SIMD128 pass in both builds: rfft against a direct f64 DFT, and
      // irfft back to the signal.
      const realEven = [1000, 1024].every((n) => {
        const sig = x.subarray(0, n), spec = k.rfft(sig), back = k.irfft(spec, n);
        let worst = 0, scale = 1;
        for (let f = 0; f <= n / 2; f++) {
          let re = 0, im = 0;
          for (let t = 0; t < n; t++) {
            const w = (-2 * Math.PI * ((f * t) % n)) / n;
            re += sig[t] * Math.cos(w);
            im += sig[t] * Math.sin(w);
          }
          scale = Math.max(scale, Math.abs(re), Math.abs(im));
          worst = Math.max(worst, Math.abs(spec[2 * f] - re), Math.abs(spec[2 * f + 1] - im));
        }
        return worst <= 1e-5 * scale && back.every((v, t) => Math.abs(v - sig[t]) <= 1e-5);
      });
      // Arrays 4 bytes off an 8-byte boundary (the threads build stages the input and places the
      // result 4 bytes off too, for V8's fast copies): the values of aligned copies.
      const pool = rnd(2100, 3), spare = new Float32Array(3100);
      const odd = (len) => pool.subarray(1, 1 + len), oddOut = (len) => spare.subarray(3, 3 + len);
      const oddSpec = spare.subarray(2049, 2049 + 1026);
      oddSpec.set(k.rfft(pool.subarray(0, 1024)));
      const atOffsets = [
        same(k.fft(odd(2048), { out: oddOut(2048) }), k.fft(odd(2048).slice())),
        same(k.fft(odd(2048), { inverse: true }), k.fft(odd(2048).slice(), { inverse: true })),
        same(k.rfft(odd(1024), { out: oddOut(1026) }), k.rfft(odd(1024).slice())),
        same(k.irfft(oddSpec, 1024, { out: oddOut(1024) }), k.irfft(oddSpec.slice(), 1024)),
        // The checked bindings place their copies at the arrays' offsets too (`copies.rs`).
        same(k.fftBatch(odd(256), 64, { out: oddOut(256) }), k.fftBatch(odd(256).slice(), 64)),
        same(k.rfftBatch(odd(256), 64, { out: oddOut(264) }), k.rfftBatch(odd(256).slice(), 64)),
        same(k.fft2(odd(512), 16, 16, { out: oddOut(512) }), k.fft2(odd(512).slice(), 16, 16)),
        same(new katalyst.PackedMatrix(odd(12 * 20), 12, 20).multiply(odd(30 * 12), 30, { beta: 0.5, c: odd(30 * 20) }),
          new katalyst.PackedMatrix(odd(12 * 20).slice(), 12, 20).multiply(odd(30 * 12).slice(), 30, { beta: 0.5, c: odd(30 * 20).slice() })),
        same(k.sgemm(odd(9 * 7), odd(7 * 5), 9, 7, 5, { beta: 2, c: odd(9 * 5) }),
          k.sgemm(odd(9 * 7).slice(), odd(7 * 5).slice(), 9, 7, 5, { beta: 2, c: odd(9 * 5).slice() })),
        same(k.sgemm(odd(9 * 7), odd(7 * 5), 9, 7, 5, { out: oddOut(45) }), k.sgemm(odd(9 * 7).slice(), odd(7 * 5).slice(), 9, 7, 5)),
        same(k.kmeans(x, 3000, 4, 5, { init: odd(20), maxIter: 3 }).centroids,
          k.kmeans(x, 3000, 4, 5, { init: odd(20).slice(), maxIter: 3 }).centroids),
      ].every(Boolean);
      // A view of shared memory (threads mode) is read where it is, not copied.
      let sharedView = true;
      if (typeof SharedArrayBuffer === 'function' && crossOriginIsolated) {
        const s = new Float32Array(new SharedArrayBuffer(64 * 4)).fill(0.25);
        const r = await k.async.fft(s);
        sharedView = same(r, k.fft(s)) && s.buffer.byteLength === 256;
      }
      // Later calls copy into the buffers the worker sent back: other data of the same size, then
      // smaller, then a different type in the same bytes.
      const again = [];
      for (const len of [3000, 1000]) {
        const y = rnd(len * 4, len), o = { init: y.slice(0, 20), maxIter: 7 };
        again.push(same((await k.async.kmeans(y, len, 4, 5, o)).labels, k.kmeans(y, len, 4, 5, o).labels));
      }
      const a2 = rnd(70 * 33, 9);
      again.push(same(await k.async.sgemm(a2, b, 70, 33, 40), k.sgemm(a2, b, 70, 33, 40)));
      const bytes2 = new Uint8Array(5000).map((_, i) => i * 7);
      again.push(same(await k.async.sha256(bytes2), k.sha256(bytes2)));
      return {
        reuse: again.length === 4 && again.every(Boolean),
        sgemm: same(sg[0], sg[1]),
        kmeans: same(km[0].labels, km[1].labels) && same(km[0].centroids, km[1].centroids) && km[0].inertia === km[1].inertia,
        sha: sh[0].length === 96 && same(sh[0], sh[1]),
        verify: same(vb[0], [true, false, true]) && same(vb[1], vb[0]),
        fft: same(ff[0], ff[1]) && sharedView && fi[0] === out && same(fi[0], fi[1]) && same(rf[0], rf[1])
          && same(ir[0], ir[1]),
        outs,
        realEven,
        offsets: atOffsets,
        // Nothing of the caller's was detached or changed.
        intact: big.buffer.byteLength === big.length * 4 && same(big, rnd(big.length, 1))
          && x.length === 12000 && init.length === 20 && bytes.buffer.byteLength === 300 && bytes[299] === 43
          && msgs[1].length === 200,
      };
    });
    assert.deepEqual(value, { reuse: true, sgemm: true, kmeans: true, sha: true, verify: true, fft: true, outs: true, realEven: true, offsets: true, intact: true });
    assert.deepEqual(problems, []);
  });
}

for (const isolated of [true, false]) {
  test(`FftPlan transforms in wasm memory; its views follow memory growth and refuse use after free (${isolated ? 'threads' : 'single'})`, async () => {
    const { value, problems } = await inPage(isolated, async (capture) => {
      const k = await katalyst.init();
      const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
      const n = 1024;
      const x = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i * 0.37) + (i % 5) * 0.1);
      const plan = new katalyst.FftPlan(n);
      plan.input.set(x);
      const out = plan.run();
      const first = out.slice(); // `out` is a view of wasm memory: detached if memory grows
      const runs = [out === plan.output, same(first, k.fft(x)), plan.n === n, !plan.real && !plan.inverse];
      // Grow memory past its size (a product bigger than all of it), then run again.
      const before = plan.input;
      const floats = before.buffer.byteLength / 4;
      const side = Math.ceil(Math.sqrt(floats)) + 16;
      k.sgemm(new Float32Array(side).fill(1), new Float32Array(side).fill(1), side, 1, side);
      // Single: the old view is detached (length 0) and a new one is made. Threads: a shared
      // memory's views stay valid, and the same one is kept.
      const kept = before.length;
      const remade = plan.input !== before && plan.input.length === 2 * n;
      plan.input.set(x);
      runs.push(same(plan.run(), k.fft(x)));
      const inverse = new katalyst.FftPlan(n, { inverse: true });
      inverse.input.set(first);
      runs.push(same(inverse.run(), k.fft(first, { inverse: true })));
      const real = new katalyst.FftPlan(n, { real: true });
      real.input.set(x.subarray(0, n));
      const spectrum = real.run().slice();
      runs.push(same(spectrum, k.rfft(x.subarray(0, n))), real.output.length === n + 2);
      const back = new katalyst.FftPlan(n, { real: true, inverse: true });
      back.input.set(spectrum);
      runs.push(same(back.run(), k.irfft(spectrum, n)), back.real && back.inverse);
      const shared = typeof SharedArrayBuffer === 'function' && plan.input.buffer instanceof SharedArrayBuffer;
      for (const p of [inverse, real, back]) p.free();
      plan.free();
      const capt = eval(capture);
      return {
        runs,
        kept,
        remade,
        shared,
        afterFree: [await capt(() => plan.input), await capt(() => plan.run())].map((e) => e?.name),
        freedCode: (await capt(() => plan.output))?.code,
        zero: await capt(() => new katalyst.FftPlan(0)),
        realOpt: await capt(() => new katalyst.FftPlan(8, { real: 1 })),
      };
    }, captureError);
    assert.deepEqual(value.runs, [true, true, true, true, true, true, true, true, true, true]);
    assert.equal(value.kept, isolated ? 2048 : 0);
    assert.equal(value.remade, !isolated);
    assert.equal(value.shared, isolated);
    assert.deepEqual(value.afterFree, ['KatalystError', 'KatalystError']);
    assert.equal(value.freedCode, 'freed');
    assert.equal(value.zero.name, 'RangeError');
    assert.match(value.zero.message, /FftPlan.*n/);
    assert.equal(value.realOpt.name, 'TypeError');
    assert.match(value.realOpt.message, /opts\.real/);
    assert.deepEqual(problems, []);
  });
}

test('an engine without WebAssembly SIMD gets a clear error naming the feature', async () => {
  const context = await env.browser.newContext();
  // Make the engine reject every module that uses SIMD, as a pre-SIMD engine would.
  await context.addInitScript(() => {
    const validate = WebAssembly.validate;
    WebAssembly.validate = (bytes) => {
      const b = new Uint8Array(bytes.buffer ?? bytes);
      return b.includes(0xfd) ? false : validate(bytes);
    };
  });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.waitForFunction(() => window.ready === true);
  const err = await page.evaluate(() => katalyst.init().then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message })));
  await context.close();
  assert.equal(err.name, 'KatalystError');
  assert.equal(err.code, 'unsupported');
  assert.match(err.message, /SIMD/);
});
