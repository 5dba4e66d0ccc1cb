// An actor worker.
// - `threads` (mt executor): instantiates the threads build over the page's shared memory,
//   attaches one scheduler worker of the one shared system and runs slices of a few ms,
//   returning to its event loop between slices; idle, it blocks in `Atomics.wait` on its wake
//   word, which whoever enqueues work notifies. A worker may block, and a blocked worker wakes in
//   microseconds where `Atomics.waitAsync` goes through the event loop first (measured: call
//   round trip main → Rust echo → main 85 → 20 µs). The page sets this worker's `mail` flag and
//   wakes it when it posts a message here, and the loop returns to the event loop at least every
//   `SLICE_MS`, so messages, timers and promises of JS behaviours still run.
// - `single` (st executor, no SharedArrayBuffer): runs its own single-thread instance with its
//   own one-worker system (its node number in refs); the page talks to it by postMessage, and it
//   sleeps on a timer (the next actor timer) or until a message arrives.
import { serializeError, deserializeError } from '../errors.js';
import { encode, decode, encodeState, decodeState } from './codec.js';
import { otpWorker, withCapability } from './otp.js'; // OTP layer (issue 7)

// Start loading this build's glue at once (the page names the worker after the build), while
// the page is still preparing the 'start' message: it shortens the cold start of the pool.
const glue = self.name.startsWith('katalyst-actor-single') ? import('../st/katalyst.js') : import('../mt/katalyst.js');
glue.catch(() => {}); // reported by start() when it awaits it

const SLICE_TURNS = 1024;
const SLICE_MS = 4;
// Re-check for work this long before parking, if the scheduler lets this worker search (at
// most half the workers search at once): a parked worker costs whoever brings work a futex
// wake-up, and a searching one takes it without (Rust actors on two workers: 55 → 5 µs per call
// round trip). Work queued while a worker searches wakes no sleeper, so one spinning worker
// is all a stream of casts from the page keeps busy beside it.
const SPIN_MS = 0.05;
const SLEEPING = 1;
const MAX_BLOCK_MS = 250;

let mod = null;
let started = false;
let trapped = false;
let wake = null; // mt: Int32Array over this worker's wake word
let mail = null; // mt: Int32Array of the page's "posted to worker i" flags
let memory = null; // st: this instance's wasm memory
let myIndex = 0;
let single = false;
let parked = false; // st: waiting for a message or `sleepTimer`
let sleepTimer = 0;
const tick = new MessageChannel();
tick.port1.onmessage = () => loop();

// A trap (a Rust panic under panic=abort) leaves this instance unusable: from now on nothing
// here calls into it again (every entry point checks `trapped`), and the page reaps the actor
// it was running (`mt`) or the whole node (`st`) and starts a fresh worker.
function onTrap(e) {
  if (trapped) return;
  trapped = true;
  postMessage({ t: 'trapped', message: e?.message ?? String(e), stack: e?.stack });
}

/** Runs `f` (a call into the instance) unless it trapped; a trap is reported. */
function guard(f) {
  if (trapped) return undefined;
  try {
    return f();
  } catch (e) {
    onTrap(e);
    return undefined;
  }
}

function loop() {
  if (trapped) return;
  const entered = performance.now();
  for (;;) {
    let r;
    try {
      r = mod.actorsRunSlice(SLICE_TURNS, SLICE_MS);
    } catch (e) {
      // Only a trap gets here (JS handler errors are caught inside the turn).
      onTrap(e);
      return;
    }
    if (single) { flushEvents(); flushReplies(); }
    if (r === 2) return; // halted
    if (r === 1) { tick.port2.postMessage(0); return; } // busy: yield to the event loop first
    if (!single && mod.actorsBeginSearch()) {
      const until = performance.now() + SPIN_MS;
      let work;
      while (!(work = mod.actorsHasWork()) && performance.now() < until);
      if (work) continue;
    }
    if (!single && (Atomics.exchange(mail, myIndex, 0) !== 0 || performance.now() - entered > SLICE_MS)) {
      tick.port2.postMessage(0); // let the event loop run (posted messages, JS timers), then go on
      return;
    }
    const t = mod.actorsBeginPark();
    if (t === -2) continue;
    if (single) {
      parked = true;
      if (t >= 0) sleepTimer = setTimeout(unpark, Math.max(0, t));
      return;
    }
    if (myCalls.size > 0 || held > 0) {
      // A JS handler awaits something (ctx.call, an async handle): its promise settles in this
      // worker's event loop, so wait without blocking it.
      const w = Atomics.waitAsync(wake, 0, SLEEPING, t < 0 ? Infinity : Math.max(0, t));
      if (w.async) {
        w.value.then(() => { if (guard(() => (mod.actorsEndPark(), true))) loop(); });
        return;
      }
    } else Atomics.wait(wake, 0, SLEEPING, t < 0 ? MAX_BLOCK_MS : Math.min(MAX_BLOCK_MS, Math.max(0, t)));
    mod.actorsEndPark();
  }
}

function unpark() {
  if (!parked || trapped) return;
  parked = false;
  clearTimeout(sleepTimer);
  mod.actorsEndPark();
  loop();
}

// ---- st: requests from the page, keyed by the page's ids ----
const actors = new Map(); // page vid → [slot, generation] in this instance
const calls = new Map(); // this instance's call id → page call id
const callIds = new Map(); // page call id → this instance's call id
const timers = new Map(); // page timer id → this instance's timer id

// Deadlines come from the page as wall times, so time spent in transit or while this worker
// was starting counts.
const wallNow = () => performance.timeOrigin + performance.now();

function errorData(e) {
  return { ...serializeError(e), reason: e?.reason };
}

// st: answers to checked casts (`castCaps`), sent with the next batch of replies.
const acks = [];
// st: capability sets by the page's set id → this instance's interned set (verified once,
// not per cast). The page sends a set's tokens with its first cast here, and drops it when
// its key is collected.
const capSets = new Map();
let lastSet = 0; // the set id of the last checked cast (the page omits it when it repeats)

// Every reply ready now goes to the page in one message.
function flushReplies() {
  const list = acks.splice(0), transfer = [];
  for (let c = mod.actorsTakeCompletion(); c !== undefined; c = mod.actorsTakeCompletion()) {
    const id = calls.get(c[0]);
    if (id === undefined) continue;
    calls.delete(c[0]);
    callIds.delete(id);
    c = otpWorker.reply(actors, c); // OTP hook: refs in OTP results become page refs
    if (c[1] === -1) list.push({ id, error: errorData(c[2]) });
    else {
      list.push({ id, kind: c[1], payload: c[2] });
      if (c[2] instanceof Uint8Array) transfer.push(c[2].buffer);
    }
  }
  if (list.length === 1) postMessage({ t: 'reply', ...list[0] }, transfer);
  else if (list.length > 1) postMessage({ t: 'replies', list }, transfer);
}

// st: watchdog and exit events of this worker's system, forwarded to the page with page refs.
function flushEvents() {
  const events = mod.actorsTakeEvents();
  if (events.length === 0) return;
  for (const e of events) if (e.ref) e.ref = selfRef(e.ref.slot, e.ref.generation) ?? e.ref;
  postMessage({ t: 'events', events });
}

function handle(d) {
  if (d.t === 'ctxReply') return ctxReply(d);
  const ref = actors.get(d.vid) ?? [0xffffffff, 0];
  try {
    switch (d.t) {
      case 'spawn': {
        const [, slot, generation] = d.js === undefined
          ? mod.actorsSpawn(d.name, d.kind, d.payload, d.mailbox, undefined)
          : mod.actorsSpawnJs(d.js, d.kind, d.payload, d.mailbox, undefined);
        actors.set(d.vid, [slot, generation]);
        break;
      }
      case 'cast': mod.actorsCast(ref[0], ref[1], d.kind, d.payload); break;
      case 'call': {
        const cid = mod.actorsCall(ref[0], ref[1], d.kind, d.payload, Math.max(0, d.deadline - wallNow()));
        calls.set(cid, d.id);
        callIds.set(d.id, cid);
        break;
      }
      case 'castWait': {
        const cid = mod.actorsCastWait(ref[0], ref[1], d.kind, d.payload);
        calls.set(cid, d.id);
        callIds.set(d.id, cid);
        break;
      }
      case 'cancel': {
        const cid = callIds.get(d.id);
        if (cid !== undefined) { callIds.delete(d.id); calls.delete(cid); mod.actorsCancel(cid); }
        break;
      }
      case 'stop': mod.actorsStop(ref[0], ref[1], d.reason); break;
      case 'sendAfter': timers.set(d.tid, mod.actorsSendAfter(ref[0], ref[1], d.kind, d.payload, Math.max(0, d.at - wallNow()))); break;
      case 'cancelTimer': mod.actorsCancelTimer(timers.get(d.tid) ?? 0); timers.delete(d.tid); break;
      case 'otp': otpWorker.node = myNode; otpWorker.op(mod, d, actors, calls); break; // OTP hook
      case 'castCaps': {
        const id = (lastSet = d.set ?? lastSet); // the page leaves out a repeated set id
        if (d.caps !== undefined && !capSets.has(id)) capSets.set(id, mod.actorsCapSet(d.caps));
        mod.actorsCastCaps(capSets.get(id) ?? 0, ref[0], ref[1], d.kind, d.payload);
        if (d.id !== undefined) acks.push({ id: d.id, ack: true, fixed: mod.actorsFixedRequirement(ref[0], ref[1]) });
        break;
      }
      case 'capSetDrop': {
        const set = capSets.get(d.set);
        if (set !== undefined) { capSets.delete(d.set); mod.actorsCapSetDrop(set); }
        break;
      }
      case 'stats': {
        const stats = mod.actorsStats();
        const vids = new Map([...actors].map(([vid, [slot, gen]]) => [`${slot}.${gen}`, vid]));
        stats.actors = stats.actors.map((a) => ({ ...a, vid: vids.get(`${a.ref.slot}.${a.ref.generation}`) })).filter((a) => a.vid !== undefined);
        stats.memoryBytes = memory.buffer.byteLength;
        postMessage({ t: 'stats', stats });
        break;
      }
    }
  } catch (e) {
    if (d.t === 'castCaps' && d.id !== undefined) acks.push({ id: d.id, error: errorData(e) });
    else if (d.t === 'call' || d.t === 'castWait') postMessage({ t: 'reply', id: d.id, error: errorData(e) });
    else if (d.vid !== undefined) postMessage({ t: 'failed', vid: d.vid, op: d.t, error: errorData(e) });
  }
}

// ---- JS module behaviours (both builds): called from Rust inside an actor's turn ----
const behaviours = new Map(); // behaviour id → { init, handle }
otpWorker.install(behaviours); // OTP hooks: migrate, terminate

async function loadBehaviour({ id, url, export: name }) {
  const m = await import(/* @vite-ignore */ url);
  const b = name === undefined ? m : m[name];
  if (b === undefined) throw new TypeError(`spawn: module ${url} has no export '${name}'`);
  const handle = b.handle ?? (typeof b === 'function' ? b : undefined);
  if (typeof handle !== 'function') throw new TypeError(`spawn: ${url}${name ? ` export '${name}'` : ''} has no handle(state, msg, ctx) function`);
  behaviours.set(id, { init: b.init, handle, migrate: b.migrate, terminate: b.terminate, exports: b }); // OTP: migrate/terminate
}

function behaviour(id) {
  const b = behaviours.get(id);
  if (!b) throw new Error(`JS behaviour ${id} is not loaded in this worker`);
  return b;
}

function selfRef(slot, generation) {
  if (!single) return Object.freeze({ node: 0, slot, generation });
  for (const [vid, [s, g]] of actors) if (s === slot && g === generation) return Object.freeze({ node: myNode, slot: vid, generation: 1 });
  otpWorker.node = myNode;
  return Object.freeze(otpWorker.toPage(actors, slot, generation)); // OTP hook: made by a supervisor or pool
}

globalThis.__katalystActorInit = (id, kind, payload) => {
  const b = behaviour(id);
  const state = b.init ? b.init(decode(kind, payload)) : undefined;
  if (state instanceof Promise) throw new TypeError('init: must return the state, not a Promise (handlers are synchronous)');
  return encodeState(state);
};

// ---- ctx.call: mt through this worker's own completion queue; st through the page ----
const myCalls = new Map(); // call id → { resolve, reject }
let callWord = null; // mt: Int32Array over this worker's completion notify word
let nextCtxCall = 1;
let held = 0; // async handles not settled yet (their actors are held)

function drainCalls() {
  for (let c = guard(() => mod.actorsTakeCompletion()); c !== undefined; c = guard(() => mod.actorsTakeCompletion())) {
    const p = myCalls.get(c[0]);
    if (!p) continue;
    myCalls.delete(c[0]);
    if (c[1] === -1) p.reject(withCapability(c[2]));
    else p.resolve(decode(c[1], c[2]));
  }
}

function listenCalls() {
  while (!trapped) {
    const seen = Atomics.load(callWord, 0);
    drainCalls();
    const w = Atomics.waitAsync(callWord, 0, seen);
    if (w.async) { w.value.then(listenCalls); return; }
  }
}

function ctxReply(d) {
  const p = myCalls.get(d.id);
  if (!p) return;
  myCalls.delete(d.id);
  if (d.error) {
    const e = deserializeError(d.error);
    if (d.error.reason !== undefined) e.reason = d.error.reason;
    if (d.error.capability !== undefined) e.capability = d.error.capability;
    p.reject(withCapability(e));
  } else p.resolve(decode(d.kind, d.payload));
}

function callTimeout(opts) {
  const t = opts?.timeout ?? 5000;
  if (typeof t !== 'number' || !(t >= 0) || t > 2 ** 31) {
    throw Object.assign(new RangeError(`ctx.call: 'opts.timeout' must be a number of milliseconds from 0 to 2^31, got ${t}`), { code: 'out_of_range' });
  }
  return t;
}

function checkCtxRef(func, ref) {
  if (ref === null || typeof ref !== 'object' || !Number.isInteger(ref.slot) || !Number.isInteger(ref.generation)) {
    throw Object.assign(new TypeError(`${func}: argument 'ref' must be an ActorRef, got ${ref === null ? 'null' : typeof ref}`), { code: 'invalid_type' });
  }
}

// Capabilities (issue 7 §4): while a handler handles a message that carried capabilities
// (handle `hold`, also after an await in an async handle), its ctx.call / ctx.cast carry
// them, plus the tokens it passes in `opts.caps` (delegation); `opts.inherit: false` drops
// the inherited ones. Without either, a send carries none (deny by default).
function ctxOpts(func, opts) {
  if (opts === undefined) return undefined;
  if (opts === null || typeof opts !== 'object') throw Object.assign(new TypeError(`${func}: argument 'opts' must be an object, got ${opts === null ? 'null' : typeof opts}`), { code: 'invalid_type' });
  if (opts.caps === undefined) return undefined;
  if (!Array.isArray(opts.caps)) throw Object.assign(new TypeError(`${func}: 'opts.caps' must be an array of capability tokens, got ${typeof opts.caps}`), { code: 'invalid_type' });
  // A Capability from the page, or its wire form { capability, tag } received in a message.
  return opts.caps.map((t, i) => {
    const w = typeof t?.toJSON === 'function' ? t.toJSON() : t;
    if (w === null || typeof w !== 'object' || typeof w.capability !== 'string' || typeof w.tag !== 'string') {
      throw Object.assign(new TypeError(`${func}: 'opts.caps[${i}]' must be a capability token ({ capability, tag }), got ${w === null ? 'null' : typeof w}`), { code: 'invalid_type' });
    }
    return { capability: w.capability, tag: w.tag };
  });
}

function withCaps(hold, opts, caps) {
  return caps !== undefined || (opts?.inherit !== false && hold !== 0 && guard(() => mod.actorsCtxHasCaps(hold)) === true);
}

/** `st`: the tokens to carry through the page (`undefined`: none). */
function stCaps(hold, opts, caps) {
  if (!withCaps(hold, opts, caps)) return undefined;
  const r = mod.actorsCtxCaps(hold, { caps, inherit: opts?.inherit });
  return decode(3, r.value);
}

function ctxCall(ref, msg, opts, hold = 0, self = undefined) {
  try {
    checkCtxRef('ctx.call', ref);
    const timeout = callTimeout(opts);
    const caps = ctxOpts('ctx.call', opts);
    const [kind, payload] = encode(msg);
    if (single) {
      const id = nextCtxCall++;
      const carried = stCaps(hold, opts, caps);
      postMessage({ t: 'ctxCall', id, ref: { node: ref.node, slot: ref.slot, generation: ref.generation }, kind, payload, timeout, caps: carried }, kind === 3 ? [payload.buffer] : []);
      return new Promise((resolve, reject) => myCalls.set(id, { resolve, reject }));
    }
    const id = withCaps(hold, opts, caps)
      ? mod.actorsCtxSend(hold, self, ref, kind, payload, { call: true, timeout, caps, inherit: opts?.inherit })
      : mod.actorsCall(ref.slot, ref.generation, kind, payload, timeout);
    const p = new Promise((resolve, reject) => myCalls.set(id, { resolve, reject }));
    drainCalls(); // it may have finished at once
    return p;
  } catch (e) {
    return Promise.reject(withCapability(e));
  }
}

/**
 * `ctx.spawn({ module, export, args }, opts)` (both builds): the page loads the module where
 * it runs and spawns it (`st`: on this node unless `opts.worker` says otherwise); a Promise
 * of its ref, through the same reply path as `ctx.call`.
 */
function ctxSpawnJs(behaviour, opts) {
  try {
    const url = behaviour.module instanceof URL ? behaviour.module.href : behaviour.module;
    if (typeof url !== 'string') throw Object.assign(new TypeError(`ctx.spawn: 'behaviour.module' must be a URL or a string, got ${typeof behaviour.module}`), { code: 'invalid_type' });
    if (opts === null || typeof opts !== 'object') throw Object.assign(new TypeError(`ctx.spawn: argument 'opts' must be an object, got ${opts === null ? 'null' : typeof opts}`), { code: 'invalid_type' });
    const [kind, payload] = encode(behaviour.args, 'behaviour.args');
    const id = -(nextCtxCall++); // apart from mt's call ids (positive, from Rust)
    const o = { mailbox: opts.mailbox, name: opts.name, worker: opts.worker ?? (single ? myNode - 1 : undefined) };
    postMessage({ t: 'ctxSpawn', id, module: new URL(url, globalThis.location?.href).href, export: behaviour.export, kind, payload, opts: o }, kind === 3 ? [payload.buffer] : []);
    return new Promise((resolve, reject) => myCalls.set(id, { resolve: (r) => resolve(Object.freeze(r)), reject }));
  } catch (e) {
    return Promise.reject(e);
  }
}

globalThis.__katalystActorHandle = (id, stateBytes, kind, payload, slot, generation, isCall, holdId) => {
  const b = behaviour(id);
  let replied = false, reply;
  const ctx = {
    self: selfRef(slot, generation),
    isCall,
    reply(v) { replied = true; reply = v; },
  };
  // Asks this actor (or, threads build, any actor) to exit after the current message.
  // Calls another actor: a Promise of its reply (`timeout` 5000 ms by default; `noproc`,
  // `actor_exited`, `timeout` reject). Await it in an async handle: the actor is held (handles
  // nothing else) until the handle settles, while the worker runs other actors.
  const me = { slot, generation };
  ctx.call = (ref, msg, opts) => ctxCall(ref, msg, opts, holdId, me);
  ctx.stop = (ref = ctx.self, reason = 'normal') => {
    if (single) {
      if (ref !== ctx.self) throw new TypeError('ctx.stop: in the single-thread build a behaviour can only stop itself');
      mod.actorsStop(slot, generation, String(reason));
    } else mod.actorsStop(ref.slot, ref.generation, String(reason));
  };
  if (single) {
    // Through the page, like ctx.call (in order with this worker's calls); noproc,
    // mailbox_full and forbidden are counted by the page (stats().castErrors), not thrown here.
    ctx.cast = (ref, msg, opts) => {
      checkCtxRef('ctx.cast', ref);
      const caps = stCaps(holdId, opts, ctxOpts('ctx.cast', opts));
      const [k, p] = encode(msg);
      postMessage({ t: 'ctxCast', ref: { node: ref.node, slot: ref.slot, generation: ref.generation }, kind: k, payload: p, caps }, k === 3 ? [p.buffer] : []);
    };
  } else {
    ctx.cast = (ref, msg, opts) => {
      checkCtxRef('ctx.cast', ref);
      const caps = ctxOpts('ctx.cast', opts);
      const [k, p] = encode(msg);
      if (withCaps(holdId, opts, caps)) {
        try {
          mod.actorsCtxSend(holdId, me, ref, k, p, { call: false, caps, inherit: opts?.inherit });
        } catch (e) {
          throw withCapability(e);
        }
      } else mod.actorsCast(ref.slot, ref.generation, k, p);
    };
  }
  // Spawns a Rust behaviour by name (a ref at once; `st`: on this node, and the page learns of
  // it before any message this handler sends next), or a JS module behaviour (a Promise).
  ctx.spawn = (name, opts = {}) => {
    if (name !== null && typeof name === 'object') return ctxSpawnJs(name, opts ?? {});
    if (typeof name !== 'string') throw Object.assign(new TypeError(`ctx.spawn: argument 'behaviour' must be a Rust behaviour name or { module, export, args }, got ${name === null ? 'null' : typeof name}`), { code: 'invalid_type' });
    if (opts === null || typeof opts !== 'object') throw Object.assign(new TypeError(`ctx.spawn: argument 'opts' must be an object, got ${opts === null ? 'null' : typeof opts}`), { code: 'invalid_type' });
    const [k, p] = encode(opts.args, 'opts.args');
    if (!single) {
      const [node, s, g] = mod.actorsSpawn(name, k, p, opts.mailbox, opts.name);
      return Object.freeze({ node, slot: s, generation: g });
    }
    // st: spawned in this worker's system; the ref gets a page number (as refs made by
    // supervisors and pools do) and the page is told (names are the page's).
    const [, s, g] = mod.actorsSpawn(name, k, p, opts.mailbox, undefined);
    otpWorker.node = myNode;
    const ref = Object.freeze(otpWorker.toPage(actors, s, g));
    postMessage({ t: 'spawned', ref, behaviour: name, name: opts.name });
    return ref;
  };
  otpWorker.extendCtx(ctx, mod, single ? actors : null, slot, generation); // OTP hook: ctx.link, monitor, …
  const msg = single ? otpWorker.incoming(actors, decode(kind, payload)) : decode(kind, payload); // OTP hook
  const next = b.handle(decodeState(stateBytes), msg, ctx);
  if (next !== null && typeof next === 'object' && typeof next.then === 'function') {
    // An async handle: Rust holds the actor until this settles (HELD mark -2).
    held++;
    Promise.resolve(next).then((state) => {
      held--;
      if (trapped) return;
      let out;
      try {
        const [rk, rp] = replied ? encode(reply, 'reply') : [0, undefined];
        out = [state === undefined ? undefined : encodeState(state), rk, rp];
      } catch (e) {
        guard(() => mod.actorsResumeError(holdId, e));
        unpark();
        return;
      }
      guard(() => mod.actorsResume(holdId, out[0], out[1], out[2]));
      unpark();
    }, (e) => {
      held--;
      guard(() => mod.actorsResumeError(holdId, e instanceof Error ? e : new Error(String(e))));
      unpark();
    });
    return [undefined, -2, undefined];
  }
  const [rk, rp] = replied ? encode(reply, 'reply') : [0, undefined];
  return [next === undefined ? undefined : encodeState(next), rk, rp];
};

let myNode = 0;

async function start(data) {
  if (data.build === 'threads') {
    mod = await glue;
    await mod.default({ module_or_path: data.module, memory: data.memory });
    const { wakeAddrs } = mod.actorsStart({});
    // A replacement (the previous worker of this index trapped) loads the JS behaviours
    // first, so it never meets an actor whose module it lacks.
    await Promise.allSettled(loads);
    const callAddr = data.replace ? mod.actorsWorkerReplace(data.index) : mod.actorsWorkerAttach(data.index);
    wake = new Int32Array(data.memory.buffer, wakeAddrs[data.index], 1);
    mail = data.mail;
    myIndex = data.index;
    callWord = new Int32Array(data.memory.buffer, callAddr, 1);
    listenCalls();
  } else {
    single = true;
    myNode = data.node;
    // Page numbers for refs made here (supervisors, pools, ctx.spawn): from the range the page
    // gave this worker, so no two workers (nor a replacement and its predecessor) share one.
    otpWorker.node = myNode;
    otpWorker.next = data.vidBase;
    mod = await glue;
    ({ memory } = await mod.default({ module_or_path: data.module }));
    mod.actorsStart({ workers: 1, node: data.node, mailbox: data.mailbox, watchdogMs: data.watchdogMs });
    mod.actorsWorkerAttach(0);
  }
  started = true;
  postMessage({ t: 'ready' });
  loop();
}

const early = []; // st requests that arrive while the instance or a JS module loads
const loads = []; // module loads in flight or done (a replacement awaits them before attaching)
let loading = 0;
self.onmessage = async ({ data }) => {
  if (data.t === 'load') {
    loading++;
    try {
      const p = loadBehaviour(data);
      loads.push(p.catch(() => {}));
      await p;
      postMessage({ t: 'loaded', id: data.id });
    } catch (e) {
      postMessage({ t: 'loaded', id: data.id, error: errorData(e) });
    }
    loading--;
    if (started && !loading) { for (const d of early.splice(0)) handle(d); if (single) { flushReplies(); unpark(); } }
    return;
  }
  if (data.t === 'start') {
    try {
      await start(data);
      if (!loading) for (const d of early.splice(0)) handle(d);
      if (single) { flushReplies(); unpark(); }
    } catch (e) {
      postMessage({ t: 'error', message: e?.message ?? String(e) });
    }
    return;
  }
  if (trapped) return;
  if (!single && data.t === 'ctxReply') { ctxReply(data); return; } // mt: a ctx.spawn answered
  const batch = data.t === 'batch' ? data.msgs : [data]; // the page sends a task's requests at once
  if (!started || loading) { early.push(...batch); return; }
  for (const d of batch) handle(d);
  flushReplies();
  unpark();
};
