// `k.actors`: the main-thread side of the actor runtime.
//
// `mt` executor: one actor system in the shared wasm memory; a pool of actor workers (separate
// from the rayon pool) each instantiate the threads build over that memory and run scheduler
// slices. The main thread only pushes into lock-free queues (spawn, cast, call, stop: all
// non-blocking Rust calls) and learns of finished calls through a completion queue whose notify
// word it awaits with `Atomics.waitAsync` — it never blocks and never polls.
import { KatalystError } from '../errors.js';
import { encode, decode } from './codec.js';
import { otpApi } from './otp.js'; // OTP layer (issue 7)

const BUILTINS_HINT = "'echo', 'counter', 'crypto', 'compute', 'crdt-replica'";

function typeError(message) {
  return Object.assign(new TypeError(message), { code: 'invalid_type' });
}

/** A `KatalystError` with code `actor_exited` and the exit `reason` (`{ kind, message?, stack? }`). */
export class ActorExited extends KatalystError {
  constructor(message, reason) {
    super('actor_exited', message);
    this.reason = reason;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === 'KatalystError' && value.code === 'actor_exited';
  }
}

/** Checks an ActorRef `{ node, slot, generation }`. */
export function checkRef(func, ref) {
  if (ref === null || typeof ref !== 'object' || !Number.isInteger(ref.slot) || !Number.isInteger(ref.generation) || !Number.isInteger(ref.node)) {
    throw typeError(`${func}: argument 'ref' must be an ActorRef { node, slot, generation } from spawn() or whereis(), got ${ref === null ? 'null' : typeof ref}`);
  }
  return ref;
}

export function makeRef([node, slot, generation]) {
  return Object.freeze({ node, slot, generation });
}

function checkSpawn(behaviour, opts, workers) {
  if (opts === null || typeof opts !== 'object') throw typeError(`spawn: argument 'opts' must be an object, got ${opts === null ? 'null' : typeof opts}`);
  if (typeof behaviour !== 'string' && (behaviour === null || typeof behaviour !== 'object' || behaviour.module === undefined)) {
    throw typeError(`spawn: argument 'behaviour' must be the name of a Rust behaviour (${BUILTINS_HINT}) or { module, export, args }, got ${behaviour === null ? 'null' : typeof behaviour}`);
  }
  if (opts.mailbox !== undefined && (!Number.isInteger(opts.mailbox) || opts.mailbox < 1)) {
    throw Object.assign(new RangeError(`spawn: 'opts.mailbox' must be a positive integer, got ${opts.mailbox}`), { code: 'out_of_range' });
  }
  if (opts.worker !== undefined && (!Number.isInteger(opts.worker) || opts.worker < 0 || opts.worker >= workers)) {
    throw Object.assign(new RangeError(`spawn: 'opts.worker' must be a worker index from 0 to ${workers - 1}, got ${opts.worker}`), { code: 'out_of_range' });
  }
}

function abortedError(func, reason) {
  return new KatalystError('aborted', `${func}: aborted by the caller${reason?.message ? ` (${reason.message})` : ''}`);
}

function checkTimeout(func, timeout) {
  if (timeout === undefined) return 5000;
  if (typeof timeout !== 'number' || !(timeout >= 0) || timeout > 2 ** 31) {
    throw Object.assign(new RangeError(`${func}: 'opts.timeout' must be a number of milliseconds from 0 to 2^31, got ${timeout}`), { code: 'out_of_range' });
  }
  return timeout;
}

/** Checks a JS module behaviour `{ module, export, args }`; returns its key and URL. */
function moduleSpec(b) {
  const url = b.module instanceof URL ? b.module.href : b.module;
  if (typeof url !== 'string') throw typeError(`spawn: 'behaviour.module' must be a URL or a string, got ${typeof b.module}`);
  if (b.export !== undefined && typeof b.export !== 'string') throw typeError(`spawn: 'behaviour.export' must be a string, got ${typeof b.export}`);
  const href = new URL(url, globalThis.location?.href).href;
  return { key: `${href}#${b.export ?? ''}`, url: href, export: b.export };
}

/** Loads JS behaviours into workers, once per (worker, module, export). */
class ModuleLoader {
  /** `post(index, message)` sends to worker `index`. */
  constructor(post) {
    this.post = post;
    this.ids = new Map(); // key → id
    this.specs = new Map(); // id → spec (to load them into a replacement worker)
    this.waiting = new Map(); // `${worker}:${id}` → { promise, resolve, reject }
  }

  id(spec) {
    let id = this.ids.get(spec.key);
    if (id === undefined) {
      this.ids.set(spec.key, (id = this.ids.size + 1));
      this.specs.set(id, spec);
    }
    return id;
  }

  load(index, spec) {
    const id = this.id(spec);
    const key = `${index}:${id}`;
    let w = this.waiting.get(key);
    if (!w) {
      w = {};
      w.promise = new Promise((resolve, reject) => { w.resolve = resolve; w.reject = reject; });
      this.waiting.set(key, w);
      this.post(index, { t: 'load', id, url: spec.url, export: spec.export });
    }
    return w.promise.then(() => id);
  }

  /** Worker `index` was replaced: its modules must be loaded again. */
  forget(index) {
    for (const key of [...this.waiting.keys()]) if (key.startsWith(`${index}:`)) this.waiting.delete(key);
  }

  /** `mt`: a replacement for worker `index` loads every module the dead one had (before it runs actors). */
  reload(index) {
    this.forget(index);
    for (const spec of this.specs.values()) this.load(index, spec).catch(() => {});
  }

  loaded(index, d) {
    const key = `${index}:${d.id}`;
    const w = this.waiting.get(key);
    if (!w) return;
    if (d.error) {
      this.waiting.delete(key); // a later spawn may try again
      const e = new KatalystError('module_failed', `spawn: could not load the behaviour: ${d.error.message}`);
      w.reject(e);
    } else w.resolve();
  }
}

function ctxError(e) {
  return { name: e?.name, code: e?.code, message: e?.message ?? String(e), reason: e?.reason, capability: e?.capability };
}

// The page's `k.actors` object of this executor (set once started), for `ctx.spawn` of JS
// module behaviours, which only the page can load into workers.
let ctxApi = null;

/** `ctx.spawn({ module, export, args }, opts)` from a worker: spawned by the page, the ref posted back. */
function ctxSpawn(d, back) {
  let p;
  try {
    if (!ctxApi) throw new KatalystError('not_started', 'ctx.spawn: the actor system is not started');
    p = Promise.resolve(ctxApi.spawn({ module: d.module, export: d.export, args: decode(d.kind, d.payload) }, d.opts));
  } catch (e) {
    p = Promise.reject(e);
  }
  p.then((ref) => {
    const [kind, payload] = encode({ node: ref.node, slot: ref.slot, generation: ref.generation });
    back({ t: 'ctxReply', id: d.id, kind, payload }, [payload.buffer]);
  }, (e) => back({ t: 'ctxReply', id: d.id, error: ctxError(e) }, []));
}

/**
 * Starts the `mt` executor: `workers` actor workers over the shared memory of the threads build
 * `mt` (its `sharedModule()` and `sharedMemory()`). Returns the `k.actors` object; it works at
 * once (messages queue until the workers are up); `ready` resolves when every worker runs.
 */
export function startMtActors({ mt, workers, mailbox, watchdogMs = 1000 }) {
  const module = mt.sharedModule();
  const memory = mt.sharedMemory();
  const { notifyAddr } = mt.actorsStart({ workers, mailbox, watchdogMs });
  let closed = false;
  // The watchdog scan runs here too, so a stuck handler is reported even when every worker is
  // stuck in one. Events wait in `events` for takeEvents().
  const events = [];
  const scan = setInterval(() => {
    for (const e of mt.actorsTakeEvents()) {
      if (events.length >= 1024) events.shift();
      if (e.ref) e.ref = Object.freeze(e.ref);
      events.push(e);
    }
  }, Math.max(5, Math.min(250, watchdogMs / 4)));
  const pending = new Map(); // call id → { resolve, reject }
  const pool = [];
  const mail = new Int32Array(new SharedArrayBuffer(4 * workers));
  const readyAt = [];
  const trapped = [];
  const alive = new Set(); // worker indexes running now
  let replaced = 0;
  const startedAt = performance.now();
  const startWorker = (index, replace, resolve = () => {}, reject = () => {}) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `katalyst-actor-threads-${index}` });
    w.onmessage = ({ data }) => {
      if (data.t === 'loaded') loader.loaded(index, data);
      else if (data.t === 'trapped') workerTrapped(index, data);
      else if (data.t === 'ready') {
        alive.add(index);
        if (!replace) readyAt[index] = performance.now();
        resolve();
      }
      else if (data.t === 'error') reject(new KatalystError('worker_failed', `actor worker ${index}: ${data.message}`));
      else if (data.t === 'ctxSpawn') ctxSpawn(data, (m, transfer) => {
        pool[index].postMessage(m, transfer);
        Atomics.store(mail, index, 1);
        mt.actorsWakeWorker(index);
      });
    };
    w.onerror = (e) => {
      e.preventDefault?.();
      reject(new KatalystError('worker_failed', `actor worker ${index} failed: ${e.message ?? 'it could not be loaded'}`));
    };
    pool[index] = w;
    if (replace) loader.reload(index); // queued before 'start': the worker loads them first
    w.postMessage({ t: 'start', build: 'threads', module, memory, mail, index, replace });
    return w;
  };
  // A Rust panic (panic=abort) trapped worker `index`'s instance. Reap it (the actor it was
  // running exits with the panic's message: its in-flight and queued calls reject with
  // ActorExited, later ones with noproc; actors queued on that worker are stolen by the
  // others), then a fresh worker instance takes over the same index.
  function workerTrapped(index, data) {
    if (closed) return;
    trapped.push(index);
    alive.delete(index);
    const r = mt.actorsReapWorker(index, data.stack);
    events.push({ type: 'workerTrapped', worker: index, message: data.message, ref: r?.ref && Object.freeze(r.ref), reason: r?.reason });
    console.error(`katalyst: actor worker ${index} trapped (${data.message}); its actor exited, a fresh worker replaces it`);
    pool[index].terminate();
    replaced++;
    startWorker(index, true);
  }
  const ready = Promise.all(Array.from({ length: workers }, (_, index) => new Promise((resolve, reject) => {
    startWorker(index, false, resolve, reject);
  })));
  ready.catch(() => {}); // surfaced through `ready` and stats, not as an unhandled rejection
  // A parked worker blocks in Atomics.wait: after posting to it, flag its mail and wake it.
  const loader = new ModuleLoader((index, message) => {
    pool[index].postMessage(message);
    Atomics.store(mail, index, 1);
    mt.actorsWakeWorker(index);
  });

  // Completions: drain, then await the next bump of the notify word.
  const notify = new Int32Array(memory.buffer, notifyAddr, 1);
  const drain = () => {
    for (let c = mt.actorsTakeCompletion(); c !== undefined; c = mt.actorsTakeCompletion()) {
      const p = pending.get(c[0]);
      if (!p) continue;
      pending.delete(c[0]);
      if (c[1] === -1) p.reject(c[2]);
      else p.resolve(decode(c[1], c[2]));
    }
  };
  const listen = () => {
    while (!closed) {
      const seen = Atomics.load(notify, 0);
      drain();
      const w = Atomics.waitAsync(notify, 0, seen);
      if (w.async) { w.value.then(listen); return; }
    }
  };
  listen();

  const api = {
    mode: 'threads',
    workers,
    ready,
    spawn(behaviour, opts = {}) {
      if (opts === null || typeof opts !== 'object') throw typeError(`spawn: argument 'opts' must be an object, got ${opts === null ? 'null' : typeof opts}`);
      checkSpawn(behaviour, opts, workers);
      if (typeof behaviour === 'object') {
        // A JS module: every worker may run it, so every worker loads it first.
        const spec = moduleSpec(behaviour);
        const [kind, payload] = encode(behaviour.args, 'behaviour.args');
        return Promise.all(pool.map((_, i) => loader.load(i, spec)))
          .then(([id]) => makeRef(mt.actorsSpawnJs(id, kind, payload, opts.mailbox, opts.name, opts.worker)));
      }
      const [kind, payload] = encode(opts.args, 'opts.args');
      return makeRef(mt.actorsSpawn(behaviour, kind, payload, opts.mailbox, opts.name, opts.worker));
    },
    cast(ref, msg, opts) {
      if (opts?.wait) {
        // Waits for room in a full mailbox: a Promise, settled through the completion queue.
        try {
          checkRef('cast', ref);
          const [kind, payload] = encode(msg);
          const id = mt.actorsCastWait(ref.slot, ref.generation, kind, payload);
          return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
        } catch (e) {
          return Promise.reject(e);
        }
      }
      checkRef('cast', ref);
      const [kind, payload] = encode(msg);
      mt.actorsCast(ref.slot, ref.generation, kind, payload);
    },
    call(ref, msg, opts = {}) {
      try {
        checkRef('call', ref);
        const timeout = checkTimeout('call', opts?.timeout);
        const signal = opts?.signal;
        if (signal?.aborted) return Promise.reject(abortedError('call', signal.reason));
        const [kind, payload] = encode(msg);
        const id = mt.actorsCall(ref.slot, ref.generation, kind, payload, timeout);
        return new Promise((resolve, reject) => {
          if (!signal) { pending.set(id, { resolve, reject }); return; }
          const onAbort = () => {
            if (!pending.delete(id)) return;
            mt.actorsCancel(id);
            reject(abortedError('call', signal.reason));
          };
          signal.addEventListener('abort', onAbort, { once: true });
          pending.set(id, {
            resolve: (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
            reject: (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
          });
        });
      } catch (e) {
        return Promise.reject(e);
      }
    },
    stop(ref, reason = 'normal') {
      checkRef('stop', ref);
      mt.actorsStop(ref.slot, ref.generation, String(reason));
    },
    register(name, ref) {
      if (typeof name !== 'string') throw typeError(`register: argument 'name' must be a string, got ${typeof name}`);
      checkRef('register', ref);
      mt.actorsRegister(name, ref.slot, ref.generation);
    },
    whereis(name) {
      if (typeof name !== 'string') throw typeError(`whereis: argument 'name' must be a string, got ${typeof name}`);
      const r = mt.actorsWhereis(name);
      return r === undefined ? undefined : makeRef(r);
    },
    isAlive(ref) {
      checkRef('isAlive', ref);
      return mt.actorsIsAlive(ref.slot, ref.generation);
    },
    sendAfter(ref, msg, ms) {
      checkRef('sendAfter', ref);
      if (typeof ms !== 'number' || !(ms >= 0)) throw Object.assign(new RangeError(`sendAfter: argument 'ms' must be a non-negative number, got ${ms}`), { code: 'out_of_range' });
      const [kind, payload] = encode(msg);
      const id = mt.actorsSendAfter(ref.slot, ref.generation, kind, payload, ms);
      return { cancel: () => mt.actorsCancelTimer(id) };
    },
    stats() {
      const s = mt.actorsStats();
      s.pendingCalls = pending.size;
      s.workersTrapped = trapped.length;
      s.workersReplaced = replaced;
      s.workersAlive = alive.size;
      s.workersReady = readyAt.filter((t) => t !== undefined).length;
      s.poolReadyMs = s.workersReady === workers ? Math.max(...readyAt) - startedAt : undefined;
      s.memoryBytes = memory.buffer.byteLength; // the one shared wasm memory
      return s;
    },
    /**
     * Events since the last call: `{ type: 'exited', ref, reason }` (abnormal exits),
     * `{ type: 'longHandler' | 'workerHung', ref, worker, runningMs }` (watchdog reports),
     * `{ type: 'workerTrapped', worker, message, ref, reason }` (a Rust panic; reaped, replaced).
     */
    takeEvents() {
      return events.splice(0);
    },
    close() {
      closed = true;
      clearInterval(scan);
      for (const w of pool) w.terminate();
    },
  };
  // OTP layer (otp.js): supervisors, links, pools, capabilities, upgrades.
  Object.assign(api, otpApi({
    executor: 'mt', otpOp: mt.otpOp, pending,
    capSet: mt.actorsCapSet, capSetDrop: mt.actorsCapSetDrop, castCaps: mt.actorsCastCaps,
    loadModule: (b) => Promise.all(pool.map((_, i) => loader.load(i, moduleSpec(b)))).then(([id]) => id),
  }, { ...api }));
  ctxApi = api;
  return Object.freeze(api);
}

const wallNow = () => performance.timeOrigin + performance.now();

/** `st` workers number the actors they make from 2^30 up, in ranges of 2^22: 768 fit a u32. */
const VID_RANGES = 768;

/**
 * The vid range for a worker starting now: the first from `next` on, cyclically, that no running
 * worker (`taken`) holds, so numbers never collide among live workers once the ranges wrap.
 * Returns it and the `next` to pass after it.
 */
export function pickVidRange(next, taken) {
  for (let i = 0; ; i++) {
    const range = (next + i) % VID_RANGES;
    if (!taken.includes(range)) return { range, next: next + i + 1 };
  }
}
const BUILTINS = ['echo', 'counter', 'crypto', 'compute', 'crdt-replica', 'sink', 'panic'];

/**
 * Starts the `st` executor (no SharedArrayBuffer): `workers` workers, each running its own
 * single-thread instance and actor system (node `i + 1`); the page routes every request by
 * the ref's node with `postMessage` (typed arrays it encoded itself are transferred).
 *
 * Refs are `{ node, slot, generation }` too, but `slot` is the page's own actor number (the
 * worker maps it). What the page cannot know synchronously differs from `mt`: `cast` to a
 * full mailbox drops the message and counts it in `stats().castErrors` (the page learns of it
 * later), and `cast` throws `noproc` only once the page learnt that the actor is gone (it
 * stopped it, or a call reported `noproc`/`actor_exited`).
 */
export function startStActors({ module, workers, mailbox, watchdogMs }) {
  const pending = new Map(); // call id → { resolve, reject }
  const dead = new Set(); // vids known gone
  const live = new Map(); // vid → { ref, behaviour }
  const names = new Map(); // name → ref
  let nextVid = 1, nextCall = 1, nextTimer = 1, rr = 0, castErrors = 0, nextRange = 0;
  const rangeOf = []; // per worker index: the vid range of the worker running there
  const workerStats = [];
  const readyAt = [];
  const startedAt = performance.now();
  const startWorker = (index) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `katalyst-actor-single-${index}` });
    w.ready = new Promise((resolve, reject) => {
      w.onmessage = ({ data }) => {
        switch (data.t) {
          case 'ready': readyAt[index] = performance.now(); resolve(); break;
          case 'loaded': loader.loaded(index, data); break;
          case 'error': reject(new KatalystError('worker_failed', `actor worker ${index}: ${data.message}`)); break;
          case 'reply': settle(data); break;
          case 'replies': for (const d of data.list) settle(d); break;
          case 'failed': failed(data); break;
          case 'stats': workerStats[index] = data.stats; break;
          case 'trapped': nodeTrapped(index, data.message); break;
          case 'events': for (const e of data.events) { if (events.length >= 1024) events.shift(); if (e.ref) e.ref = Object.freeze(e.ref); events.push(e); } break;
          case 'ctxCall': ctxCall(w, data); break;
          case 'ctxCast': ctxCast(data); break;
          case 'ctxSpawn': ctxSpawn(data, (m, transfer) => { try { w.postMessage(m, transfer); } catch { /* worker gone */ } }); break;
          case 'spawned': spawned(data); break;
        }
      };
      w.onerror = (e) => {
        e.preventDefault?.();
        reject(new KatalystError('worker_failed', `actor worker ${index} failed: ${e.message ?? 'it could not be loaded'}`));
      };
    });
    // Page numbers for refs the worker makes (supervisors, pools, ctx.spawn): a range of 2^22
    // per worker started, so a worker that replaces a trapped one hands the page no number its
    // predecessor used (those refs are dead, and stay dead) until the ranges wrap, and never
    // one a running worker uses.
    const picked = pickVidRange(nextRange, rangeOf.filter((_, i) => i !== index));
    nextRange = picked.next;
    rangeOf[index] = picked.range;
    const vidBase = 2 ** 30 + picked.range * 2 ** 22;
    w.postMessage({ t: 'start', build: 'single', module, node: index + 1, mailbox, watchdogMs, vidBase });
    return w;
  };
  const events = []; // forwarded by the workers (each runs its own watchdog), for takeEvents()
  // `ctx.call` from a JS behaviour: the page routes it like its own calls and posts the
  // result back to the calling worker.
  function ctxCall(w, d) {
    const back = (m, transfer = []) => { try { w.postMessage(m, transfer); } catch { /* worker gone */ } };
    let p;
    try {
      // With the tokens the handler carries (its message's and delegated ones: they verify
      // only on the node that issued them, capabilities being per node here).
      p = api.call(d.ref, decode(d.kind, d.payload), d.caps ? { timeout: d.timeout, caps: d.caps } : { timeout: d.timeout });
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then((v) => {
      const { kind, payload, transfer } = send(null, v);
      back({ t: 'ctxReply', id: d.id, kind, payload }, transfer);
    }, (e) => back({ t: 'ctxReply', id: d.id, error: ctxError(e) }));
  }
  function ctxCast(d) {
    try {
      const r = api.cast(d.ref, decode(d.kind, d.payload), d.caps ? { caps: d.caps } : undefined);
      if (r instanceof Promise) r.catch(() => { castErrors++; });
    } catch {
      castErrors++;
    }
  }
  // `ctx.spawn` of a Rust behaviour in a worker: the page learns of the actor (numbered from
  // 2^30 up by that worker) before anything the handler sends next.
  function spawned(d) {
    const ref = Object.freeze({ node: d.ref.node, slot: d.ref.slot, generation: d.ref.generation });
    dead.delete(ref.slot);
    live.set(ref.slot, { ref, behaviour: d.behaviour });
    if (d.name === undefined) return;
    if (names.has(d.name)) console.warn(`katalyst: ctx.spawn: name ${JSON.stringify(d.name)} is already held; the actor was not registered`);
    else names.set(d.name, ref);
  }
  const pool = Array.from({ length: workers }, (_, index) => startWorker(index));
  const epochs = pool.map(() => 0); // per worker: bumped when a trapped worker is replaced
  // Requests made in one task go to a worker as one message (sent at the end of the task, so
  // no latency is added): 100 concurrent calls cost 1 postMessage, not 100.
  const outboxes = new Map(); // worker → { msgs, transfer }
  function post(w, msg, transfer = []) {
    let box = outboxes.get(w);
    if (!box) {
      box = { msgs: [], transfer: [] };
      outboxes.set(w, box);
      queueMicrotask(() => {
        outboxes.delete(w);
        w.postMessage(box.msgs.length === 1 ? box.msgs[0] : { t: 'batch', msgs: box.msgs }, box.transfer);
      });
    }
    box.msgs.push(msg);
    for (const t of transfer) box.transfer.push(t);
  }
  let trappedCount = 0;
  // A Rust panic (panic=abort) killed a worker's instance: every actor of that node is lost.
  // Their calls reject with ActorExited, and a fresh worker takes the node for new spawns.
  function nodeTrapped(index, message) {
    trappedCount++;
    const node = index + 1;
    const reason = { kind: 'error', message: `the actor's worker trapped: ${message}` };
    for (const [vid, a] of [...live]) if (a.ref.node === node) forget(vid);
    for (const [id, p] of [...pending]) {
      if (p.node !== node) continue;
      pending.delete(id);
      p.reject(new ActorExited(`call: actor on node ${node} exited (${reason.message})`, reason));
    }
    console.error(`katalyst: actor worker ${index} trapped (${message}); its actors are lost, a fresh worker replaces it`);
    pool[index].terminate();
    pool[index] = startWorker(index);
    epochs[index]++;
    loader.forget(index);
  }
  const ready = Promise.all(pool.map((w) => w.ready));
  ready.catch(() => {});
  const loader = new ModuleLoader((index, message) => pool[index].postMessage(message));

  function toError(d) {
    const e = d.code === 'actor_exited' ? new ActorExited(d.message, d.reason) : deserialize(d);
    return e;
  }
  function deserialize(d) {
    const Class = d.name === 'TypeError' ? TypeError : d.name === 'RangeError' ? RangeError : Error;
    const e = d.name === 'KatalystError' ? new KatalystError(d.code, d.message) : new Class(d.message);
    if (d.code !== undefined) e.code = d.code;
    return e;
  }
  function forget(vid) {
    dead.add(vid);
    const a = live.get(vid);
    live.delete(vid);
    if (a) for (const [n, r] of names) if (r === a.ref) names.delete(n);
  }
  function settle(d) {
    const p = pending.get(d.id);
    if (!p) return;
    pending.delete(d.id);
    if (d.error) {
      if (d.error.code === 'noproc' || d.error.code === 'actor_exited') forget(p.vid);
      p.reject(toError(d.error));
    } else p.resolve(d.ack ? d.fixed : decode(d.kind, d.payload)); // checked casts: `fixed`, for otp.js
  }
  function failed(d) {
    if (d.error.code === 'noproc' || d.op === 'spawn') forget(d.vid);
    else castErrors++;
  }
  function send(ref, msg) {
    const [kind, payload] = encode(msg);
    // Transfer only buffers the codec made; a caller's Uint8Array is copied.
    return { kind, payload, transfer: kind === 3 ? [payload.buffer] : [] };
  }
  function target(func, ref) {
    checkRef(func, ref);
    const w = pool[ref.node - 1];
    if (!w || dead.has(ref.slot) || !live.has(ref.slot)) {
      throw new KatalystError('noproc', `${func}: actor <${ref.node}.${ref.slot}.${ref.generation}>: no such process (it exited or never existed)`);
    }
    return w;
  }

  const api = {
    mode: 'single',
    workers,
    ready,
    spawn(behaviour, opts = {}) {
      checkSpawn(behaviour, opts, workers);
      const isJs = typeof behaviour === 'object';
      if (!isJs && !BUILTINS.includes(behaviour)) throw new KatalystError('unknown_behaviour', `spawn: unknown behaviour ${JSON.stringify(behaviour)}`);
      if (opts.name !== undefined && names.has(opts.name)) throw new KatalystError('name_taken', `register: name ${JSON.stringify(opts.name)} is already held`);
      const index = opts.worker ?? rr++ % workers; // each worker is its own node here
      if (isJs) {
        // Loaded into the one worker that will own it; the worker holds later requests until then.
        const spec = moduleSpec(behaviour);
        const { kind, payload, transfer } = send(null, behaviour.args);
        const loaded = loader.load(index, spec);
        const id = loader.id(spec);
        const vid = nextVid++;
        const ref = makeRef([index + 1, vid, 1]);
        post(pool[index], { t: 'spawn', vid, js: id, kind, payload, mailbox: opts.mailbox }, transfer);
        return loaded.then(() => {
          live.set(vid, { ref, behaviour });
          if (opts.name !== undefined) names.set(opts.name, ref);
          return ref;
        });
      }
      const { kind, payload, transfer } = send(null, opts.args);
      const vid = nextVid++;
      const ref = makeRef([index + 1, vid, 1]);
      live.set(vid, { ref, behaviour });
      if (opts.name !== undefined) names.set(opts.name, ref);
      post(pool[index], { t: 'spawn', vid, name: behaviour, kind, payload, mailbox: opts.mailbox }, transfer);
      return ref;
    },
    cast(ref, msg, opts) {
      if (opts?.wait) {
        try {
          const w = target('cast', ref);
          const { kind, payload, transfer } = send(ref, msg);
          const id = nextCall++;
          post(w, { t: 'castWait', id, vid: ref.slot, kind, payload }, transfer);
          return new Promise((resolve, reject) => pending.set(id, { vid: ref.slot, node: ref.node, resolve, reject }));
        } catch (e) {
          return Promise.reject(e);
        }
      }
      const w = target('cast', ref);
      const { kind, payload, transfer } = send(ref, msg);
      post(w, { t: 'cast', vid: ref.slot, kind, payload }, transfer);
    },
    call(ref, msg, opts = {}) {
      try {
        const w = target('call', ref);
        const timeout = checkTimeout('call', opts?.timeout);
        const signal = opts?.signal;
        if (signal?.aborted) return Promise.reject(abortedError('call', signal.reason));
        const { kind, payload, transfer } = send(ref, msg);
        const id = nextCall++;
        post(w, { t: 'call', id, vid: ref.slot, kind, payload, deadline: wallNow() + timeout }, transfer);
        return new Promise((resolve, reject) => {
          const entry = { vid: ref.slot, node: ref.node, resolve, reject };
          pending.set(id, entry);
          if (!signal) return;
          const onAbort = () => {
            if (!pending.delete(id)) return;
            post(w, { t: 'cancel', id });
            reject(abortedError('call', signal.reason));
          };
          signal.addEventListener('abort', onAbort, { once: true });
          entry.resolve = (v) => { signal.removeEventListener('abort', onAbort); resolve(v); };
          entry.reject = (e) => { signal.removeEventListener('abort', onAbort); reject(e); };
        });
      } catch (e) {
        return Promise.reject(e);
      }
    },
    stop(ref, reason = 'normal') {
      const w = target('stop', ref);
      post(w, { t: 'stop', vid: ref.slot, reason: String(reason) });
      forget(ref.slot);
    },
    register(name, ref) {
      if (typeof name !== 'string') throw typeError(`register: argument 'name' must be a string, got ${typeof name}`);
      target('register', ref);
      const held = names.get(name);
      if (held && held !== live.get(ref.slot)?.ref) throw new KatalystError('name_taken', `register: name ${JSON.stringify(name)} is already held`);
      names.set(name, live.get(ref.slot).ref);
    },
    whereis(name) {
      if (typeof name !== 'string') throw typeError(`whereis: argument 'name' must be a string, got ${typeof name}`);
      return names.get(name);
    },
    isAlive(ref) {
      checkRef('isAlive', ref);
      return live.has(ref.slot) && !dead.has(ref.slot) && ref.node >= 1 && ref.node <= workers;
    },
    sendAfter(ref, msg, ms) {
      const w = target('sendAfter', ref);
      if (typeof ms !== 'number' || !(ms >= 0)) throw Object.assign(new RangeError(`sendAfter: argument 'ms' must be a non-negative number, got ${ms}`), { code: 'out_of_range' });
      const { kind, payload, transfer } = send(ref, msg);
      const tid = nextTimer++;
      post(w, { t: 'sendAfter', tid, vid: ref.slot, kind, payload, at: wallNow() + ms }, transfer);
      return { cancel: () => post(w, { t: 'cancelTimer', tid }) };
    },
    /** What the page knows now; per-actor figures come from the workers' last reports. */
    stats() {
      for (const w of pool) post(w, { t: 'stats' });
      const actors = [...live.values()].map(({ ref }) => {
        const s = workerStats[ref.node - 1]?.actors.find((a) => a.vid === ref.slot);
        return { mailboxLen: 0, processed: 0, errors: 0, meanServiceMs: 0, ...s, vid: undefined, ref };
      });
      return {
        live: live.size, actors, castErrors, pendingCalls: pending.size, workersTrapped: trappedCount,
        workers: pool.map((_, i) => ({ ...(workerStats[i]?.workers?.[0] ?? {}), live: workerStats[i]?.live, memoryBytes: workerStats[i]?.memoryBytes })),
        memoryBytes: workerStats.reduce((sum, w) => sum + (w?.memoryBytes ?? 0), 0), // every worker's own wasm memory
        workersReady: readyAt.filter((t) => t !== undefined).length,
        poolReadyMs: readyAt.filter((t) => t !== undefined).length === workers ? Math.max(...readyAt) - startedAt : undefined,
      };
    },
    /**
     * Events since the last call, as in `mt`; `st` workers run their own watchdog and forward
     * `longHandler` / `workerHung` / `exited` events after each slice (refs are page refs).
     */
    takeEvents() {
      return events.splice(0);
    },
    close() {
      for (const w of pool) w.terminate();
    },
  };
  // OTP layer (otp.js): the operations run on one node's system, routed by postMessage.
  Object.assign(api, otpApi({
    executor: 'st', pending, live, workers, nextId: () => nextCall++, epoch: (node) => epochs[node - 1],
    post: (node, msg, transfer) => post(pool[node - 1], msg, transfer), // in order with the other requests
    loadModule: (b, node) => loader.load(node - 1, moduleSpec(b)),
  }, { ...api }));
  ctxApi = api;
  return Object.freeze(api);
}
