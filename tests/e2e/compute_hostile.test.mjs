// Generated calls to the compute API through the package (st build, Node): well-formed calls
// must equal an f64 reference, and a call with one bad argument must throw a coded
// TypeError/RangeError naming that argument, leave `opts.out` and `opts.c` untouched and the
// module working. Deterministic: a fixed seed per test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dft, assertClose } from './lib/reference.mjs';

const pkg = new URL('../../dist/pkg/', import.meta.url);
const katalyst = await import(new URL('index.js', pkg));
katalyst.initSync({ module: readFileSync(new URL('st/katalyst_bg.wasm', pkg)) });

/** A seeded generator (LCG) with the helpers the tests draw from. */
function draws(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (xs) => xs[int(0, xs.length - 1)];
  const floats = (n) => Float32Array.from({ length: n }, () => next() * 2 - 1);
  return { next, int, pick, floats };
}

// Values each kind of argument must refuse.
const BAD = {
  dim: [0, -3, 2.5, NaN, Infinity, 2 ** 32, '4', null, true],
  seed: [-1, 2.5, NaN, 2 ** 53, '7', null],
  bool: [1, 0, 'true', null, {}],
  number: ['2', NaN, Infinity, -Infinity, null, {}],
  opts: [5, 'opts', true],
  array: (len) => [undefined, null, 1, 'x', [0, 1], new Float64Array(len), new Int32Array(len)],
};

/**
 * One call with at most one bad argument. `slots` are [name, kind, good value] (name as the
 * message names it: 'm', 'opts.alpha', …); with probability `p` one slot gets a bad value of its
 * kind. Returns the arguments by name and the name of the bad slot, or null.
 */
function spoil(g, slots, p) {
  const args = Object.fromEntries(slots.map(([name, , good]) => [name, good]));
  if (g.next() >= p) return { args, bad: null };
  const [name, kind, good] = g.pick(slots);
  const pool = kind === 'array' ? BAD.array(good.length) : kind === 'length' ? [new Float32Array(good.length + 1)] : BAD[kind];
  args[name] = g.pick(pool);
  return { args, bad: name };
}

/** The options object from `args`' `opts.*` entries (absent when none), or a bad `opts` itself. */
function options(args) {
  if ('opts' in args) return args.opts;
  const o = {};
  for (const [name, v] of Object.entries(args)) if (name.startsWith('opts.') && v !== undefined) o[name.slice(5)] = v;
  return Object.keys(o).length ? o : undefined;
}

/** Runs `call`; on a bad slot checks the error and that `kept` arrays did not change. */
function expectOutcome(call, bad, kept, what) {
  const before = kept.map((a) => Float32Array.from(a));
  let result;
  try {
    result = call();
  } catch (e) {
    assert.ok(bad !== null, `${what}: a well-formed call threw ${e}`);
    assert.ok(e instanceof TypeError || e instanceof RangeError, `${what}: ${e} is not a TypeError/RangeError`);
    assert.equal(typeof e.code, 'string', `${what}: ${e.message} has no code`);
    const named = bad.replace('.', '\\.');
    assert.match(e.message, new RegExp(`'${named}'|(^|[ :])${named}:`), `${what}: the message does not name ${bad}`);
    kept.forEach((a, i) => assert.deepEqual(a, before[i], `${what}: an array changed on error`));
    return null;
  }
  assert.equal(bad, null, `${what}: accepted bad ${bad}`);
  return result;
}

/** C = alpha·op(A)·op(B) + beta·C in f64. */
function gemmRef(a, b, m, k, n, { transA = false, transB = false, alpha = 1, beta = 0, c } = {}) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = alpha * s + (beta !== 0 && c ? beta * c[i * n + j] : 0);
    }
  }
  return out;
}

const complexOf = (real) => Float32Array.from({ length: 2 * real.length }, (_, i) => (i % 2 ? 0 : real[i / 2]));

test('sgemm: generated shapes and options against an f64 GEMM; one bad argument is refused by name', () => {
  const g = draws(1);
  for (let it = 0; it < 600; it++) {
    const [m, k, n] = [g.int(1, 24), g.int(1, 24), g.int(1, 24)];
    const transA = g.next() < 0.5;
    const transB = g.next() < 0.5;
    const a = g.floats(m * k);
    const b = g.floats(k * n);
    const slots = [['a', 'array', a], ['b', 'array', b], ['m', 'dim', m], ['k', 'dim', k], ['n', 'dim', n]];
    if (g.next() < 0.5) slots.push(['opts.transA', 'bool', transA]);
    if (g.next() < 0.5) slots.push(['opts.transB', 'bool', transB]);
    if (g.next() < 0.4) slots.push(['opts.alpha', 'number', g.next() * 4 - 2]);
    if (g.next() < 0.4) slots.push(['opts.beta', 'number', g.next() * 2 - 1], ['opts.c', 'length', g.floats(m * n)]);
    if (g.next() < 0.4) slots.push(['opts.out', 'length', g.floats(m * n)]);
    if (slots.length === 5 && g.next() < 0.2) slots.push(['opts', 'opts', undefined]);
    const { args, bad } = spoil(g, slots, 0.35);
    const opts = options(args);
    if (bad === null && opts?.c && g.next() < 0.25) opts.out = opts.c; // in place
    const kept = [opts?.out, opts?.c].filter((x) => x instanceof Float32Array);
    const want = bad === null ? gemmRef(a, b, m, k, n, opts) : null;
    const got = expectOutcome(() => katalyst.sgemm(args.a, args.b, args.m, args.k, args.n, opts), bad, kept, `sgemm #${it}`);
    if (got === null) continue;
    if (opts?.out) assert.equal(got, opts.out, `sgemm #${it}: opts.out returned`);
    assertClose(got, want, `sgemm #${it} ${m}×${k}×${n}`, 1e-5 * (k + 1));
  }
});

test('PackedMatrix: generated products against an f64 GEMM; one bad argument is refused by name', () => {
  const g = draws(2);
  for (let it = 0; it < 300; it++) {
    const [m, k, n] = [g.int(1, 20), g.int(1, 20), g.int(1, 20)];
    const transB = g.next() < 0.5;
    const b = g.floats(k * n);
    const packed = new katalyst.PackedMatrix(b, k, n, { transB });
    try {
      const a = g.floats(m * k);
      const slots = [['a', 'array', a], ['m', 'dim', m], ['opts.transA', 'bool', g.next() < 0.5]];
      if (g.next() < 0.5) slots.push(['opts.alpha', 'number', g.next() * 2]);
      if (g.next() < 0.5) slots.push(['opts.beta', 'number', g.next()], ['opts.c', 'length', g.floats(m * n)]);
      if (g.next() < 0.5) slots.push(['opts.out', 'length', g.floats(m * n)]);
      const { args, bad } = spoil(g, slots, 0.35);
      const opts = options(args);
      const kept = [opts?.out, opts?.c].filter((x) => x instanceof Float32Array);
      const want = bad === null ? gemmRef(a, b, m, k, n, { ...opts, transB }) : null;
      const got = expectOutcome(() => packed.multiply(args.a, args.m, opts), bad, kept, `multiply #${it}`);
      if (got !== null) assertClose(got, want, `multiply #${it} ${m}×${k}×${n}`, 1e-5 * (k + 1));
    } finally {
      packed.free();
    }
  }
});

test('fft, rfft, irfft: generated lengths against a direct DFT; one bad argument is refused by name', () => {
  const g = draws(3);
  const lengths = [1, 2, 3, 4, 5, 7, 8, 12, 16, 31, 32, 37, 64, 97, 128, 250];
  for (let it = 0; it < 500; it++) {
    const n = g.pick(lengths);
    const which = g.pick(['fft', 'rfft', 'irfft']);
    const bins = 2 * (Math.floor(n / 2) + 1);
    if (which === 'fft') {
      const data = g.floats(2 * n);
      const inverse = g.next() < 0.5;
      const slots = [['data', 'array', data], ['opts.inverse', 'bool', inverse]];
      if (g.next() < 0.5) slots.push(['opts.out', 'length', new Float32Array(2 * n)]);
      const { args, bad } = spoil(g, slots, 0.3);
      const opts = options(args);
      const got = expectOutcome(() => katalyst.fft(args.data, opts), bad, opts?.out ? [opts.out] : [], `fft #${it}`);
      if (got !== null) assertClose(got, dft(data, inverse), `fft ${n}`, 1e-5 * Math.log2(2 * n));
    } else if (which === 'rfft') {
      const signal = g.floats(n);
      const slots = [['signal', 'array', signal]];
      if (g.next() < 0.5) slots.push(['opts.out', 'length', new Float32Array(bins)]);
      const { args, bad } = spoil(g, slots, 0.3);
      const opts = options(args);
      const got = expectOutcome(() => katalyst.rfft(args.signal, opts), bad, opts?.out ? [opts.out] : [], `rfft #${it}`);
      if (got !== null) assertClose(got, dft(complexOf(signal)).slice(0, bins), `rfft ${n}`, 1e-5 * Math.log2(2 * n));
    } else {
      // The spectrum of a real signal, so that irfft must give the signal back.
      const signal = g.floats(n);
      const spectrum = Float32Array.from(dft(complexOf(signal)).slice(0, bins));
      const slots = [['spectrum', 'array', spectrum], ['n', 'dim', n]];
      if (g.next() < 0.5) slots.push(['opts.out', 'length', new Float32Array(n)]);
      const { args, bad } = spoil(g, slots, 0.3);
      const opts = options(args);
      const got = expectOutcome(() => katalyst.irfft(args.spectrum, args.n, opts), bad, opts?.out ? [opts.out] : [], `irfft #${it}`);
      if (got !== null) assertClose(got, signal, `irfft ${n}`, 1e-5 * Math.log2(2 * n));
    }
  }
});

test('fft2 and fftBatch: generated grids against row and column DFTs; one bad argument is refused by name', () => {
  const g = draws(4);
  for (let it = 0; it < 200; it++) {
    const [rows, cols] = [g.int(1, 9), g.int(1, 9)];
    const data = g.floats(2 * rows * cols);
    const inverse = g.next() < 0.5;
    const rowDfts = new Float64Array(2 * rows * cols);
    for (let r = 0; r < rows; r++) rowDfts.set(dft(data.subarray(2 * r * cols, 2 * (r + 1) * cols), inverse), 2 * r * cols);
    if (g.next() < 0.5) {
      const { args, bad } = spoil(g, [['data', 'array', data], ['n', 'dim', cols], ['opts.inverse', 'bool', inverse]], 0.3);
      const got = expectOutcome(() => katalyst.fftBatch(args.data, args.n, options(args)), bad, [], `fftBatch #${it}`);
      if (got !== null) assertClose(got, rowDfts, `fftBatch ${rows}×${cols}`, 1e-5 * 8);
      continue;
    }
    const grid = new Float64Array(2 * rows * cols);
    for (let c = 0; c < cols; c++) {
      const column = new Float64Array(2 * rows);
      for (let r = 0; r < rows; r++) column.set(rowDfts.subarray(2 * (r * cols + c), 2 * (r * cols + c) + 2), 2 * r);
      const y = dft(column, inverse);
      for (let r = 0; r < rows; r++) grid.set(y.subarray(2 * r, 2 * r + 2), 2 * (r * cols + c));
    }
    const slots = [['data', 'array', data], ['rows', 'dim', rows], ['cols', 'dim', cols], ['opts.inverse', 'bool', inverse]];
    if (g.next() < 0.5) slots.push(['opts.out', 'length', new Float32Array(2 * rows * cols)]);
    const { args, bad } = spoil(g, slots, 0.3);
    const opts = options(args);
    const got = expectOutcome(() => katalyst.fft2(args.data, args.rows, args.cols, opts), bad, opts?.out ? [opts.out] : [], `fft2 #${it}`);
    if (got !== null) assertClose(got, grid, `fft2 ${rows}×${cols}`, 1e-5 * 8);
  }
});

test('kmeans: generated problems give consistent labels and inertia; one bad argument is refused by name', () => {
  const g = draws(5);
  for (let it = 0; it < 200; it++) {
    const [n, d] = [g.int(1, 40), g.int(1, 4)];
    const k = g.int(1, Math.min(n, 5));
    const data = g.floats(n * d);
    const slots = [['data', 'array', data], ['n', 'dim', n], ['d', 'dim', d], ['k', 'dim', k]];
    if (g.next() < 0.5) slots.push(['opts.seed', 'seed', g.int(0, 1000)]);
    if (g.next() < 0.5) slots.push(['opts.maxIter', 'dim', g.int(1, 20)]);
    if (g.next() < 0.3) slots.push(['opts.nInit', 'dim', g.int(1, 3)]);
    if (g.next() < 0.3) slots.push(['opts.tol', 'number', g.next() * 1e-3]);
    const { args, bad } = spoil(g, slots, 0.35);
    const opts = options(args);
    const got = expectOutcome(() => katalyst.kmeans(args.data, args.n, args.d, args.k, opts), bad, [], `kmeans #${it}`);
    if (got === null) continue;
    // Every label is a centroid index and the inertia is the labelled points' squared distances.
    assert.equal(got.labels.length, n);
    assert.equal(got.centroids.length, k * d);
    let inertia = 0;
    for (let i = 0; i < n; i++) {
      assert.ok(got.labels[i] < k, `kmeans #${it}: label ${got.labels[i]}`);
      for (let j = 0; j < d; j++) inertia += (data[i * d + j] - got.centroids[got.labels[i] * d + j]) ** 2;
    }
    assert.ok(Math.abs(got.inertia - inertia) <= 1e-4 * Math.max(1, inertia), `kmeans #${it}: inertia ${got.inertia} against ${inertia}`);
  }
});

test('the module still computes after the generated bad calls', () => {
  assert.deepEqual(Array.from(katalyst.sgemm(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2)), [19, 22, 43, 50]);
  assert.deepEqual(Array.from(katalyst.fft(new Float32Array([1, 0, 0, 0]))), [1, 0, 1, 0]);
});
