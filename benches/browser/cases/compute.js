// Compute: SGEMM, FFT and k-means, katalyst against the peers of issue 3, plus the machine's
// SIMD128 peak. Every case does the same work per call as ours: take JS typed arrays in, hand a
// new JS array back (peers' variants that keep data inside their wasm heap are labelled so).
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import tfWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { Matrix } from 'ml-matrix';
import FFT from 'fft.js';
import PFFFT from '@echogarden/pffft-wasm/simd';
import { kmeans as mlKmeans } from 'ml-kmeans';

const TF = '@tensorflow/tfjs-backend-wasm@4.22.0';
const ML_MATRIX = 'ml-matrix@6.15.1';
const FFTJS = 'fft.js@4.0.4';
const PFFFT_PEER = '@echogarden/pffft-wasm@0.4.2 (simd)';
const ML_KMEANS = 'ml-kmeans@7.0.1';

/** Deterministic uniform values in [-0.5, 0.5). */
function values(len, seed) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

// ---- SIMD128 peak: 12 independent f32x4 chains c = c·a + b (2 flops × 4 lanes each) ----
// A hand-written WAT module assembled with binaryen's wasm-as, base64 below. Its one export
// `peak(n)` runs n iterations of: for i in 0..12 { c_i = f32x4.add(f32x4.mul(c_i, a), b) },
// a = 0.999999, b = 1e-6 (the chains stay near 1: no denormals), and returns a lane of Σc_i.
const PEAK_B64 =
  'AGFzbQEAAAABBgFgAX8BfQMCAQAHCAEEcGVhawAACvUCAfICAQ57Q+//fz/9EyEBQ703hjX9EyECQwAAgD/9EyEDQ65HgT/9EyEEQ1yPgj/9EyEFQwrXgz/9EyEGQ7gehT/9EyEHQ2Zmhj/9EyEIQxSuhz/9EyEJQ8P1iD/9EyEKQ3E9ij/9EyELQx+Fiz/9EyEMQ83MjD/9EyENQ3sUjj/9EyEOA0AgAyAB/eYBIAL95AEhAyAEIAH95gEgAv3kASEEIAUgAf3mASAC/eQBIQUgBiAB/eYBIAL95AEhBiAHIAH95gEgAv3kASEHIAggAf3mASAC/eQBIQggCSAB/eYBIAL95AEhCSAKIAH95gEgAv3kASEKIAsgAf3mASAC/eQBIQsgDCAB/eYBIAL95AEhDCANIAH95gEgAv3kASENIA4gAf3mASAC/eQBIQ4gAEEBayIADQALIAMgBP3kASAF/eQBIAb95AEgB/3kASAI/eQBIAn95AEgCv3kASAL/eQBIAz95AEgDf3kASAO/eQB/R8ACw==';
const PEAK_ITERS = 1_000_000;

function peakCase() {
  return {
    group: 'SIMD128 peak',
    name: 'wasm f32x4 mul+add, 12 chains',
    peer: 'machine limit',
    work: PEAK_ITERS * 12 * 8, unit: 'GFLOP/s', scale: 1e9,
    async setup() {
      const bytes = Uint8Array.from(atob(PEAK_B64), (ch) => ch.charCodeAt(0));
      const { instance } = await WebAssembly.instantiate(bytes);
      const peak = instance.exports.peak;
      return () => peak(PEAK_ITERS);
    },
  };
}

// ---- SGEMM ----
let tfReady = null;
/** One TF.js wasm backend per page, with `threads` threads asked for (it may use fewer). */
function tfBackend(threads) {
  tfReady ??= (async () => {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': tfWasmUrl,
      'tfjs-backend-wasm-simd.wasm': tfSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': tfThreadedUrl,
    });
    setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to start');
    await tf.ready();
    return getThreadsCount();
  })();
  return tfReady;
}

const GEMM_SHAPES = [[64, 64, 64], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [1024, 1024, 64]];

function gemmCases([m, k, n]) {
  const group = `SGEMM ${m}x${k}x${n}`;
  const work = 2 * m * k * n;
  const common = { group, work, unit: 'GFLOP/s', scale: 1e9 };
  const inputs = () => ({ a: values(m * k, 1), b: values(k * n, 2) });
  const cases = [
    {
      ...common,
      name: 'katalyst sgemm (main thread; + compute worker in threads mode)',
      threads: ({ k }) => k.threads,
      async setup({ katalyst }) {
        const { a, b } = inputs();
        return () => katalyst.sgemm(a, b, m, k, n);
      },
    },
    {
      ...common,
      name: 'katalyst sgemm into opts.out (no result array allocated)',
      threads: ({ k }) => k.threads,
      async setup({ katalyst }) {
        const { a, b } = inputs();
        const out = new Float32Array(m * n);
        return () => katalyst.sgemm(a, b, m, k, n, { out });
      },
    },
    ...(m === 64 ? [{
      // Views 4 bytes off an 8-byte boundary: the bindings place their copies alike (`copies.rs`),
      // else V8 copies them into shared memory (the threads page) byte by byte.
      ...common,
      name: 'katalyst sgemm, arrays 4 bytes off an 8-byte boundary',
      threads: ({ k }) => k.threads,
      async setup({ katalyst }) {
        const a = values(m * k + 1, 1).subarray(1), b = values(k * n + 1, 2).subarray(1);
        return () => katalyst.sgemm(a, b, m, k, n);
      },
    }] : []),
    {
      ...common,
      name: 'katalyst PackedMatrix.multiply (B reused; + compute worker in threads mode)',
      threads: ({ k }) => k.threads,
      async setup({ katalyst }) {
        const { a, b } = inputs();
        const packed = new katalyst.PackedMatrix(b, k, n);
        return { run: () => packed.multiply(a, m), teardown: () => packed.free() };
      },
    },
    {
      ...common,
      name: 'katalyst PackedMatrix.multiply into opts.out (B reused, no result array allocated)',
      threads: ({ k }) => k.threads,
      async setup({ katalyst }) {
        const { a, b } = inputs();
        const packed = new katalyst.PackedMatrix(b, k, n);
        const out = new Float32Array(m * n);
        return { run: () => packed.multiply(a, m, { out }), teardown: () => packed.free() };
      },
    },
    {
      ...common,
      name: 'katalyst k.async.sgemm (worker pool)',
      modes: ['threads'],
      usesThreads: true,
      async setup({ k: handle }) {
        const { a, b } = inputs();
        return () => handle.async.sgemm(a, b, m, k, n);
      },
    },
    {
      ...common,
      name: 'tfjs-wasm matMul, B reused (upload A, read C)',
      peer: TF,
      threads: ({ threads }) => threads,
      async setup({ mode, threads }) {
        const used = await tfBackend(mode === 'threads' ? threads : 1);
        const { a, b } = inputs();
        const bt = tf.tensor2d(b, [k, n]);
        const run = () => {
          const at = tf.tensor2d(a, [m, k]);
          const ct = tf.matMul(at, bt);
          const out = ct.dataSync();
          at.dispose();
          ct.dispose();
          return out;
        };
        return { run, info: { tfThreads: used }, teardown: () => bt.dispose() };
      },
    },
    {
      ...common,
      name: 'tfjs-wasm matMul, fresh B each call',
      peer: TF,
      threads: ({ threads }) => threads,
      async setup({ mode, threads }) {
        const used = await tfBackend(mode === 'threads' ? threads : 1);
        const { a, b } = inputs();
        const run = () => {
          const at = tf.tensor2d(a, [m, k]);
          const bt = tf.tensor2d(b, [k, n]);
          const ct = tf.matMul(at, bt);
          const out = ct.dataSync();
          at.dispose();
          bt.dispose();
          ct.dispose();
          return out;
        };
        return { run, info: { tfThreads: used } };
      },
    },
  ];
  // ml-matrix (f64, plain JS) needs about a second per 1024³ product: measured up to 512³.
  if (m * k * n <= 512 ** 3) {
    cases.push({
      ...common,
      name: 'ml-matrix mmul (f64)',
      peer: ML_MATRIX,
      async setup() {
        const { a, b } = inputs();
        const am = new Matrix(m, k);
        const bm = new Matrix(k, n);
        for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) am.set(i, j, a[i * k + j]);
        for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) bm.set(i, j, b[i * n + j]);
        return () => am.mmul(bm);
      },
    });
  }
  return cases;
}

// ---- FFT ----
const COMPLEX_SIZES = [1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15, 1 << 16];
const PRIME_SIZE = 1009;
const REAL_SIZES = [1 << 10, 1 << 12, 1 << 14, 1 << 16];

let pffftModule = null;
const pffft = () => (pffftModule ??= PFFFT());
const PFFFT_REAL = 0, PFFFT_COMPLEX = 1, PFFFT_FORWARD = 0, PFFFT_BACKWARD = 1;

/**
 * pffft over buffers in its heap. `copy`: 'new' adds the JS → heap → new JS array copies
 * `katalyst.fft(x)` does, 'into' copies into a preallocated array as `fft(x, { out })` does,
 * false keeps the data in its heap. `direction`: PFFFT_FORWARD, or PFFFT_BACKWARD (unscaled: pffft
 * leaves the 1/n to its caller).
 */
async function pffftRunner(n, kind, input, copy, direction = PFFFT_FORWARD) {
  const mod = await pffft();
  const floats = kind === PFFFT_COMPLEX ? 2 * n : n;
  const setup = mod._pffft_new_setup(n, kind);
  if (!setup) throw new Error(`pffft cannot do n = ${n}`);
  const inPtr = mod._pffft_aligned_malloc(floats * 4);
  const outPtr = mod._pffft_aligned_malloc(floats * 4);
  const work = mod._pffft_aligned_malloc(floats * 4);
  mod.HEAPF32.set(input, inPtr >> 2);
  const teardown = () => {
    mod._pffft_aligned_free(inPtr);
    mod._pffft_aligned_free(outPtr);
    mod._pffft_aligned_free(work);
    mod._pffft_destroy_setup(setup);
  };
  const dst = new Float32Array(floats);
  const runs = {
    new: () => {
      mod.HEAPF32.set(input, inPtr >> 2);
      mod._pffft_transform_ordered(setup, inPtr, outPtr, work, direction);
      return mod.HEAPF32.slice(outPtr >> 2, (outPtr >> 2) + floats);
    },
    into: () => {
      mod.HEAPF32.set(input, inPtr >> 2);
      mod._pffft_transform_ordered(setup, inPtr, outPtr, work, direction);
      dst.set(mod.HEAPF32.subarray(outPtr >> 2, (outPtr >> 2) + floats));
      return dst;
    },
  };
  const run = copy ? runs[copy] : () => mod._pffft_transform_ordered(setup, inPtr, outPtr, work, direction);
  return { run, teardown };
}

/**
 * An `FftPlan` whose input is written once and transformed in place, the counterpart of pffft's
 * "data kept in its heap" (our transforms clobber their input, but its values do not change
 * the time).
 */
function planRunner(katalyst, n, opts, input) {
  const plan = new katalyst.FftPlan(n, opts);
  plan.input.set(input);
  return { run: () => plan.run(), teardown: () => plan.free() };
}

function complexFftCases(n) {
  const group = `FFT complex ${n}`;
  const common = { group, work: 5 * n * Math.log2(n), unit: 'GFLOP/s (5n·log2 n)', scale: 1e9 };
  const cases = [
    {
      ...common,
      name: 'katalyst fft (new array)',
      async setup({ katalyst }) {
        const x = values(2 * n, 3);
        return () => katalyst.fft(x);
      },
    },
    {
      ...common,
      name: 'katalyst fft into opts.out',
      async setup({ katalyst }) {
        const x = values(2 * n, 3);
        const out = new Float32Array(2 * n);
        return () => katalyst.fft(x, { out });
      },
    },
  ];
  if (n !== PRIME_SIZE) {
    cases.push({
      ...common,
      name: 'katalyst FftPlan, data kept in wasm memory',
      setup: ({ katalyst }) => planRunner(katalyst, n, {}, values(2 * n, 3)),
    });
  }
  if (n === 1024) {
    // Views 4 bytes off an 8-byte boundary: V8 copies them to and from shared memory (the
    // threads page) byte by byte unless the wasm side sits 4 bytes off too.
    cases.push({
      ...common,
      name: 'katalyst fft into opts.out, arrays 4 bytes off an 8-byte boundary',
      async setup({ katalyst }) {
        const x = values(2 * n + 1, 3).subarray(1);
        const out = new Float32Array(2 * n + 1).subarray(1);
        return () => katalyst.fft(x, { out });
      },
    });
  }
  if (n === PRIME_SIZE) return cases; // no peer here handles prime lengths
  cases.push(
    {
      ...common,
      name: 'pffft-wasm, copy in + new array out',
      peer: PFFFT_PEER,
      setup: () => pffftRunner(n, PFFFT_COMPLEX, values(2 * n, 3), 'new'),
    },
    {
      ...common,
      name: 'pffft-wasm, copy in + into preallocated array',
      peer: PFFFT_PEER,
      setup: () => pffftRunner(n, PFFFT_COMPLEX, values(2 * n, 3), 'into'),
    },
    {
      ...common,
      name: 'pffft-wasm, data kept in its heap',
      peer: PFFFT_PEER,
      setup: () => pffftRunner(n, PFFFT_COMPLEX, values(2 * n, 3), false),
    },
    {
      ...common,
      name: 'fft.js transform (f64)',
      peer: FFTJS,
      async setup() {
        const f = new FFT(n);
        const x = f.createComplexArray();
        values(2 * n, 3).forEach((v, i) => { x[i] = v; });
        const out = f.createComplexArray();
        return () => f.transform(out, x);
      },
    },
  );
  return cases;
}

function realFftCases(n) {
  const group = `FFT real ${n}`;
  const common = { group, work: 2.5 * n * Math.log2(n), unit: 'GFLOP/s (2.5n·log2 n)', scale: 1e9 };
  return [
    {
      ...common,
      name: 'katalyst rfft (new array)',
      async setup({ katalyst }) {
        const x = values(n, 4);
        return () => katalyst.rfft(x);
      },
    },
    {
      ...common,
      name: 'katalyst rfft into opts.out',
      async setup({ katalyst }) {
        const x = values(n, 4);
        const out = new Float32Array(2 * (n / 2 + 1));
        return () => katalyst.rfft(x, { out });
      },
    },
    {
      ...common,
      name: 'katalyst fft into opts.out, complex of the same n (bar: rfft ≤ 0.6× this)',
      async setup({ katalyst }) {
        const x = values(2 * n, 4);
        const out = new Float32Array(2 * n);
        return () => katalyst.fft(x, { out });
      },
    },
    {
      ...common,
      name: 'katalyst FftPlan real, data kept in wasm memory',
      setup: ({ katalyst }) => planRunner(katalyst, n, { real: true }, values(n, 4)),
    },
    // The complex plan again, here: interleaved with the real one in the same page, the ratio
    // escapes the page-to-page spread (5–10 %) between this group and the complex one.
    {
      ...common,
      name: 'katalyst FftPlan complex of the same n, data kept in wasm memory (bar: FftPlan real ≤ 0.6× this)',
      setup: ({ katalyst }) => planRunner(katalyst, n, {}, values(2 * n, 4)),
    },
    {
      ...common,
      name: 'pffft-wasm real, copy in + into preallocated array',
      peer: PFFFT_PEER,
      setup: () => pffftRunner(n, PFFFT_REAL, values(n, 4), 'into'),
    },
    {
      ...common,
      name: 'katalyst irfft into opts.out',
      async setup({ katalyst }) {
        const spectrum = values(n + 2, 6);
        const out = new Float32Array(n);
        return () => katalyst.irfft(spectrum, n, { out });
      },
    },
    {
      ...common,
      name: 'katalyst FftPlan real inverse, data kept in wasm memory',
      setup: ({ katalyst }) => planRunner(katalyst, n, { real: true, inverse: true }, values(n + 2, 6)),
    },
    {
      ...common,
      name: 'pffft-wasm real backward (unscaled), copy in + into preallocated array',
      peer: PFFFT_PEER,
      setup: () => pffftRunner(n, PFFFT_REAL, values(n, 6), 'into', PFFFT_BACKWARD),
    },
    {
      ...common,
      name: 'fft.js realTransform (f64)',
      peer: FFTJS,
      async setup() {
        const f = new FFT(n);
        const x = Array.from(values(n, 4));
        const out = f.createComplexArray();
        return () => f.realTransform(out, x);
      },
    },
  ];
}

// ---- k-means: n = 100 000, d = 16, k = 16, fixed initial centroids, 20 iterations ----
const KM = { n: 100_000, d: 16, k: 16, iters: 20 };

function kmeansCases() {
  const group = `k-means ${KM.n}x${KM.d} k=${KM.k}, ${KM.iters} iterations`;
  const common = { group, work: KM.iters, unit: 'iterations/s', scale: 1 };
  // Uniform data: Lloyd does not settle within 20 iterations, so every library runs all 20
  // (the `iterations` info of each case confirms it).
  const data = () => values(KM.n * KM.d, 5).map((v) => v + 0.5);
  const init = (x) => x.slice(0, KM.k * KM.d);
  const opts = (x) => ({ init: init(x), maxIter: KM.iters, tol: 0 });
  return [
    {
      ...common,
      name: 'katalyst kmeans (main thread; + compute worker in threads mode)',
      threads: ({ k }) => k.threads,
      async setup({ katalyst }) {
        const x = data();
        const o = opts(x);
        const probe = katalyst.kmeans(x, KM.n, KM.d, KM.k, o);
        return { run: () => katalyst.kmeans(x, KM.n, KM.d, KM.k, o), info: { iterations: probe.iterations } };
      },
    },
    {
      ...common,
      name: 'katalyst k.async.kmeans (worker pool)',
      modes: ['threads'],
      usesThreads: true,
      async setup({ k: handle }) {
        const x = data();
        const o = opts(x);
        return () => handle.async.kmeans(x, KM.n, KM.d, KM.k, o);
      },
    },
    {
      ...common,
      name: 'ml-kmeans (f64 arrays)',
      peer: ML_KMEANS,
      async setup() {
        const x = data();
        const rows = Array.from({ length: KM.n }, (_, i) => Array.from(x.subarray(i * KM.d, (i + 1) * KM.d)));
        const initialization = rows.slice(0, KM.k).map((r) => r.slice());
        const o = { initialization, maxIterations: KM.iters, tolerance: 0 };
        const probe = mlKmeans(rows, KM.k, o);
        return { run: () => mlKmeans(rows, KM.k, o), info: { iterations: probe.iterations } };
      },
    },
  ];
}

export default [
  peakCase(),
  ...GEMM_SHAPES.flatMap(gemmCases),
  ...[...COMPLEX_SIZES, PRIME_SIZE].flatMap(complexFftCases),
  ...REAL_SIZES.flatMap(realFftCases),
  ...kmeansCases(),
];
