/** Options of {@link sgemm}: `C = alpha·op(A)·op(B) + beta·C`. */
export interface GemmOptions {
  /** Use Aᵀ (`a` is stored k×m). */
  transA?: boolean;
  /** Use Bᵀ (`b` is stored n×k). */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of `c` (default 0; with 0, `c` is not read, as in BLAS). */
  beta?: number;
  /** The input C (m×n); absent means zeros. */
  c?: Float32Array;
  /**
   * A `Float32Array` of exactly m×n that receives the result and is returned: no new array is
   * allocated, which for small products costs about as much as the arithmetic (64³: 3 µs of
   * 20). It may be `c` itself (C ← αAB + βC in place). Untouched on error.
   * @example
   * const out = new Float32Array(64 * 64);
   * sgemm(a, b, 64, 64, 64, { out }); // returns `out`
   */
  out?: Float32Array;
}

/**
 * Row-major single-precision matrix product `alpha·op(A)·op(B) + beta·C` (m×n result).
 * Throws `RangeError` (with `code`) when a length does not match its dimensions or the result
 * cannot fit in memory, `TypeError` for arguments of the wrong kind.
 * @example
 * sgemm(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6]), 2, 2, 1); // Float32Array [17, 39]
 */
export declare function sgemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts?: GemmOptions): Float32Array;

/** Options of the {@link PackedMatrix} constructor. */
export interface PackOptions {
  /** `b` is stored n×k and `op(B) = Bᵀ`. */
  transB?: boolean;
}

/** Options of {@link PackedMatrix.multiply}: like {@link GemmOptions} without `transB`. */
export interface MultiplyOptions {
  /** Use Aᵀ (`a` is stored k×m). */
  transA?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of `c` (default 0). */
  beta?: number;
  /** The input C (m×n). */
  c?: Float32Array;
  /** As {@link GemmOptions.out}: a `Float32Array` of m×n that receives the result. */
  out?: Float32Array;
}

/**
 * A right-hand matrix `op(B)` (k×n) packed once into the GEMM kernel's panel layout, for
 * repeated products that skip re-packing B (weights, a fixed basis, …). Call `free()` when done.
 * @example
 * const w = new PackedMatrix(new Float32Array([1, 2, 3, 4]), 2, 2);
 * w.multiply(new Float32Array([1, 0]), 1); // Float32Array [1, 2]
 * w.multiply(new Float32Array([0, 1, 1, 1]), 2); // Float32Array [3, 4, 4, 6]
 * w.free();
 */
export declare class PackedMatrix {
  /**
   * Packs `b` (k×n row-major, or n×k with `{ transB: true }`).
   * @example new PackedMatrix(new Float32Array(6), 3, 2, { transB: true });
   */
  constructor(b: Float32Array, k: number, n: number, opts?: PackOptions);
  /**
   * `alpha·op(A)·B + beta·C` for `op(A)` m×k; returns the m×n product.
   * @example w.multiply(a, 128, { alpha: 0.5 });
   */
  multiply(a: Float32Array, m: number, opts?: MultiplyOptions): Float32Array;
  /** Rows of `op(B)`. @example w.k; // 2 */
  readonly k: number;
  /** Columns of `op(B)`. @example w.n; // 2 */
  readonly n: number;
  /** Releases the wasm memory. @example w.free(); */
  free(): void;
}

/** Options of {@link rfft}, {@link rfftBatch} and {@link irfft}. */
export interface FftOutOptions {
  /**
   * A `Float32Array` of exactly the result's length that receives the result and is returned
   * (no new array is allocated — most of the cost of small transforms). Untouched on error.
   */
  out?: Float32Array;
}

/** Options of {@link fft}, {@link fftBatch} and {@link fft2}. */
export interface FftOptions extends FftOutOptions {
  /** Inverse transform, scaled by 1/n (NumPy's `ifft`). Default false. */
  inverse?: boolean;
}

/**
 * Complex DFT of `data.length / 2` points, interleaved `re, im`; any length ≥ 1, primes
 * included. Forward is unnormalised, inverse scales by 1/n (NumPy conventions).
 * @example
 * fft(new Float32Array([1, 0, 0, 0, 0, 0, 0, 0])); // Float32Array [1, 0, 1, 0, 1, 0, 1, 0]
 * fft(spectrum, { inverse: true });
 * const out = new Float32Array(2048); fft(signal1024, { out }); // reuses `out`
 */
export declare function fft(data: Float32Array, opts?: FftOptions): Float32Array;

/**
 * Complex DFTs of every `n`-point row of `data` (rows·2n floats, interleaved); parallel in the
 * threads build.
 * @example
 * fftBatch(new Float32Array(2 * 64 * 1024), 1024); // 64 transforms of 1024 points
 */
export declare function fftBatch(data: Float32Array, n: number, opts?: FftOptions): Float32Array;

/**
 * 2-D DFT of a row-major `rows × cols` complex grid (interleaved); the inverse scales by
 * 1/(rows·cols), as NumPy's `ifft2`.
 * @example
 * fft2(new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]), 2, 2); // Float32Array [1, 0, 1, 0, 1, 0, 1, 0]
 */
export declare function fft2(data: Float32Array, rows: number, cols: number, opts?: FftOptions): Float32Array;

/**
 * DFT of a real signal: the `n/2 + 1` non-negative-frequency bins, interleaved `re, im`
 * (NumPy's `rfft`).
 * @example
 * rfft(new Float32Array([1, 2, 3, 4])); // Float32Array [10, 0, -2, 2, -2, 0]
 */
export declare function rfft(signal: Float32Array, opts?: FftOutOptions): Float32Array;

/**
 * Real DFTs of every `n`-sample row of `signals`: rows × (n/2+1) bins, interleaved.
 * @example
 * rfftBatch(new Float32Array([1, 1, 1, -1]), 2); // Float32Array [2, 0, 0, 0, 0, 0, 2, 0]
 */
export declare function rfftBatch(signals: Float32Array, n: number, opts?: FftOutOptions): Float32Array;

/**
 * Inverse of {@link rfft}: `n` real samples from `n/2 + 1` interleaved bins, scaled by 1/n.
 * The imaginary parts of bin 0 (and bin n/2 for even n) are ignored, as in NumPy's `irfft`.
 * @example
 * irfft(new Float32Array([10, 0, -2, 2, -2, 0]), 4); // Float32Array [1, 2, 3, 4]
 */
export declare function irfft(spectrum: Float32Array, n: number, opts?: FftOutOptions): Float32Array;

/** Options of the {@link FftPlan} constructor. */
export interface FftPlanOptions {
  /** A real transform: n samples ↔ n/2 + 1 interleaved bins (default false: complex). */
  real?: boolean;
  /** The inverse transform, scaled by 1/n (default false). */
  inverse?: boolean;
}

/**
 * One transform of fixed length whose input and output live in wasm memory: write `input`,
 * call `run()`, read `output`. Nothing is copied across the boundary or allocated per run, so
 * this is the fastest way to transform many signals of one length (audio frames, a
 * spectrogram), most of all in the threads build, where copies into its shared memory cost
 * twice as much. Same results and conventions as {@link fft}, {@link rfft} and {@link irfft}.
 *
 * `input` and `output` are views of wasm memory: `run()` uses `input` as scratch (write it
 * again before the next run), and a view kept from before a call that grew memory may be
 * detached (length 0) in the single-thread build — read `plan.input` / `plan.output` again
 * rather than keeping them across other Katalyst calls. Call `free()` when done; views kept
 * past `free()` point at memory that is reused.
 * @example
 * const plan = new FftPlan(4, { real: true });
 * plan.input.set([1, 2, 3, 4]);
 * plan.run(); // Float32Array [10, 0, -2, 2, -2, 0] (the same view as plan.output)
 * plan.free();
 */
export declare class FftPlan {
  /**
   * A plan for `n` ≥ 1 points (any length, as {@link fft}). Throws `RangeError` for a bad or
   * too large `n`, `TypeError` for options of the wrong kind.
   * @example new FftPlan(1024); // complex, forward
   * @example new FftPlan(1024, { real: true, inverse: true }); // 513 bins in, 1024 samples out
   */
  constructor(n: number, opts?: FftPlanOptions);
  /**
   * The input: 2n floats (complex, interleaved `re, im`), n samples (real), or 2·(n/2 + 1)
   * floats (real inverse). @example plan.input.set(frame);
   */
  readonly input: Float32Array;
  /**
   * The last result: 2n floats (complex), 2·(n/2 + 1) (real), or n (real inverse); zeros
   * before the first run. @example const spectrum = plan.output;
   */
  readonly output: Float32Array;
  /**
   * Transforms `input` (clobbered) into `output` and returns `output`.
   * @example plan.input.set(frame); const bins = plan.run();
   */
  run(): Float32Array;
  /** Points per transform. @example plan.n; // 1024 */
  readonly n: number;
  /** Whether the plan is a real transform. @example plan.real; // true */
  readonly real: boolean;
  /** Whether the plan is an inverse transform. @example plan.inverse; // false */
  readonly inverse: boolean;
  /** Releases the wasm memory; `input` and `output` must not be used after. @example plan.free(); */
  free(): void;
}

/**
 * The instruction set of the FFT planner: `'wasm_simd'` in both wasm builds.
 * @example fftBackend(); // 'wasm_simd'
 */
export declare function fftBackend(): 'wasm_simd' | 'avx' | 'sse' | 'neon' | 'scalar';

/** Options of {@link kmeans}; defaults follow scikit-learn. */
export interface KmeansOptions {
  /** `'kmeans++'` (greedy, default), `'random'`, or k×d initial centroids (then one run). */
  init?: 'kmeans++' | 'random' | Float32Array;
  /** Most Lloyd iterations per run (integer 1 … 1 000 000, default 300). */
  maxIter?: number;
  /** Stop when the summed squared centroid shift ≤ tol × mean feature variance (default 1e-4). */
  tol?: number;
  /** Seed of the initialisation (integer ≥ 0, default 0); results are deterministic for a seed. */
  seed?: number;
  /** Independent runs; the lowest inertia wins (integer 1 … 1000, default 1). */
  nInit?: number;
}

/** The result of {@link kmeans}. */
export interface KmeansResult {
  /** k×d row-major. */
  centroids: Float32Array;
  /** The cluster of each point. */
  labels: Uint32Array;
  /** Sum of squared distances of points to their centroid (computed in f64). */
  inertia: number;
  /** Lloyd iterations of the returned run. */
  iterations: number;
}

/**
 * k-means of `n` points of dimension `d` (row-major `data`) into `k ≤ n` clusters; Lloyd
 * iterations stop when labels no longer change, the centroid shift is within `tol`, or after
 * `maxIter`. Throws `RangeError` (with `code`) for mismatched lengths, zero dimensions,
 * `k > n` (`k_exceeds_n`), NaN/±Infinity in `data` or `init` (`not_finite`), options out of
 * range, and data too large for memory (`too_large`); `TypeError` for wrong kinds.
 * @example
 * const { labels, centroids } = kmeans(points, 100_000, 16, 16, { seed: 42, nInit: 3 });
 * kmeans(new Float32Array([0, 0, 0.1, 0, 10, 10, 10.1, 10]), 4, 2, 2).labels; // Uint32Array [a, a, b, b]
 */
export declare function kmeans(data: Float32Array, n: number, d: number, k: number, opts?: KmeansOptions): KmeansResult;
