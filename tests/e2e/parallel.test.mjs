// Synchronous calls on the main thread that share their work with the compute worker
// (`crate::parallel::assist`) in threads mode (verifyBatch, sgemm, kmeans): results must equal an
// independent reference (per-item verify, f64 GEMM computed here), the
// worker must really take a share, and nothing may block or trap the main thread. Without
// cross-origin isolation (single build) the same call runs sequentially.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

for (const { isolated, mode } of [{ isolated: true, mode: 'threads' }, { isolated: false, mode: 'single' }]) {
  test(`${mode}: main-thread verifyBatch equals verify per item`, async () => {
    const tab = await openPage(env.browser, env.server.url + (isolated ? '' : '?coi=0'));
    try {
      await tab.page.waitForFunction(() => window.ready === true);
      const r = await tab.page.evaluate(async () => {
        const k = await katalyst.init({ threads: 2 });
        const pks = [], msgs = [], sigs = [];
        for (let i = 0; i < 300; i++) {
          const seed = new Uint8Array(32).fill(i & 255);
          seed[31] = i >> 8;
          const key = katalyst.SigningKey.fromSeed(seed);
          const msg = new Uint8Array(i % 97).fill(i);
          const sig = key.sign(msg);
          if (i % 7 === 3) sig[i % 64] ^= 1; // tampered signature
          if (i % 11 === 5) msg.length && (msg[0] ^= 2); // message changed after signing
          pks.push(i % 13 === 4 ? new Uint8Array(32) : key.publicKey()); // small-order key
          msgs.push(msg);
          sigs.push(sig);
        }
        const before = k.parallelStats().helpedChunks;
        const runs = [];
        for (let rep = 0; rep < 5; rep++) runs.push(k.verifyBatch(pks, msgs, sigs));
        const reference = pks.map((pk, i) => k.verify(pk, msgs[i], sigs[i]));
        return { mode: k.mode, runs, reference, helped: k.parallelStats().helpedChunks - before };
      });
      assert.equal(r.mode, mode);
      assert.ok(r.reference.includes(true) && r.reference.includes(false));
      for (const run of r.runs) assert.deepEqual(run, r.reference);
      if (mode === 'threads') assert.ok(r.helped > 0, 'the compute worker never took a share');
      else assert.equal(r.helped, 0);
      assert.deepEqual(tab.problems, []);
    } finally {
      await tab.close();
    }
  });
}

for (const { isolated, mode } of [{ isolated: true, mode: 'threads' }, { isolated: false, mode: 'single' }]) {
  test(`${mode}: main-thread sgemm equals an f64 reference, with C and transposes`, async () => {
    const tab = await openPage(env.browser, env.server.url + (isolated ? '' : '?coi=0'));
    try {
      await tab.page.waitForFunction(() => window.ready === true);
      const r = await tab.page.evaluate(async () => {
        const k = await katalyst.init({ threads: 2 });
        const rnd = (n, s) => Float32Array.from({ length: n }, (_, i) => (((i * 7919 + s * 104729) % 997) / 498.5) - 1);
        const out = [];
        const before = k.parallelStats().helpedChunks;
        for (const [m, kk, n, transA, transB, withC] of [[301, 257, 129, false, false, false], [256, 300, 200, true, false, true], [130, 513, 66, false, true, true]]) {
          const a = rnd(m * kk, 1), b = rnd(kk * n, 2), c0 = rnd(m * n, 3);
          const alpha = 0.75, beta = withC ? -0.5 : 0;
          const got = k.sgemm(a, b, m, kk, n, { transA, transB, alpha, beta, c: withC ? c0 : undefined });
          let worst = 0;
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let s = 0, mag = 0;
            for (let p = 0; p < kk; p++) {
              const x = transA ? a[p * m + i] : a[i * kk + p];
              const y = transB ? b[j * kk + p] : b[p * n + j];
              s += x * y; mag += Math.abs(x * y);
            }
            const want = alpha * s + beta * c0[i * n + j];
            worst = Math.max(worst, Math.abs(got[i * n + j] - want) / (1e-30 + Math.abs(alpha) * mag + Math.abs(beta * c0[i * n + j])));
          }
          out.push(worst);
        }
        return { mode: k.mode, worst: out, helped: k.parallelStats().helpedChunks - before };
      });
      assert.equal(r.mode, mode);
      // Relative to the sum of magnitudes: f32 accumulation over k ≤ 513 terms.
      for (const w of r.worst) assert.ok(w < 513 * 2 ** -23 * 4, `relative error ${w}`);
      if (mode === 'threads') assert.ok(r.helped > 0, 'the compute worker never took a band');
      else assert.equal(r.helped, 0);
      assert.deepEqual(tab.problems, []);
    } finally {
      await tab.close();
    }
  });
}

for (const { isolated, mode } of [{ isolated: true, mode: 'threads' }, { isolated: false, mode: 'single' }]) {
  test(`${mode}: main-thread kmeans equals an f64 Lloyd reference`, async () => {
    const tab = await openPage(env.browser, env.server.url + (isolated ? '' : '?coi=0'));
    try {
      await tab.page.waitForFunction(() => window.ready === true);
      const r = await tab.page.evaluate(async () => {
        const k = await katalyst.init({ threads: 2 });
        // Uniform points from fixed centroids: 16-d ones keep moving (plain passes all along),
        // 2-d ones settle within a few passes (then Hamerly's bounded passes run).
        let s = 7;
        const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
        const out = [];
        const before = k.parallelStats().helpedChunks;
        for (const [n, d, kk, iters] of [[20000, 16, 16, 8], [30000, 2, 12, 40]]) {
          const x = Float32Array.from({ length: n * d }, rnd);
          const init = x.slice(0, kk * d);
          const got = k.kmeans(x, n, d, kk, { init, maxIter: iters, tol: 0 });
          // f64 Lloyd for got.iterations steps, then the final assignment.
          let c = Float64Array.from(init);
          const labels = new Uint32Array(n);
          let inertia = 0;
          for (let it = 0; it <= got.iterations; it++) {
            const sums = new Float64Array(kk * d), counts = new Float64Array(kk);
            inertia = 0;
            for (let i = 0; i < n; i++) {
              let best = Infinity, arg = 0;
              for (let j = 0; j < kk; j++) {
                let e = 0;
                for (let t = 0; t < d; t++) { const v = x[i * d + t] - c[j * d + t]; e += v * v; }
                if (e < best) { best = e; arg = j; }
              }
              labels[i] = arg; inertia += best; counts[arg]++;
              for (let t = 0; t < d; t++) sums[arg * d + t] += x[i * d + t];
            }
            if (it === got.iterations) break;
            for (let j = 0; j < kk; j++) if (counts[j]) for (let t = 0; t < d; t++) c[j * d + t] = sums[j * d + t] / counts[j];
          }
          let same = 0;
          for (let i = 0; i < n; i++) same += got.labels[i] === labels[i];
          out.push({ n, iterations: got.iterations, same, rel: Math.abs(got.inertia - inertia) / inertia });
        }
        return { mode: k.mode, out, helped: k.parallelStats().helpedChunks - before };
      });
      assert.equal(r.mode, mode);
      for (const { n, iterations, same, rel } of r.out) {
        assert.ok(iterations >= 2, `iterations ${iterations}`);
        assert.ok(same >= n * 0.999, `labels ${same}/${n}`);
        assert.ok(rel <= 1e-4, `inertia off by ${rel}`);
      }
      if (mode === 'threads') assert.ok(r.helped > 0, 'the compute worker never took a chunk');
      else assert.equal(r.helped, 0);
      assert.deepEqual(tab.problems, []);
    } finally {
      await tab.close();
    }
  });
}
