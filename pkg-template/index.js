// Katalyst: the loader and the public API. `init()` picks the threads (`mt`) or single-thread
// (`st`) build by probing the engine, and every export below forwards to the build in use.
import * as st from './st/katalyst.js';
import { KatalystError, deserializeError } from './errors.js';
import { hasSimd, probeThreads } from './probe.js';
import { startMtActors, startStActors, ActorExited } from './actors/index.js';

export { ActorExited };

export { KatalystError };
export { MUTATORS, SyncedReplica, syncOver, syncOverBroadcastChannel, syncOverPort } from './crdt-sync.js';

/** The package version. */
export const version = '__KATALYST_VERSION__';

const MODES = ['auto', 'threads', 'single'];
const MAX_THREADS = 256;

// Where the options sit in the arguments of the functions that take `opts.out`.
const OUT_OPTS_INDEX = { sgemm: 5, fft: 1, rfft: 1, irfft: 2, fftBatch: 2, rfftBatch: 2, fft2: 3 };

// Functions that also run off the main thread as `k.async.<name>(...)`.
const ASYNC_FUNCTIONS = [
  'sgemm', 'fft', 'rfft', 'irfft', 'fftBatch', 'rfftBatch', 'fft2', 'kmeans',
  'sha256', 'sha384', 'sha512', 'sha256Batch', 'hmac', 'verifyBatch',
];

let state = null; // { mod, wasm (its instance's exports), handle } once a build is running
let starting = null; // the first init()'s promise

function loaded() {
  if (state) return state.mod;
  throw new KatalystError(
    'not_initialized',
    'katalyst is not initialized: call `await init()` first (or `initSync({ module })` in Node)',
  );
}

function unavailable(name) {
  const where = state ? `the ${state.handle.mode} build of ` : '';
  return new KatalystError('unavailable', `${name} is not available in ${where}katalyst ${version}`);
}

function forward(name) {
  const fn = (...args) => {
    const f = loaded()[name];
    if (typeof f !== 'function') throw unavailable(name);
    return f(...args);
  };
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

function placeholderClass(name) {
  return class {
    constructor() {
      loaded();
      throw unavailable(name);
    }
  };
}

// ---- compute ----
export const sgemm = forward('sgemm');

// Single transforms with plain arguments (a Float32Array; opts absent, or an object whose `out`
// is absent or a Float32Array of the result's length and whose `inverse` is absent or a
// boolean) copy straight between the caller's arrays and the wasm heap: one call into wasm
// (two when the input is longer than any staged before) and no allocation per call, where the
// checked binding spends about 0.75 µs, a third of a 1024-point transform. Anything else takes
// the checked binding, which throws the precise error.
let heapView = null;
let heapShared = false;
/** A view of wasm memory reaching index `end`, remade only after the memory grew. */
function heap(end) {
  // Growth detaches an unshared buffer (length 0); a shared one keeps its old length.
  if (heapView === null || heapView.length < end) {
    heapView = new Float32Array(state.wasm.memory.buffer);
    heapShared = typeof SharedArrayBuffer === 'function' && heapView.buffer instanceof SharedArrayBuffer;
  }
  return heapView;
}

/**
 * Where in wasm memory to put a copy of `array` (0 or 1 floats past a cache line). V8 copies
 * to and from a SharedArrayBuffer (the threads build's memory) 8 bytes at a time only between
 * arrays aligned alike modulo 8 bytes, else byte by byte: 7× slower.
 */
function offset(array) {
  heap(0);
  return heapShared ? (array.byteOffset >>> 2) & 1 : 0;
}

// What `plainOpts` read from the last plain `opts` (module state, so a call allocates nothing).
let plainInverse = false;
let plainOut;

/** Whether `opts` is plain for a result of `len` floats; its fields are left in `plain*`. */
function plainOpts(opts, len, withInverse) {
  if (opts === undefined || opts === null) {
    plainInverse = false;
    plainOut = undefined;
    return true;
  }
  if (typeof opts !== 'object' || Array.isArray(opts)) return false;
  const { inverse = false, out } = opts;
  if (withInverse && typeof inverse !== 'boolean') return false;
  if (out !== undefined && !(out instanceof Float32Array && out.length === len)) return false;
  plainInverse = inverse;
  plainOut = out;
  return true;
}

// Where this thread's staged input starts and how many floats it holds: it only moves when a
// longer input is staged (`fftStage`), so shorter ones skip that call.
let stagedAt = 0;
let stagedLen = 0;

/**
 * Copies `input` to the staged input, `offset(input)` floats in, and returns that offset.
 * `caller`: the transform, for errors (0 `fft`, 1 `rfft`, 2 `irfft`).
 */
function stage(mod, caller, input) {
  const skip = offset(input);
  const end = skip + input.length;
  if (end > stagedLen) {
    const at = mod.fftStage(end, caller);
    if (at === 0) throw mod.fftStagedError();
    stagedAt = at;
    stagedLen = end;
  }
  heap(stagedAt + end).set(input, stagedAt + skip);
  return skip;
}

// The last result's view, reused while the result sits at the same index of the same heap
// view (a transform's output buffer only moves when it grows): `subarray` per call cost 0.05 µs.
let resultView = null;
let resultHeap = null;
let resultAt = -1;

/** The result at index `at` (0: the staged call failed) in `out`, or a new array. */
function result(mod, at, outLen, out) {
  if (at === 0) throw mod.fftStagedError();
  const h = heap(at + outLen);
  if (h !== resultHeap || at !== resultAt || resultView.length !== outLen) {
    resultView = h.subarray(at, at + outLen);
    resultHeap = h;
    resultAt = at;
  }
  if (out === undefined) return resultView.slice();
  out.set(resultView);
  return out;
}

export function fft(data, opts) {
  const mod = loaded();
  const len = data instanceof Float32Array ? data.length : 0;
  if (len === 0 || len % 2 !== 0 || !plainOpts(opts, len, true)) return mod.fft(data, opts);
  const out = plainOut;
  const skip = stage(mod, 0, data);
  return result(mod, mod.fftStaged(len, plainInverse, skip, out ? offset(out) : 0), len, out);
}

export function rfft(signal, opts) {
  const mod = loaded();
  const n = signal instanceof Float32Array ? signal.length : 0;
  const len = 2 * (Math.floor(n / 2) + 1);
  if (n === 0 || !plainOpts(opts, len, false)) return mod.rfft(signal, opts);
  const out = plainOut;
  const skip = stage(mod, 1, signal);
  return result(mod, mod.rfftStaged(n, skip, out ? offset(out) : 0), len, out);
}

export function irfft(spectrum, n, opts) {
  const mod = loaded();
  const plain = spectrum instanceof Float32Array && Number.isInteger(n) && n >= 1 && n <= 0xffffffff
    && spectrum.length === 2 * (Math.floor(n / 2) + 1);
  if (!plain || !plainOpts(opts, n, false)) return mod.irfft(spectrum, n, opts);
  const out = plainOut;
  const skip = stage(mod, 2, spectrum);
  return result(mod, mod.irfftStaged(n, spectrum.length, skip, out ? offset(out) : 0), n, out);
}

/**
 * The package's `FftPlan`: the wasm class, with `input` and `output` as `Float32Array` views of
 * its buffers in wasm memory (no copies across the boundary), remade only after the memory grew
 * (growth detaches an unshared memory's views; a shared memory's stay valid).
 */
function fftPlanClass(Wasm) {
  const FftPlan = class extends Wasm {
    #heap = null;
    #input = null;
    #output = null;
    #spans;

    constructor(n, opts) {
      super(n, opts);
      this.#spans = [this.inputIndex(), this.inputLength(), this.outputIndex(), this.outputLength()];
    }

    get input() {
      return this.#views().#input;
    }

    get output() {
      return this.#views().#output;
    }

    /** Transforms `input` (clobbered) into `output`, and returns `output`. */
    run() {
      this.#live();
      super.run(); // may grow memory (scratch on a first run), so the views come after
      return this.output;
    }

    free() {
      this.#heap = this.#input = this.#output = this.#spans = null;
      super.free();
    }

    #live() {
      if (this.#spans === null) throw new KatalystError('freed', 'FftPlan: this plan was freed');
    }

    #views() {
      this.#live();
      const [inAt, inLen, outAt, outLen] = this.#spans;
      const h = heap(Math.max(inAt + inLen, outAt + outLen));
      if (h !== this.#heap) {
        this.#input = h.subarray(inAt, inAt + inLen);
        this.#output = h.subarray(outAt, outAt + outLen);
        this.#heap = h;
      }
      return this;
    }
  };
  if (Symbol.dispose) FftPlan.prototype[Symbol.dispose] = FftPlan.prototype.free;
  return FftPlan;
}

export let FftPlan = placeholderClass('FftPlan');
export const fftBatch = forward('fftBatch');
export const rfftBatch = forward('rfftBatch');
export const fft2 = forward('fft2');
export const kmeans = forward('kmeans');
export const fftBackend = forward('fftBackend');
export let PackedMatrix = placeholderClass('PackedMatrix');
// ---- crypto ----
export const sha256 = forward('sha256');
export const sha384 = forward('sha384');
export const sha512 = forward('sha512');
export const sha256Batch = forward('sha256Batch');
export const hmac = forward('hmac');
export const hkdf = forward('hkdf');
export const verify = forward('verify');
export const verifyBatch = forward('verifyBatch');
export const timingSafeEqual = forward('timingSafeEqual');
export const randomBytes = forward('randomBytes');
export const randomUUID = forward('randomUUID');
export const uuidv7 = forward('uuidv7');
export const issueCsrfToken = forward('issueCsrfToken');
export const checkCsrfToken = forward('checkCsrfToken');
export const agentFingerprint = forward('agentFingerprint');
export const importPublicKey = forward('importPublicKey');
export const exportPublicKey = forward('exportPublicKey');
export let Hasher = placeholderClass('Hasher');
export let SigningKey = placeholderClass('SigningKey');
// ---- CRDTs ----
export let VClock = placeholderClass('VClock');
export let GCounter = placeholderClass('GCounter');
export let PNCounter = placeholderClass('PNCounter');
export let GSet = placeholderClass('GSet');
export let ORSet = placeholderClass('ORSet');
export let LWWRegister = placeholderClass('LWWRegister');
export let MVRegister = placeholderClass('MVRegister');
export let LWWMap = placeholderClass('LWWMap');
export let AgentState = placeholderClass('AgentState');

const FUNCTIONS = {
  sgemm, fft, rfft, irfft, fftBatch, rfftBatch, fft2, kmeans, fftBackend,
  sha256, sha384, sha512, sha256Batch, hmac, hkdf, verify, verifyBatch, timingSafeEqual,
  randomBytes, randomUUID, uuidv7, issueCsrfToken, checkCsrfToken, agentFingerprint,
  importPublicKey, exportPublicKey,
};

/** Points the exported classes at the running build (ES module bindings are live). */
function bindClasses(mod) {
  const pick = (name) => mod[name] ?? placeholderClass(name);
  PackedMatrix = pick('PackedMatrix');
  FftPlan = mod.FftPlan ? fftPlanClass(mod.FftPlan) : placeholderClass('FftPlan');
  Hasher = pick('Hasher');
  SigningKey = pick('SigningKey');
  VClock = pick('VClock');
  GCounter = pick('GCounter');
  PNCounter = pick('PNCounter');
  GSet = pick('GSet');
  ORSet = pick('ORSet');
  LWWRegister = pick('LWWRegister');
  MVRegister = pick('MVRegister');
  LWWMap = pick('LWWMap');
  AgentState = pick('AgentState');
  return { PackedMatrix, FftPlan, Hasher, SigningKey, VClock, GCounter, PNCounter, GSet, ORSet, LWWRegister, MVRegister, LWWMap, AgentState };
}

/** Every wasm export the package deliberately does not re-export (plumbing of the loader). */
export const INTERNAL_EXPORTS = [
  'default', 'initSync', 'buildMode', 'enableParallel', 'parallelThreads', 'initThreadPool',
  'sharedModule', 'sharedMemory', 'version', 'wbg_rayon_start_worker', 'wbg_rayon_PoolBuilder',
  // the actor runtime's plumbing, wrapped as `k.actors`
  'actorsStart', 'actorsWorkerAttach', 'actorsRunSlice', 'actorsHasWork', 'actorsBeginPark',
  'actorsEndPark', 'actorsSpawn', 'actorsSpawnJs', 'actorsCast', 'actorsCastWait', 'actorsCall', 'actorsCancel',
  'actorsTakeCompletion', 'actorsStop', 'actorsRegister', 'actorsWhereis', 'actorsSendAfter',
  'actorsCancelTimer', 'actorsIsAlive', 'actorsStats', 'actorsTakeEvents',
  'actorsWakeWorker', 'actorsBeginSearch', 'actorsReapWorker', 'actorsWorkerReplace', 'actorsResume', 'actorsResumeError',
  'otpOp', 'actorsCapSet', 'actorsCapSetDrop', 'actorsCastCaps', 'actorsFixedRequirement', // the OTP layer (actors/otp.js)
  'actorsCtxHasCaps', 'actorsCtxSend', 'actorsCtxCaps', // capabilities of JS handlers' ctx.call / ctx.cast
  // main-thread loops shared with the compute worker (parallel::assist); `parallelStats()`
  'assistServe', 'assistRun', 'assistHelped',
  // the staged path of `fft`, `rfft` and `irfft`
  'fftStage', 'fftStaged', 'rfftStaged', 'irfftStaged', 'fftStagedError',
];

/** The names this package exports from the wasm builds (for tests that check nothing is missed). */
export const PUBLIC_EXPORTS = [...Object.keys(FUNCTIONS), 'PackedMatrix', 'FftPlan', 'Hasher', 'SigningKey',
  'VClock', 'GCounter', 'PNCounter', 'GSet', 'ORSet', 'LWWRegister', 'MVRegister', 'LWWMap', 'AgentState'];

/** A worker that runs calls off the main thread; in `mt` it owns the rayon pool. */
class ComputeHost {
  static async start(build, init) {
    const worker = new Worker(new URL('./compute-host.js', import.meta.url), { type: 'module', name: 'katalyst-compute' });
    const host = new ComputeHost(worker);
    const { threads } = await host.request({ type: 'start', build, ...init });
    host.threads = threads;
    return host;
  }

  constructor(worker) {
    this.worker = worker;
    this.pending = new Map();
    this.nextId = 1;
    this.spare = []; // the buffers of the last call's argument copies, sent back for reuse
    worker.onmessage = ({ data }) => {
      if (data.spare) this.spare = data.spare;
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      if (data.ok) p.resolve(data.result);
      else p.reject(deserializeError(data.error));
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.fail(new KatalystError('worker_failed', `the katalyst compute worker failed: ${event.message ?? 'it could not be loaded'}`));
    };
  }

  fail(error) {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.failed = error;
  }

  request(message, transfer = []) {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message }, transfer);
    });
  }

  // Typed arrays among the arguments (or in an array argument, as `verifyBatch` takes) travel
  // as compact copies whose buffers are transferred: one copy, where a structured clone costs
  // several (3.3 ms per 4 MB in Chromium here) and clones a view's whole buffer. The worker
  // sends the copies' buffers back with its answer, and the next call copies into them: a
  // fresh 6.4 MB array costs 2.7 ms here, mostly first-touch page faults, a warm one 0.6 ms.
  // Only the last answer's buffers are kept. The caller's arrays are left as they are; views
  // of shared memory are shared, as before.
  call(name, args) {
    const transfer = [];
    const shared = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : null;
    const copy = (v) => {
      if (!ArrayBuffer.isView(v) || v instanceof DataView || (shared && v.buffer instanceof shared)) return v;
      const c = this.reuse(v) ?? v.slice();
      transfer.push(c.buffer);
      return c;
    };
    args = args.map((v) => (Array.isArray(v) ? v.map(copy) : copy(v)));
    return this.request({ type: 'call', name, args }, transfer);
  }

  /** A copy of `v` in a spare buffer large enough, or `null`. */
  reuse(v) {
    const i = this.spare.findIndex((b) => b.byteLength >= v.byteLength);
    if (i < 0) return null;
    const [buffer] = this.spare.splice(i, 1);
    const c = new v.constructor(buffer, 0, v.length);
    c.set(v);
    return c;
  }

  terminate() {
    this.fail(new KatalystError('closed', 'the katalyst handle was closed'));
    this.worker.terminate();
  }
}

function validateOptions(opts) {
  if (opts === undefined || opts === null) return { mode: 'auto', threads: defaultThreads(), wasmUrl: {} };
  if (typeof opts !== 'object') {
    throw Object.assign(new TypeError(`init: argument 'opts' must be an object, got ${typeof opts}`), { code: 'invalid_type' });
  }
  const mode = opts.mode ?? 'auto';
  if (!MODES.includes(mode)) {
    throw Object.assign(new TypeError(`init: 'opts.mode' must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`), { code: 'invalid_type' });
  }
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw Object.assign(new RangeError(`init: 'opts.threads' must be an integer from 1 to ${MAX_THREADS}, got ${threads}`), { code: 'out_of_range' });
  }
  return { mode, threads, wasmUrl: opts.wasmUrl ?? {}, actors: opts.actors };
}

function defaultThreads() {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, cores));
}

/**
 * `startActors` starts the actor runtime's workers; it runs on the first use of `k.actors`, so
 * pages that never use actors pay nothing for them. Without it, `k.actors` throws `unavailable`
 * (with `actorsMissing` as the reason).
 */
function makeHandle(mod, mode, host, threads, startActors = null, actorsMissing = '') {
  const classes = bindClasses(mod);
  let actors = null;
  let stHost = null; // started on first use in single mode
  const background = async () => {
    if (host) return host;
    stHost ??= ComputeHost.start('single', { module: st.default.__wbindgen_wasm_module });
    return stHost;
  };
  const asyncApi = {};
  for (const name of ASYNC_FUNCTIONS) {
    asyncApi[name] = async (...args) => {
      if (typeof mod[name] !== 'function') throw unavailable(name);
      // The worker checks and fills a copy of `opts.out`; the caller's array gets the result
      // here, as the synchronous call would write it.
      const opts = args[OUT_OPTS_INDEX[name]];
      const out = opts !== null && typeof opts === 'object' && opts.out instanceof Float32Array ? opts.out : null;
      const result = await (await background()).call(name, args);
      if (out === null) return result;
      out.set(result);
      return out;
    };
  }
  return Object.freeze({
    mode,
    threads,
    version,
    ...FUNCTIONS,
    ...classes,
    /** The actor runtime (`spawn`, `cast`, `call`, `stop`, …); see `actors/index.js`. */
    get actors() {
      if (!startActors) {
        const e = unavailable('actors');
        e.message += actorsMissing ? `: ${actorsMissing}` : '';
        throw e;
      }
      actors ??= startActors();
      return actors;
    },
    /**
     * How synchronous calls on this thread share work (`threads` mode): `helpedChunks` counts the
     * items of main-thread loops such as `verifyBatch` that the compute worker took.
     */
    parallelStats() {
      return { threads, helpedChunks: mod.assistHelped() };
    },
    /** Off-main-thread variants: `await k.async.sgemm(...)`; parallel in `threads` mode. */
    async: Object.freeze(asyncApi),
    /** Stops the background workers. The synchronous API keeps working. */
    async close() {
      host?.terminate();
      actors?.close();
      if (stHost) (await stHost).terminate();
    },
  });
}

async function startThreads(threads, url, actorOpts) {
  const mt = await import('./mt/katalyst.js');
  const wasm = await mt.default(url === undefined ? undefined : { module_or_path: url });
  const startActors = typeof Atomics.waitAsync === 'function'
    ? () => startMtActors({ mt, workers: actorOpts?.workers ?? defaultThreads(), mailbox: actorOpts?.mailbox, watchdogMs: actorOpts?.watchdogMs })
    : null;
  const host = await ComputeHost.start('threads', { module: mt.sharedModule(), memory: mt.sharedMemory(), threads });
  return { mod: mt, wasm, host, startActors };
}

/**
 * Loads the best build the engine supports and returns the Katalyst handle.
 *
 * - `opts.mode`: `'auto'` (default) probes for SharedArrayBuffer, shared wasm memory and module
 *   workers and uses `threads` when all are there; `'threads'` or `'single'` force a build.
 * - `opts.threads`: the worker count in threads mode, default `min(4, hardwareConcurrency)`.
 * - `opts.wasmUrl`: `{ single?, threads? }` to host the `.wasm` files elsewhere.
 *
 * A failed threads start falls back to `single` with a console warning, unless `mode` was
 * `'threads'`, in which case the promise rejects with the cause. Calling `init` again returns
 * the same handle.
 *
 * @example
 * const k = await init();
 * console.log(k.mode, k.threads); // 'threads' 2
 */
export function init(opts) {
  let options;
  try {
    options = validateOptions(opts);
  } catch (e) {
    return Promise.reject(e);
  }
  starting ??= start(options).catch((e) => {
    starting = null; // a failed start leaves the loader free to try again
    throw e;
  });
  return starting.then((handle) => {
    if (options.mode !== 'auto' && options.mode !== handle.mode) {
      throw new KatalystError('already_initialized', `init: katalyst already runs the ${handle.mode} build; '${options.mode}' cannot be loaded beside it`);
    }
    return handle;
  });
}

async function start({ mode, threads, wasmUrl, actors: actorOpts }) {
  if (!hasSimd()) {
    throw new KatalystError('unsupported', 'init: this engine does not support WebAssembly SIMD (simd128), which katalyst needs (Chrome 91+, Firefox 89+, Safari 16.4+)');
  }
  if (mode !== 'single') {
    const probe = probeThreads();
    let why = probe.why;
    if (probe.ok) {
      try {
        const { mod, wasm, host, startActors } = await startThreads(threads, wasmUrl.threads, actorOpts);
        const missing = 'this engine lacks Atomics.waitAsync, which the threads executor needs';
        state = { mod, wasm, handle: makeHandle(mod, 'threads', host, host.threads, startActors, missing) };
        return state.handle;
      } catch (e) {
        why = `the threads build failed to start: ${e.message}`;
        if (mode === 'threads') {
          throw new KatalystError('threads_failed', `init: ${why}`, { cause: e });
        }
      }
    } else if (mode === 'threads') {
      throw new KatalystError('threads_unsupported', `init: the threads build cannot run here: ${why}`);
    }
    console.warn(`katalyst: using the single-thread build because ${why}`);
  }
  const wasm = await st.default(wasmUrl.single === undefined ? undefined : { module_or_path: wasmUrl.single });
  const startActors = typeof Worker === 'function'
    ? () => startStActors({ module: st.default.__wbindgen_wasm_module, workers: actorOpts?.workers ?? defaultThreads(), mailbox: actorOpts?.mailbox, watchdogMs: actorOpts?.watchdogMs })
    : null;
  state = { mod: st, wasm, handle: makeHandle(st, 'single', null, 1, startActors, 'this engine has no Worker') };
  return state.handle;
}

/**
 * Loads the single-thread build synchronously from its bytes or compiled module (Node 20+,
 * or a worker that already has the module).
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * const k = initSync({ module: readFileSync(new URL('./node_modules/katalyst/st/katalyst_bg.wasm', import.meta.url)) });
 */
export function initSync(opts) {
  if (state) return state.handle;
  const module = opts?.module;
  if (!(module instanceof WebAssembly.Module || ArrayBuffer.isView(module) || module instanceof ArrayBuffer)) {
    throw Object.assign(new TypeError("initSync: 'opts.module' must be the .wasm bytes (BufferSource) or a WebAssembly.Module"), { code: 'invalid_type' });
  }
  if (!hasSimd()) {
    throw new KatalystError('unsupported', 'initSync: this engine does not support WebAssembly SIMD (simd128), which katalyst needs');
  }
  const wasm = st.initSync({ module });
  state = { mod: st, wasm, handle: makeHandle(st, 'single', null, 1) };
  starting = Promise.resolve(state.handle);
  return state.handle;
}
