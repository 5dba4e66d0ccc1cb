// The OTP layer of `k.actors`: supervisors, links and monitors, pools, capabilities, hot
// upgrade, introspection and events. Every operation is one call of the wasm export
// `otpOp(op, args)` on the system that owns the actors:
// - `mt`: the page calls it directly on the one shared system;
// - `st`: the page posts `{ t: 'otp', … }` to the worker of the node that owns the actors and
//   that worker runs it on its own system (`otpWorker.op` below). A supervision tree, a pool,
//   the capability authority and the actors they manage live on one node (node 1 unless
//   `{ near: ref }` names another): refs made there get page numbers like any other.
// Every OTP function returns a Promise in both executors (in `st` the work is in a worker).
import { KatalystError } from '../errors.js';
import { encode, decode, encodeState, decodeState } from './codec.js';

const isRef = (v) => v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && Number.isInteger(v.slot) && Number.isInteger(v.generation) && Number.isInteger(v.node);

/** Replaces every ref inside `v` (plain objects and arrays) by `f(ref)`. */
function mapRefs(v, f) {
  if (Array.isArray(v)) return v.map((x) => mapRefs(x, f));
  if (isRef(v)) return f(v);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o = {};
    for (const k of Object.keys(v)) o[k] = mapRefs(v[k], f);
    return o;
  }
  return v;
}

const freezeRefs = (v) => mapRefs(v, (r) => Object.freeze({ node: r.node, slot: r.slot, generation: r.generation }));

/** `forbidden` errors name the missing capability in `capability`. */
export function withCapability(e) {
  if (e?.code === 'forbidden' && e.capability === undefined) {
    const m = /requires capability "(.*)"/.exec(e.message ?? '');
    if (m) try { e.capability = m[1]; } catch { /* frozen */ }
  }
  return e;
}

function typeError(message) {
  return Object.assign(new TypeError(message), { code: 'invalid_type' });
}

function describe(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function checkRef(func, name, ref) {
  if (!isRef(ref)) throw typeError(`${func}: argument '${name}' must be an ActorRef { node, slot, generation }, got ${describe(ref)}`);
  return ref;
}

// A token's own link to the set it was interned as alone (`{ caps: [token] }`), so the usual
// checked send finds its set without a `WeakMap` lookup: `{ cache, entry }` of one `k.actors`.
let internedOf, intern;

/** A capability token: opaque, unforgeable (its tag is an HMAC under the system's secret). */
export class Capability {
  #t;
  #interned = undefined;
  static {
    internedOf = (c) => (#interned in c ? c.#interned : undefined);
    intern = (c, cache, entry) => { c.#interned = { cache, entry }; };
  }
  constructor(t) { this.#t = t; Object.freeze(this); }
  /** What it grants, e.g. `'file.read:/docs/*'`. */
  get capability() { return this.#t.capability; }
  /** The wire form `{ capability, tag }` (for delegation across workers or pages). */
  toJSON() { return { ...this.#t }; }
  toString() { return `Capability(${this.#t.capability})`; }
}

function tokenOf(func, name, t) {
  if (t instanceof Capability) return t.toJSON();
  if (t !== null && typeof t === 'object' && typeof t.capability === 'string' && typeof t.tag === 'string') return { capability: t.capability, tag: t.tag };
  throw typeError(`${func}: '${name}' must be a capability token from k.actors.capabilities.issue(), got ${describe(t)}`);
}

function tokens(func, caps) {
  if (!Array.isArray(caps)) throw typeError(`${func}: 'opts.caps' must be an array of capability tokens, got ${describe(caps)}`);
  return caps.map((c, i) => tokenOf(func, `opts.caps[${i}]`, c));
}

/**
 * Adds the OTP functions to a `k.actors` object. `x` gives the executor's internals:
 * `{ executor: 'mt', otpOp, pending, loadModule(behaviour) }` or
 * `{ executor: 'st', post(node, msg), nextId(), epoch(node), pending, live, workers, loadModule(behaviour, node) }`;
 * `base` is the `k.actors` object without them.
 */
export function otpApi(x, base) {
  const st = x.executor === 'st';
  const home = (near) => (st ? (near ? checkRef('near', 'opts.near', near).node : 1) : 0);
  const loaded = new Map(); // `${node}.${epoch}|${module}#${export}` → behaviour id (loaded there)
  const roots = new Map(); // supervisor key → ref (tree roots)

  // Runs `op` on `node`; resolves with its value, or with `{ value, done }` when it has both.
  function run(node, op, args, transfer = []) {
    return runRaw(node, op, args, transfer).catch((e) => { throw withCapability(e); });
  }
  function runRaw(node, op, args, transfer) {
    if (!st) {
      let r;
      try { r = x.otpOp(op, args); } catch (e) { return Promise.reject(e); }
      const value = r.value === undefined ? undefined : freezeRefs(decode(3, r.value));
      if (r.call === undefined) return Promise.resolve(value);
      const done = new Promise((resolve, reject) => x.pending.set(r.call, { resolve: (v) => resolve(freezeRefs(v)), reject: (e) => reject(withCapability(e)) }));
      return r.value === undefined ? done : Promise.resolve({ value, done });
    }
    const register = (v) => mapRefs(v, (r) => {
      const ref = Object.freeze({ node: r.node, slot: r.slot, generation: r.generation });
      if (!x.live.has(ref.slot)) x.live.set(ref.slot, { ref, behaviour: 'otp' });
      return x.live.get(ref.slot).ref;
    });
    const id = x.nextId();
    const both = op === 'supervise';
    const doneId = both ? x.nextId() : undefined;
    const first = new Promise((resolve, reject) => x.pending.set(id, { node, resolve: (v) => resolve(register(v)), reject }));
    const done = both ? new Promise((resolve, reject) => x.pending.set(doneId, { node, resolve: (v) => resolve(register(v)), reject: (e) => reject(withCapability(e)) })) : undefined;
    x.post(node, { t: 'otp', id, doneId, op, args }, transfer);
    return both ? first.then((value) => ({ value, done })) : first;
  }

  /** A behaviour spec → `{ name | js, kind, payload }` with its module loaded where it runs. */
  async function make(func, name, b, node) {
    if (typeof b === 'string') {
      const [kind, payload] = encode(undefined);
      return { name: b, kind, payload };
    }
    if (b === null || typeof b !== 'object') throw typeError(`${func}: '${name}' must be a Rust behaviour name or { module, export, args }, got ${describe(b)}`);
    if (b.behaviour !== undefined) {
      const [kind, payload] = encode(b.args, `${name}.args`);
      if (typeof b.behaviour !== 'string') throw typeError(`${func}: '${name}.behaviour' must be a string, got ${describe(b.behaviour)}`);
      return { name: b.behaviour, kind, payload };
    }
    if (b.module === undefined) throw typeError(`${func}: '${name}' must be a Rust behaviour name, { behaviour, args } or { module, export, args }, got an object without 'module'`);
    const [kind, payload] = encode(b.args, `${name}.args`);
    return { js: await loadJs(b, node), kind, payload };
  }

  // st: with the worker's epoch, so a worker that replaced a trapped one loads it again.
  function moduleKey(b, node) {
    const url = b.module instanceof URL ? b.module.href : String(b.module);
    return `${node}.${st ? x.epoch(node) : 0}|${new URL(url, globalThis.location?.href).href}#${b.export ?? ''}`;
  }

  async function loadJs(b, node) {
    const key = moduleKey(b, node);
    if (!loaded.has(key)) loaded.set(key, await x.loadModule(b, node));
    return loaded.get(key);
  }

  async function childSpec(func, spec, node, path) {
    if (spec === null || typeof spec !== 'object') throw typeError(`${func}: argument '${path}' must be a supervisor spec object, got ${describe(spec)}`);
    if (spec.children !== undefined && !Array.isArray(spec.children)) throw typeError(`${func}: '${path}.children' must be an array, got ${describe(spec.children)}`);
    const children = [];
    for (const [i, c] of (spec.children ?? []).entries()) {
      const at = `${path}.children[${i}]`;
      if (c === null || typeof c !== 'object') throw typeError(`${func}: '${at}' must be a child spec object, got ${describe(c)}`);
      let start;
      if (c.start?.supervisor !== undefined) start = { supervisor: await childSpec(func, c.start.supervisor, node, `${at}.start.supervisor`) };
      else start = await make(func, `${at}.start`, c.start, node);
      children.push({ ...c, start, type: c.type ?? (start.supervisor ? 'supervisor' : undefined) });
    }
    return { ...spec, children };
  }

  const toArgs = (func, msg) => encode(msg, 'args');

  // Casts with `{ caps }`: the tokens are read once per caps array (or per token, for a
  // one-token array, so `{ caps: [t] }` written afresh on each send hits too), and interned as
  // a set in wasm, verified once and freed when its key is collected. In `mt` a send then costs
  // what a plain cast costs plus the check. In `st` the set lives in each worker it was sent
  // to (its tokens travel with the first send there), and `admitted` holds the refs that
  // worker admitted it to under a fixed requirement: later sends there resolve at once.
  const capsCache = new WeakMap(); // caps array or token → { items, list, set, admitted, last (st) }
  let nextSet = 1; // st: page-side set ids
  const lastSent = []; // st, per node: { epoch, set } (the last set id a checked cast carried there)
  const newSet = (list) => (st ? { id: nextSet++, nodes: new Map() } : { id: x.capSet(list) });
  function dropSet(set) {
    if (!st) return x.capSetDrop(set.id);
    for (const [node, epoch] of set.nodes) if (x.epoch(node) === epoch) x.post(node, { t: 'capSetDrop', set: set.id });
  }
  // Holds only the set: a held value that referenced the key would keep it alive.
  const freeSet = new FinalizationRegistry(dropSet);
  function sameTokens(e, caps) {
    if (e.items.length !== caps.length) return false;
    for (let i = 0; i < caps.length; i++) {
      const t = caps[i];
      if (t !== e.items[i]) return false;
      if (!(t instanceof Capability) && (t?.capability !== e.list[i].capability || t?.tag !== e.list[i].tag)) return false;
    }
    return true;
  }
  function capsEntry(func, caps) {
    const alone = Array.isArray(caps) && caps.length === 1 && caps[0] !== null && typeof caps[0] === 'object';
    const key = alone ? caps[0] : caps;
    const interned = alone ? internedOf(key) : undefined;
    if (interned?.cache === capsCache) return interned.entry;
    const e = key !== null && typeof key === 'object' ? capsCache.get(key) : undefined;
    const token = alone && key instanceof Capability;
    if (e && sameTokens(e, caps)) {
      if (token) intern(key, capsCache, e); // another k.actors had interned it since
      return e;
    }
    const list = tokens(func, caps);
    const fresh = { items: caps.slice(), list, admitted: st ? new WeakSet() : undefined, last: undefined };
    if (e) { // changed contents: a new set in the registered `e.set`
      dropSet(e.set);
      return Object.assign(e, fresh, { set: Object.assign(e.set, newSet(list)) });
    }
    fresh.set = newSet(list);
    capsCache.set(key, fresh);
    freeSet.register(key, fresh.set);
    if (token) intern(key, capsCache, fresh);
    return fresh;
  }
  const SENT = Promise.resolve();

  const otp = {
    /**
     * Starts a supervisor (OTP `supervisor:start_link`): resolves with its ref once every child
     * started; rejects with `actor_exited` (`failed_to_start_child …`) otherwise.
     */
    async supervise(spec, opts = {}) {
      const node = home(opts?.near);
      const s = await childSpec('supervise', spec, node, 'spec');
      const { value: sup, done } = await run(node, 'supervise', [s]);
      await done;
      roots.set(`${sup.node}.${sup.slot}.${sup.generation}`, sup);
      return sup;
    },
    async startChild(sup, args) {
      checkRef('startChild', 'sup', sup);
      const [k, p] = toArgs('startChild', args);
      return run(sup.node, 'startChild', [sup, k, p]);
    },
    async whichChildren(sup) {
      checkRef('whichChildren', 'sup', sup);
      return run(sup.node, 'whichChildren', [sup]);
    },
    async terminateChild(sup, child) {
      checkRef('terminateChild', 'sup', sup);
      if (typeof child !== 'string') checkRef('terminateChild', 'child', child);
      return (await run(sup.node, 'terminateChild', [sup, child])) === 1;
    },
    async restartChild(sup, id) {
      checkRef('restartChild', 'sup', sup);
      if (typeof id !== 'string') throw typeError(`restartChild: argument 'id' must be a string, got ${describe(id)}`);
      return run(sup.node, 'restartChild', [sup, id]);
    },
    async deleteChild(sup, id) {
      checkRef('deleteChild', 'sup', sup);
      if (typeof id !== 'string') throw typeError(`deleteChild: argument 'id' must be a string, got ${describe(id)}`);
      return (await run(sup.node, 'deleteChild', [sup, id])) === 1;
    },
    async stopSupervisor(sup) {
      checkRef('stopSupervisor', 'sup', sup);
      roots.delete(`${sup.node}.${sup.slot}.${sup.generation}`);
      await run(sup.node, 'stopSupervisor', [sup]);
    },
    async link(a, b) {
      checkRef('link', 'a', a); checkRef('link', 'b', b);
      sameNode('link', a, b);
      await run(a.node, 'link', [a, b]);
    },
    async unlink(a, b) {
      checkRef('unlink', 'a', a); checkRef('unlink', 'b', b);
      sameNode('unlink', a, b);
      await run(a.node, 'unlink', [a, b]);
    },
    /** `watcher` monitors `target`; resolves with the monitor id (`DOWN` carries it). */
    async monitor(watcher, target) {
      checkRef('monitor', 'watcher', watcher); checkRef('monitor', 'target', target);
      sameNode('monitor', watcher, target);
      const id = await run(watcher.node, 'monitor', [watcher, target]);
      return Object.freeze({ watcher, id });
    },
    async demonitor(m) {
      if (m === null || typeof m !== 'object' || !isRef(m.watcher) || typeof m.id !== 'number') throw typeError(`demonitor: argument 'monitor' must be what monitor() resolved with, got ${describe(m)}`);
      await run(m.watcher.node, 'demonitor', [m.watcher, m.id]);
    },
    async trapExit(ref, on = true) {
      checkRef('trapExit', 'ref', ref);
      if (typeof on !== 'boolean') throw typeError(`trapExit: argument 'on' must be a boolean, got ${describe(on)}`);
      await run(ref.node, 'trapExit', [ref, on]);
    },
    /** Erlang `exit(Ref, Reason)` from outside any actor (`'kill'` cannot be trapped). */
    async exit(ref, reason) {
      checkRef('exit', 'ref', ref);
      if (typeof reason !== 'string') throw typeError(`exit: argument 'reason' must be a string ('normal', 'shutdown', 'kill' or any text), got ${describe(reason)}`);
      await run(ref.node, 'exit', [ref, reason]);
    },
    spawn(behaviour, opts = {}) {
      if (opts === null || typeof opts !== 'object' || (opts.requires === undefined && opts.upgradable === undefined && opts.near === undefined)) return base.spawn(behaviour, opts);
      return (async () => {
        const node = home(opts.near);
        const b = typeof behaviour === 'string' ? { behaviour, args: opts.args } : behaviour;
        const m = await make('spawn', 'behaviour', b, node);
        const ref = await run(node, 'spawn', [{ make: m, mailbox: opts.mailbox, name: opts.name, requires: opts.requires }]);
        if (st && opts.name !== undefined) base.register(opts.name, ref); // the page's name table
        return ref;
      })();
    },
    cast(ref, msg, opts) {
      if (opts?.caps === undefined) return base.cast(ref, msg, opts);
      try {
        checkRef('cast', 'ref', ref);
        const [k, p] = encode(msg);
        if (!st) {
          x.castCaps(capsEntry('cast', opts.caps).set.id, ref.slot, ref.generation, k, p);
          return SENT;
        }
        // st: batched with the task's other requests; answered in the worker's next batch,
        // unless that worker already admitted this set to this actor for good.
        const e = capsEntry('cast', opts.caps); // bad tokens throw before anything is pending
        const { set, admitted } = e;
        const node = ref.node, epoch = x.epoch(node);
        if (lastSent[node]?.epoch !== epoch) lastSent[node] = { epoch, set: 0 };
        // The set id only when it differs from the last one sent to this worker (in order).
        const d = lastSent[node].set === set.id
          ? { t: 'castCaps', vid: ref.slot, kind: k, payload: p }
          : { t: 'castCaps', vid: ref.slot, set: (lastSent[node].set = set.id), kind: k, payload: p };
        // `e.last`: the ref of this set's last send that its worker (this epoch of it) had
        // admitted for good, so a run of sends to one actor skips both lookups below.
        if (e.last?.ref === ref && e.last.epoch === epoch) { x.post(node, d); return SENT; }
        if (set.nodes.get(node) !== epoch) { set.nodes.set(node, epoch); d.caps = e.list; }
        if (admitted.has(ref)) { e.last = { ref, epoch }; x.post(node, d); return SENT; }
        d.id = x.nextId();
        const sent = new Promise((resolve, reject) => x.pending.set(d.id, {
          node,
          resolve: (fixed) => { if (fixed) admitted.add(ref); resolve(); },
          reject: (e) => reject(withCapability(e)),
        }));
        x.post(node, d);
        return sent;
      } catch (e) {
        return Promise.reject(withCapability(e));
      }
    },
    call(ref, msg, opts) {
      if (opts?.caps === undefined) return base.call(ref, msg, opts).catch((e) => { throw withCapability(e); });
      try {
        checkRef('call', 'ref', ref);
        const timeout = opts.timeout ?? 5000;
        if (typeof timeout !== 'number' || !(timeout >= 0)) throw Object.assign(new RangeError(`call: 'opts.timeout' must be a number of milliseconds, got ${timeout}`), { code: 'out_of_range' });
        const [k, p] = encode(msg);
        return run(ref.node, 'callCaps', [ref, tokens('call', opts.caps), k, p, timeout]);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    capabilities: Object.freeze({
      /** Declares `stronger ⇒ weaker` (e.g. `declare('admin', 'write')`). */
      async declare(stronger, weaker, opts = {}) {
        if (typeof stronger !== 'string') throw typeError(`declare: argument 'stronger' must be a string, got ${describe(stronger)}`);
        if (typeof weaker !== 'string') throw typeError(`declare: argument 'weaker' must be a string, got ${describe(weaker)}`);
        await run(home(opts.near), 'declare', [stronger, weaker]);
      },
      /** Issues a token for `'name'` or `'name:scope'` (scope globs with `*`). */
      async issue(capability, opts = {}) {
        if (typeof capability !== 'string') throw typeError(`issue: argument 'capability' must be a string like 'file.read:/docs/*', got ${describe(capability)}`);
        return new Capability(await run(home(opts.near), 'issue', [capability]));
      },
      /** A narrower token (never wider: `forbidden`). */
      async attenuate(token, narrower, opts = {}) {
        const t = tokenOf('attenuate', 'token', token);
        if (typeof narrower !== 'string') throw typeError(`attenuate: argument 'narrower' must be a string, got ${describe(narrower)}`);
        return new Capability(await run(home(opts.near), 'attenuate', [t, narrower]));
      },
      /** Whether a token is genuine (issued by this system and unaltered). */
      async verify(token, opts = {}) {
        return run(home(opts.near), 'verify', [tokenOf('verify', 'token', token)]);
      },
    }),
    /** The latest denials `[{ at, from, to, missing }]` (bounded, 1 024). */
    async audit(opts = {}) {
      return run(home(opts.near), 'audit', []);
    },
    /**
     * Hot upgrade of an actor spawned by a supervisor or with `{ upgradable: true }`:
     * `behaviour` `{ module, export }` (its `migrate(oldState, extra)` export converts the
     * state; `opts.migrate` names another export) or a Rust behaviour name (fresh state).
     * Resolves with the new version; `upgrade_failed` keeps the old one running.
     */
    upgrade(nameOrRef, behaviour, opts = {}) {
      try {
        const ref = resolve('upgrade', nameOrRef);
        if (typeof opts?.migrate === 'function') throw typeError("upgrade: 'opts.migrate' must be the name of an export of the new module (functions cannot cross to the actor's worker), got a function");
        if (opts?.migrate !== undefined && typeof opts.migrate !== 'string') throw typeError(`upgrade: 'opts.migrate' must be a string, got ${describe(opts.migrate)}`);
        if (typeof behaviour === 'string') {
          const [kind, payload] = encode(opts?.args, 'opts.args');
          return run(ref.node, 'upgradeNamed', [ref, { name: behaviour, kind, payload }]);
        }
        if (behaviour === null || typeof behaviour !== 'object' || behaviour.module === undefined) throw typeError(`upgrade: argument 'behaviour' must be { module, export } or a Rust behaviour name, got ${describe(behaviour)}`);
        const [ek, ep] = encode(opts?.extra, 'opts.extra');
        const go = (id) => run(ref.node, 'upgrade', [ref, id, opts?.migrate, ek, ep]);
        // Already loaded: queued now, between the messages sent before and after this call.
        const node = st ? ref.node : 0;
        const key = moduleKey(behaviour, node);
        return loaded.has(key) ? go(loaded.get(key)) : loadJs(behaviour, node).then(go);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    /** Loads a JS behaviour where `near` runs (so a later `upgrade` is queued at once). */
    async preload(behaviour, opts = {}) {
      await loadJs(behaviour, home(opts.near));
    },
    /** Restores the previous version (with the state it had); resolves with its number. */
    rollback(nameOrRef) {
      try {
        const ref = resolve('rollback', nameOrRef);
        return run(ref.node, 'rollback', [ref]);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    /** A pool of `size` (or `min`…`max`) members routed by `strategy`. */
    async pool(behaviour, opts = {}) {
      if (opts === null || typeof opts !== 'object') throw typeError(`pool: argument 'opts' must be an object, got ${describe(opts)}`);
      const node = home(opts.near);
      const m = await make('pool', 'behaviour', behaviour, node);
      const spec = { size: opts.size, min: opts.min, max: opts.max, strategy: opts.strategy, requires: opts.requires, caps: opts.caps && tokens('pool', opts.caps) };
      const id = await run(node, 'pool', [m, spec]);
      return makePool(id, node);
    },
    /**
     * The supervision trees started with `supervise` (or the one under `sup`): `{ id, ref,
     * type, state, restarts, version, mailboxLen, children }`.
     */
    async tree(sup) {
      const tops = sup === undefined ? [...roots.values()] : [checkRef('tree', 'sup', sup)];
      const out = [];
      for (const r of tops) {
        const n = await node('root', r, 'supervisor', 'running', 0);
        if (n.state !== 'stopped' || sup !== undefined) out.push(n);
        else roots.delete(`${r.node}.${r.slot}.${r.generation}`);
      }
      return sup === undefined ? out : out[0];
    },
    close() {
      clearInterval(eventTimer);
      eventTimer = 0;
      listeners.clear();
      base.close();
    },
    /** Calls `f(event)` for restarts, give-ups, denials and upgrades; returns an unsubscribe. */
    onEvent(f) {
      if (typeof f !== 'function') throw typeError(`onEvent: argument 'listener' must be a function, got ${describe(f)}`);
      listeners.add(f);
      startEvents();
      return () => listeners.delete(f);
    },
    /**
     * What the system knows of an actor now (OTP `process_info`): `{ alive, version,
     * mailboxLen, processed }` (in `st` asked of its node, unlike the page-side `isAlive`).
     */
    async processInfo(ref) {
      checkRef('processInfo', 'ref', ref);
      return (await run(ref.node, 'info', [[ref]]))[0];
    },
    /**
     * Test support: the `'probe'` built-in (args `id` or `{ id, ignoreShutdown, failInit }`)
     * logs `start:<id>` / `stop:<id>:<reason>`; `probeLog()` returns the entries logged on
     * `near`'s node since the last read.
     */
    testing: Object.freeze({
      probeLog(opts = {}) { return run(home(opts.near), 'probeLog', []); },
    }),
  };

  function sameNode(func, a, b) {
    if (st && a.node !== b.node) throw new KatalystError('cross_node', `${func}: in the single-thread executor both actors must be on one node (spawn one with { near: other }), got nodes ${a.node} and ${b.node}`);
  }

  function resolve(func, nameOrRef) {
    if (typeof nameOrRef === 'string') {
      const r = base.whereis(nameOrRef);
      if (!r) throw new KatalystError('noproc', `${func}: no actor is registered as ${JSON.stringify(nameOrRef)}`);
      return r;
    }
    return checkRef(func, 'nameOrRef', nameOrRef);
  }

  async function node(id, ref, type, state, restarts) {
    const [info] = ref ? await run(ref.node, 'info', [[ref]]) : [undefined];
    const n = { id, ref, type, state: info?.alive === false ? 'stopped' : state, restarts, version: info?.version ?? undefined, mailboxLen: info?.mailboxLen ?? 0, children: [] };
    if (type === 'supervisor' && info?.alive) {
      let kids = [];
      try { kids = await run(ref.node, 'whichChildren', [ref]); } catch { /* exited meanwhile */ }
      for (const c of kids) n.children.push(await node(c.id, c.ref ?? undefined, c.type, c.state, c.restarts));
    }
    return n;
  }

  function makePool(id, node) {
    const p = {
      id,
      cast(msg, opts = {}) {
        try {
          const [k, pl] = encode(msg);
          const key = opts?.key;
          if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') throw typeError(`pool.cast: 'opts.key' must be a string or a number, got ${describe(key)}`);
          return run(node, 'poolCast', [id, k, pl, key]);
        } catch (e) {
          return Promise.reject(e);
        }
      },
      call(msg, opts = {}) {
        try {
          const [k, pl] = encode(msg);
          const timeout = opts?.timeout ?? 5000;
          if (typeof timeout !== 'number' || !(timeout >= 0)) throw Object.assign(new RangeError(`pool.call: 'opts.timeout' must be a number of milliseconds, got ${timeout}`), { code: 'out_of_range' });
          return run(node, 'poolCall', [id, k, pl, timeout]);
        } catch (e) {
          return Promise.reject(e);
        }
      },
      memberFor(key) { return run(node, 'poolMemberForKey', [id, key]); },
      members() { return run(node, 'poolMembers', [id]); },
      resize(size) { return run(node, 'poolResize', [id, size]); },
      autoscale() { return run(node, 'poolAutoscale', [id]); },
      stats() { return run(node, 'poolStats', [id]); },
      async canary(behaviour, opts = {}) {
        const m = await make('canary', 'behaviour', behaviour, node);
        return run(node, 'poolCanary', [id, m, opts?.percent ?? 10]);
      },
      promote() { return run(node, 'poolPromote', [id]); },
      rollback() { return run(node, 'poolRollback', [id]); },
      shutdown() { return run(node, 'poolShutdown', [id]); },
    };
    return Object.freeze(p);
  }

  const listeners = new Set();
  let eventTimer = 0;
  function startEvents() {
    if (eventTimer) return;
    eventTimer = setInterval(async () => {
      if (!listeners.size) return;
      const nodes = st ? Array.from({ length: x.workers }, (_, i) => i + 1) : [0];
      for (const n of nodes) {
        let evs = [];
        try { evs = await run(n, 'events', []); } catch { continue; }
        for (const e of evs) for (const f of listeners) { try { f(e); } catch (err) { console.error(err); } }
      }
    }, 25);
  }

  return otp;
}

// ---------------------------------------------------------------------------------------------
// Worker side (both executors): JS behaviour hooks for upgrades and `terminate`, and in `st`
// the `otp` request handler with the translation between page numbers and this instance's refs.

export const otpWorker = {
  /** Installs the hooks Rust calls (`__katalystActorMigrate`, `__katalystActorTerminate`). */
  install(behaviours) {
    globalThis.__katalystActorMigrate = (id, stateBytes, name, kind, payload) => {
      const b = behaviours.get(id);
      if (!b) throw new Error(`JS behaviour ${id} is not loaded in this worker`);
      const f = name === undefined ? b.migrate : b.exports?.[name];
      if (name !== undefined && typeof f !== 'function') throw new TypeError(`upgrade: the new module has no export '${name}'`);
      const old = decodeState(stateBytes);
      const next = typeof f === 'function' ? f(old, decode(kind, payload)) : old;
      if (next instanceof Promise) throw new TypeError('migrate: must return the new state, not a Promise');
      return encodeState(next);
    };
    globalThis.__katalystActorTerminate = (id, stateBytes, reasonBytes) => {
      const b = behaviours.get(id);
      if (typeof b?.terminate === 'function') b.terminate(decodeState(stateBytes), decode(3, reasonBytes));
    };
  },

  vids: new Map(), // `${slot}.${generation}` → page number, for refs made in this instance
  next: 2 ** 30,
  node: 0,
  calls: new Set(), // this instance's call ids that answer an otp request

  /** A ref of this instance as the page knows it (a fresh page number if it is new). */
  toPage(actors, slot, generation) {
    const key = `${slot}.${generation}`;
    let vid = this.vids.get(key);
    if (vid === undefined) {
      for (const [v, [s, g]] of actors) if (s === slot && g === generation) { vid = v; break; }
      if (vid === undefined) { vid = this.next++; actors.set(vid, [slot, generation]); }
      this.vids.set(key, vid);
    }
    return { node: this.node, slot: vid, generation: 1 };
  },

  pageRefs(actors, v) {
    return mapRefs(v, (r) => (r.slot === 0 && r.generation === 0 ? { node: this.node, slot: 0, generation: 0 } : this.toPage(actors, r.slot, r.generation)));
  },

  /** `st`: runs `{ t: 'otp', id, doneId, op, args }` and answers with `reply` messages. */
  op(mod, d, actors, calls) {
    this.node = d.node ?? this.node;
    const answer = (id, value) => {
      const [kind, payload] = encode(this.pageRefs(actors, value));
      postMessage({ t: 'reply', id, kind, payload });
    };
    try {
      const args = mapRefs(d.args, (r) => {
        const local = actors.get(r.slot);
        return local ? { node: 0, slot: local[0], generation: local[1] } : { node: 0, slot: 0xffffffff, generation: 0 };
      });
      const r = mod.otpOp(d.op, args);
      if (r.value !== undefined) answer(d.id, decode(3, r.value));
      if (r.call !== undefined) {
        calls.set(r.call, r.value !== undefined ? d.doneId : d.id);
        // OTP results name this instance's refs; a callCaps reply is the actor's own message.
        if (d.op !== 'callCaps') this.calls.add(r.call);
      }
    } catch (e) {
      postMessage({ t: 'reply', id: d.id, error: { name: e?.name, code: e?.code, message: e?.message ?? String(e), reason: e?.reason } });
    }
  },

  /** `st`: a completion `[callId, kind, payload]` about to go to the page (refs translated). */
  reply(actors, c) {
    if (!this.calls.delete(c[0]) || c[1] !== 3) return c;
    const [kind, payload] = encode(this.pageRefs(actors, decode(3, c[2])));
    return [c[0], kind, payload];
  },

  /**
   * Adds the OTP requests to a JS handler's `ctx` (both builds): `link`, `unlink`, `monitor`
   * (returns the id a later DOWN carries), `demonitor`, `trapExit`, `exit`. They take effect
   * between this actor's messages (like the page's requests), `exit` signals come from
   * "outside" (`{ slot: 0, generation: 0 }`), and in `st` the refs must be on this node.
   */
  extendCtx(ctx, mod, actors, slot, generation) {
    const self = { node: 0, slot, generation };
    const local = (r) => {
      if (!isRef(r)) throw typeError(`ctx: expected an ActorRef, got ${describe(r)}`);
      if (!actors) return r;
      const l = actors.get(r.slot);
      return l ? { node: 0, slot: l[0], generation: l[1] } : { node: 0, slot: 0xffffffff, generation: 0 };
    };
    const op = (name, args) => {
      const r = mod.otpOp(name, args);
      return r.value === undefined ? undefined : decode(3, r.value);
    };
    ctx.link = (ref) => { op('link', [self, local(ref)]); };
    ctx.unlink = (ref) => { op('unlink', [self, local(ref)]); };
    ctx.monitor = (ref) => op('monitor', [self, local(ref)]);
    ctx.demonitor = (id) => { op('demonitor', [self, id]); };
    ctx.trapExit = (on = true) => { op('trapExit', [self, on]); };
    ctx.exit = (ref, reason) => { op('exit', [local(ref), String(reason)]); };
  },

  /** `st`: EXIT / DOWN messages name this instance's refs; a handler sees page refs. */
  incoming(actors, msg) {
    if (msg === null || typeof msg !== 'object' || (msg.type !== 'EXIT' && msg.type !== 'DOWN')) return msg;
    return this.pageRefs(actors, msg);
  },
};

