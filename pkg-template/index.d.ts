/**
 * Katalyst: compute, crypto, CRDTs and actors in WebAssembly.
 *
 * @example
 * import { init, sgemm, sha256 } from 'katalyst';
 * const k = await init();              // picks 'threads' or 'single'
 * const c = sgemm(a, b, m, k_, n);     // synchronous, on this thread
 * const d = await k.async.sgemm(a, b, m, k_, n); // off the main thread, parallel in 'threads'
 */
import type * as Compute from './types/compute.js';
import type * as Crypto from './types/crypto.js';
import type * as Crdt from './types/crdt.js';
import type { Actors, ActorsOptions } from './types/actor.js';

export * from './types/compute.js';
export * from './types/crypto.js';
export * from './types/crdt.js';
export * from './types/actor.js';

/** The package version. */
export declare const version: string;

/**
 * A domain failure with a stable `code` (`'not_initialized'`, `'unavailable'`,
 * `'threads_failed'`, …). Argument errors are `TypeError` / `RangeError`, which carry a `code` too.
 *
 * @example
 * try { await init({ mode: 'threads' }); }
 * catch (e) { if (e instanceof KatalystError && e.code === 'threads_unsupported') { ... } }
 */
export declare class KatalystError extends Error {
  constructor(code: string, message: string, options?: ErrorOptions);
  readonly name: 'KatalystError';
  readonly code: string;
}

/** Options of {@link init}. */
export interface InitOptions {
  /** `'auto'` (default) probes the engine; `'threads'` / `'single'` force a build. */
  mode?: 'auto' | 'threads' | 'single';
  /** Worker threads in threads mode; default `min(4, navigator.hardwareConcurrency)`. */
  threads?: number;
  /** Where to fetch each build's `.wasm` when not beside the package. */
  wasmUrl?: { single?: string | URL; threads?: string | URL };
  /** The actor runtime's workers and mailboxes (used when `k.actors` is first touched). */
  actors?: ActorsOptions;
}

type Functions<T> = { [K in keyof T as T[K] extends (...args: any[]) => any ? K : never]: T[K] };
type Api = typeof Compute & typeof Crypto & typeof Crdt;
type Promisified<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

/** Functions that can run off the main thread through `k.async`. */
export type AsyncFunctionName = Extract<
  keyof Functions<Api>,
  | 'sgemm' | 'fft' | 'rfft' | 'irfft' | 'fftBatch' | 'rfftBatch' | 'fft2' | 'kmeans'
  | 'sha256' | 'sha384' | 'sha512' | 'sha256Batch' | 'hmac' | 'verifyBatch'
>;

/** The handle {@link init} returns: the whole API, plus what build runs. */
export type Katalyst = Api & {
  /** Which build runs. */
  readonly mode: 'threads' | 'single';
  /** Threads parallel kernels use (1 in single mode). */
  readonly threads: number;
  readonly version: string;
  /**
   * How synchronous calls share work in threads mode: `helpedChunks` counts the items of
   * main-thread loops (`verifyBatch`) that the compute worker took (0 in single mode).
   * @example
   * k.verifyBatch(pks, msgs, sigs);
   * k.parallelStats(); // { threads: 2, helpedChunks: 131 }
   */
  parallelStats(): { threads: number; helpedChunks: number };
  /**
   * Off-main-thread variants (arguments are copied to the worker, results transferred back;
   * an `opts.out` receives the result when it arrives, as in the synchronous call).
   * @example const c = await k.async.sgemm(a, b, 512, 512, 512);
   */
  readonly async: Promisified<Pick<Functions<Api>, AsyncFunctionName>>;
  /**
   * The actor runtime; its workers start on first use. Throws `KatalystError` code
   * `'unavailable'` where it cannot run (no `Worker`, or no `Atomics.waitAsync` in threads mode).
   * @example
   * const counter = k.actors.spawn('counter');
   * await k.actors.call(counter, { add: 2 });
   */
  readonly actors: Actors;
  /** Stops the background workers; the synchronous API keeps working. */
  close(): Promise<void>;
};

/**
 * Loads the best build the engine supports and returns the handle. Later calls return the same
 * handle. Rejects with `KatalystError` code `'unsupported'` without WebAssembly SIMD, and with
 * `'threads_unsupported'` / `'threads_failed'` when `mode: 'threads'` was forced and cannot run.
 *
 * @example
 * const k = await init({ threads: 2 });
 * console.log(k.mode); // 'threads' when cross-origin isolated, else 'single'
 */
export declare function init(opts?: InitOptions): Promise<Katalyst>;

/**
 * Loads the single-thread build synchronously (Node 20+, workers).
 * @example
 * const k = initSync({ module: readFileSync('node_modules/katalyst/st/katalyst_bg.wasm') });
 */
export declare function initSync(opts: { module: BufferSource | WebAssembly.Module }): Katalyst;

/** Wasm exports this package does not re-export (loader plumbing). */
export declare const INTERNAL_EXPORTS: readonly string[];
/** Wasm exports this package re-exports. */
export declare const PUBLIC_EXPORTS: readonly string[];
