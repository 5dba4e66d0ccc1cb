// The actor runtime (`k.actors`). See src/actor/README.md for the design.
import type { KatalystError } from '../index.js';

/**
 * An actor's address: plain data, structured-cloneable, valid in any worker.
 * @example
 * const echo = k.actors.spawn('echo');
 * worker.postMessage({ echo }); // a ref crosses as it is
 */
export interface ActorRef {
  readonly node: number;
  readonly slot: number;
  readonly generation: number;
}

/** Why an actor ended. `message`/`stack` for `error`. */
export interface ExitReason {
  kind: 'normal' | 'shutdown' | 'kill' | 'error';
  message?: string;
  stack?: string;
}

/**
 * Thrown (rejected) when the callee exits before replying: `code === 'actor_exited'`.
 * @example
 * try { await k.actors.call(ref, 'x'); } catch (e) { if (e instanceof ActorExited) console.log(e.reason.message); }
 */
export declare class ActorExited extends KatalystError {
  readonly reason: ExitReason;
}

/**
 * Capability options of a handler's `ctx.call` / `ctx.cast`: `caps` are tokens to carry besides
 * those of the message being handled (`Capability` objects or their wire form
 * `{ capability, tag }`); `inherit: false` drops the inherited ones.
 * @example
 * await ctx.call(store, { type: 'put', v }, { caps: [msg.writeToken], inherit: false });
 */
export interface CtxCapsOptions {
  caps?: Array<Capability | { capability: string; tag: string }>;
  inherit?: boolean;
}

/** What a JS module behaviour's handler gets besides its state and the message. */
export interface ActorContext {
  /** This actor. */
  readonly self: ActorRef;
  /** Whether the message is a call (a reply is expected). */
  readonly isCall: boolean;
  /** Answers the current call with `value`. */
  reply(value: unknown): void;
  /**
   * Sends without waiting (`mt`: throws `noproc`/`mailbox_full`/`forbidden`; `st`: through the
   * page, in order with this actor's `ctx.call`s, failures counted in `stats().castErrors`).
   * Carries capabilities as {@link ActorContext.call} does.
   * @example
   * ctx.cast(state.log, { line: 'handled' });
   */
  cast(ref: ActorRef, msg: unknown, opts?: CtxCapsOptions): void;
  /**
   * Calls another actor (Rust or JS) from a handler: a Promise of its reply; rejects with
   * `timeout` (default 5000 ms), `noproc`, `mailbox_full` or {@link ActorExited}. Await it in
   * an `async handle`: the actor is held — it handles nothing else, so per-actor order holds —
   * until the handle settles, while its worker runs other actors. `mt`: the call goes through
   * the worker's own completion queue; `st`: through the page.
   * @example
   * export const proxy = {
   *   init(args) { return args; }, // { db: ActorRef }
   *   async handle(state, msg, ctx) { ctx.reply(await ctx.call(state.db, msg, { timeout: 1000 })); return state; },
   * };
   */
  /**
   * Capabilities: while the handler handles a message that arrived with capabilities
   * (`k.actors.call(ref, msg, { caps })`, or a send from another handler that carried some),
   * its `ctx.call` / `ctx.cast` carry them — also after an `await` in an async `handle`, until
   * it settles; a `ctx` kept past its message carries none. `opts.caps` adds tokens the
   * handler holds (received in a message as `cap.toJSON()`): delegation — a forged, altered
   * or widened token never verifies. A guarded target the carried set does not satisfy
   * rejects with `forbidden` (`e.capability` names what was missing; audited). `st`: a token
   * verifies only at guarded actors of the node that issued it (`issue(c, { near })`).
   * @example
   * export const gateway = {
   *   init(args) { return args; }, // { files: ActorRef } guarded by { read: 'file.read:${path}' }
   *   async handle(state, msg, ctx) {
   *     // the caller's capabilities flow on, plus a token it sent in the message
   *     ctx.reply(await ctx.call(state.files, { type: 'read', path: msg.path }, { caps: msg.token ? [msg.token] : [] }));
   *     return state;
   *   },
   * };
   * // page: await k.actors.call(gw, { path: '/docs/a' }, { caps: [await k.actors.capabilities.issue('file.read:/docs/*')] });
   */
  call<R = unknown>(ref: ActorRef, msg: unknown, opts?: { timeout?: number } & CtxCapsOptions): Promise<R>;
  /**
   * Spawns a Rust behaviour by name (a ref at once) or a JS module behaviour `{ module,
   * export, args }` (a Promise: the page loads the module where it runs). The ref works from
   * the page and from any actor and shows in `stats()` / `isAlive`. `st`: spawned on this
   * actor's node (JS: unless `opts.worker` names another); a `name` is registered by the page
   * (ignored with a warning when taken there).
   * @example
   * const cache = ctx.spawn('counter', { args: 0 });
   * const child = await ctx.spawn({ module: import.meta.url, export: 'worker', args: { id: 1 } });
   * ctx.cast(cache, 1); ctx.reply(await ctx.call(child, 'ping'));
   */
  spawn(name: RustBehaviourName, opts?: SpawnOptions): ActorRef;
  spawn(behaviour: { module: URL | string; export?: string; args?: unknown }, opts?: Omit<SpawnOptions, 'args'>): Promise<ActorRef>;
  /** Asks `ref` (default: this actor; single-thread build: only itself) to exit after this message. */
  stop(ref?: ActorRef, reason?: string): void;
  // OTP requests (effective between this actor's messages; single-thread build: refs on this node).
  /** Links with `ref` (its abnormal exit ends this actor, or arrives as EXIT when trapping). */
  link(ref: ActorRef): void;
  unlink(ref: ActorRef): void;
  /** Monitors `ref`; returns the id its `{ type: 'DOWN', monitor }` message will carry. */
  monitor(ref: ActorRef): number;
  demonitor(id: number): void;
  /** Exit signals arrive as `{ type: 'EXIT', from, reason }` messages (`kill` still ends it). */
  trapExit(on?: boolean): void;
  /** Erlang `exit/2` (the signal's sender is `{ slot: 0, generation: 0 }`, "outside"). */
  exit(ref: ActorRef, reason: string): void;
}

/**
 * A JS module behaviour: `init(args)` returns the first state (synchronously); `handle`
 * returns the next (`undefined` keeps it), or a Promise of it (an `async handle`, e.g. one
 * awaiting `ctx.call`): the actor then handles nothing else until it settles; a rejection ends
 * the actor like a throw.
 * @example
 * // counter.js
 * export const counter = {
 *   init(args) { return args?.start ?? 0; },
 *   handle(n, msg, ctx) { n += msg; ctx.reply(n); return n; },
 * };
 */
export interface JsBehaviour<S = unknown, M = unknown> {
  init?(args: unknown): S;
  handle(state: S, msg: M | OtpMessage, ctx: ActorContext): S | undefined | Promise<S | undefined>;
  /** Hot upgrade: builds this version's state from the previous version's (`upgrade`). */
  migrate?(oldState: unknown, extra: unknown): S;
  /** Runs when the actor exits (not after `kill`, as in OTP). */
  terminate?(state: S, reason: ExitReason): void;
}

/** What `takeEvents()` returns. */
export type ActorEvent =
  | { type: 'exited'; ref: ActorRef; reason: ExitReason }
  | { type: 'longHandler' | 'workerHung'; ref: ActorRef; worker: number; runningMs: number }
  /** `mt`: a Rust panic trapped a worker; `ref` (the actor it ran) exited with `reason`; a fresh worker replaced it. */
  | { type: 'workerTrapped'; worker: number; message: string; ref?: ActorRef; reason?: ExitReason };

/**
 * `init({ actors })` options.
 * @example
 * const k = await init({ actors: { workers: 2, mailbox: 4096, watchdogMs: 500 } });
 */
export interface ActorsOptions {
  /** Actor workers (default `min(4, hardwareConcurrency)`), separate from the compute pool. */
  workers?: number;
  /** Default mailbox bound (default 1024). */
  mailbox?: number;
  /** Watchdog limit in ms (default 1000; `takeEvents()` reports handlers running longer). */
  watchdogMs?: number;
}

/** Built-in Rust behaviours (`'ping'`: threads mode, times calls to the actor whose slot and generation it gets). */
export type RustBehaviourName = 'echo' | 'counter' | 'crypto' | 'compute' | 'crdt-replica' | 'sink' | 'panic' | 'ping';

/** CRDT types a `'crdt-replica'` actor can hold (the `k.<Type>` classes). */
export type CrdtReplicaType = 'GCounter' | 'PNCounter' | 'GSet' | 'ORSet' | 'LWWRegister' | 'MVRegister' | 'LWWMap';

/**
 * Spawn args of `'crdt-replica'`: the type, this replica's id, optionally an encoded state
 * to start from.
 * @example
 * const r = k.actors.spawn('crdt-replica', { args: { type: 'ORSet', replica: 1 } });
 */
export interface CrdtReplicaArgs {
  type: CrdtReplicaType;
  replica: number;
  state?: Uint8Array;
}

/**
 * Messages a `'crdt-replica'` actor understands (call them). Operations reply with the delta
 * (`Uint8Array`, mergeable by any replica or `k.<Type>#merge`); `value` replies as
 * `k.<Type>#value()`; `encode` with the full state; a bare `Uint8Array` or `merge` merges a
 * delta or state. A bad request rejects that call with `bad_args`; the replica keeps running.
 * `now` (ms) defaults to the actor's clock (wall time).
 * @example
 * const delta = await k.actors.call(r1, { op: 'add', value: 'x' });
 * await k.actors.call(r2, delta);
 * console.log(await k.actors.call(r2, { op: 'value' })); // ['x']
 */
export type CrdtReplicaMessage =
  | Uint8Array
  | { op: 'value' | 'encode' | 'type' }
  | { op: 'merge'; bytes: Uint8Array }
  | { op: 'increment' | 'decrement'; n?: number }
  | { op: 'add' | 'remove' | 'has'; value: unknown }
  | { op: 'set'; value: unknown; key?: string; now?: number }
  | { op: 'delete' | 'get'; key: string; now?: number };

export interface SpawnOptions {
  /** Arguments for a Rust behaviour (`'counter'`: its start value). */
  args?: unknown;
  /** Mailbox bound (default 1024). */
  mailbox?: number;
  /** Register the actor under this name. */
  name?: string;
  /**
   * Pin the actor to this worker (0 ≤ worker < `k.actors.workers`): in threads mode only that
   * worker runs it (never stolen), for state tied to one worker's JS realm; in single mode it
   * chooses the worker (node) that owns it. RangeError otherwise.
   * @example
   * const echo = k.actors.spawn('echo', { worker: 1 });
   */
  worker?: number;
}

export interface ActorStats {
  live: number;
  actors: { ref: ActorRef; mailboxLen: number; processed: number; errors: number; meanServiceMs: number }[];
  workers: { load?: number; turns?: number; messages?: number; steals?: number; replaced?: number }[];
  pendingCalls: number;
  workersReady: number;
  /** Workers whose instance trapped (a Rust panic under panic=abort). */
  workersTrapped?: number;
  /** `mt`: trapped workers replaced by a fresh instance so far. */
  workersReplaced?: number;
  /** `mt`: workers running now (back to `workers` once replacements started). */
  workersAlive?: number;
  /** Watchdog reports so far (threads build). */
  watchdogReports?: number;
  /** Milliseconds from executor start to every worker running. */
  poolReadyMs?: number;
  /** `st` only: casts the owning worker refused (full mailbox). */
  castErrors?: number;
  /**
   * Bytes of wasm memory the runtime holds: the shared memory (`threads`), or the sum of the
   * workers' own memories as of their last report (`single`). Wasm memory only grows.
   */
  memoryBytes?: number;
}

/**
 * `k.actors`: Erlang-style actors on a pool of workers (`threads`: shared memory; `single`:
 * postMessage).
 * @example
 * const k = await init();
 * const c = k.actors.spawn('counter', { args: 10 });
 * k.actors.cast(c, 1);
 * console.log(await k.actors.call(c, 0)); // 11
 */
export interface Actors extends ActorsOtp {
  readonly mode: 'threads' | 'single';
  readonly workers: number;
  /** Resolves once every actor worker runs (messages sent before just queue). */
  readonly ready: Promise<void>;
  /**
   * OTP spawn: guarded by `requires`, upgradable, or placed `near` another actor.
   * @example
   * const store = await k.actors.spawn({ module: url, export: 'store' }, { requires: { read: 'file.read:${path}' } });
   */
  spawn(behaviour: ChildStart, opts: OtpSpawnOptions & ({ requires: Record<string, string> } | { upgradable: boolean } | { near: ActorRef })): Promise<ActorRef>;
  /** A cast carrying capabilities; rejects `forbidden` (`.capability` names the missing one). @example await k.actors.cast(store, msg, { caps: [cap] }); */
  cast(ref: ActorRef, msg: unknown, opts: { caps: Capability[] }): Promise<void>;
  /** A call carrying capabilities. @example await k.actors.call(store, { type: 'read', path: '/docs/a' }, { caps: [cap] }); */
  call<R = unknown>(ref: ActorRef, msg: unknown, opts: { timeout?: number; caps: Capability[] }): Promise<R>;
  /**
   * Starts an actor.
   * @example
   * const h = k.actors.spawn('crypto');
   * const digest = await k.actors.call(h, new TextEncoder().encode('abc'));
   * const js = await k.actors.spawn({ module: new URL('./counter.js', import.meta.url), export: 'counter', args: { start: 1 } });
   */
  spawn(behaviour: RustBehaviourName, opts?: SpawnOptions): ActorRef;
  spawn(behaviour: { module: URL | string; export?: string; args?: unknown }, opts?: Omit<SpawnOptions, 'args'>): Promise<ActorRef>;
  /**
   * Sends without waiting; throws `noproc` or `mailbox_full` (KatalystError), or a TypeError
   * naming the path of a value that cannot cross.
   * @example
   * k.actors.cast(ref, { op: 'add', n: 1 });
   */
  cast(ref: ActorRef, msg: unknown): void;
  /**
   * Sends, waiting for room if the mailbox is full (rejects with `noproc`).
   * @example
   * for (const item of items) await k.actors.cast(ref, item, { wait: true });
   */
  cast(ref: ActorRef, msg: unknown, opts: { wait: true }): Promise<void>;
  /**
   * Calls an actor: rejects with `timeout`, `aborted`, `noproc`, `mailbox_full` or
   * {@link ActorExited}.
   * @example
   * const ac = new AbortController();
   * const v = await k.actors.call(ref, 1, { timeout: 1000, signal: ac.signal });
   */
  call<R = unknown>(ref: ActorRef, msg: unknown, opts?: { timeout?: number; signal?: AbortSignal }): Promise<R>;
  /**
   * Asks an actor to exit after its current message: `'normal'`, `'shutdown'`, `'kill'`, or
   * any other text (an `error` reason).
   * @example
   * k.actors.stop(ref, 'shutdown');
   */
  stop(ref: ActorRef, reason?: string): void;
  /** @example k.actors.register('db', ref); */
  register(name: string, ref: ActorRef): void;
  /** @example const db = k.actors.whereis('db'); */
  whereis(name: string): ActorRef | undefined;
  /** @example k.actors.isAlive(ref); */
  isAlive(ref: ActorRef): boolean;
  /**
   * Delivers `msg` after `ms`.
   * @example
   * const t = k.actors.sendAfter(ref, 'tick', 100); t.cancel();
   */
  sendAfter(ref: ActorRef, msg: unknown, ms: number): { cancel(): void };
  /**
   * Events since the last call (both executors; `st` workers forward theirs): abnormal exits,
   * watchdog reports of handlers running past `init({ actors: { watchdogMs } })` (default
   * 1000), trapped workers (`mt`).
   * @example
   * for (const e of k.actors.takeEvents()) if (e.type === 'longHandler') console.warn(e.ref, e.runningMs);
   */
  takeEvents(): ActorEvent[];
  /** @example console.log(k.actors.stats().live); */
  stats(): ActorStats;
  /** Terminates the actor workers. */
  close(): void;
}

// ---- OTP layer (issue 7): supervisors, links and monitors, pools, capabilities, hot upgrade ----

/** A JS module behaviour, loaded into the actor workers by URL. */
export interface ModuleBehaviour {
  module: URL | string;
  export?: string;
  args?: unknown;
}

/** What a supervised child or a pool member runs: a Rust behaviour by name or a JS module. */
export type ChildStart = RustBehaviourName | 'probe' | string | { behaviour: string; args?: unknown } | ModuleBehaviour;

/**
 * One child of a supervisor (OTP child spec).
 * @example
 * const child: ChildSpec = { id: 'db', start: { module: new URL('./db.js', import.meta.url), export: 'db' }, restart: 'permanent', shutdown: 5000 };
 */
export interface ChildSpec {
  /** Unique among the supervisor's children. */
  id: string;
  /** The behaviour, or `{ supervisor: spec }` for a nested supervisor. */
  start: ChildStart | { supervisor: SupervisorSpec };
  /** `'permanent'` (default): always restarted; `'transient'`: only after an abnormal exit; `'temporary'`: never. */
  restart?: 'permanent' | 'transient' | 'temporary';
  /** Milliseconds to wait after the `shutdown` exit signal before `kill` (default 5000; supervisors `'infinity'`). */
  shutdown?: number | 'brutal_kill' | 'infinity';
  type?: 'worker' | 'supervisor';
}

/**
 * A supervisor (OTP `supervisor` flags and children).
 * @example
 * const spec: SupervisorSpec = { strategy: 'one_for_all', maxRestarts: 3, maxSeconds: 5, children: [] };
 */
export interface SupervisorSpec {
  /** Default `'one_for_one'`. */
  strategy?: 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
  /** Restart intensity: more than `maxRestarts` restarts within `maxSeconds` → the supervisor gives up (OTP defaults 1 in 5). */
  maxRestarts?: number;
  maxSeconds?: number;
  /** Optional delay before restarts: `initialMs × factor^(n-1)`, at most `maxMs`. */
  backoff?: { initialMs?: number; factor?: number; maxMs?: number };
  /** Started in order, stopped in reverse order (`simple_one_for_one`: exactly one template). */
  children?: ChildSpec[];
}

/** One child as its supervisor reports it (OTP `which_children`). */
export interface ChildInfo {
  id: string;
  /** The running incarnation (`null` while stopped). */
  ref: ActorRef | null;
  type: 'worker' | 'supervisor';
  restart: 'permanent' | 'transient' | 'temporary';
  state: 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';
  restarts: number;
}

/** What a JS behaviour receives from a link (when it traps exits) or a monitor. */
export type OtpMessage =
  | { type: 'EXIT'; from: ActorRef; reason: ExitReason }
  | { type: 'DOWN'; monitor: number; from: ActorRef; reason: ExitReason };

/** A monitor, as `monitor()` resolves it (pass it to `demonitor`). */
export interface MonitorRef {
  readonly watcher: ActorRef;
  /** Also in the `DOWN` message's `monitor`. */
  readonly id: number;
}

/** An unforgeable capability token (an HMAC tag under the system's secret). */
export interface Capability {
  /** What it grants, e.g. `'file.read:/docs/*'`. */
  readonly capability: string;
  /** The wire form, for delegation. */
  toJSON(): { capability: string; tag: string };
}

/** A refused message in the audit log. */
export interface Denial {
  /** Wall time in ms (`performance.timeOrigin + performance.now()`). */
  at: number;
  from: ActorRef | null;
  to: ActorRef;
  missing: string;
}

/** Restarts, give-ups, denials and upgrades (`onEvent`). */
export type OtpEvent =
  | { type: 'restart'; supervisor: ActorRef; child: string; reason: ExitReason; at: number }
  | { type: 'gaveUp'; supervisor: ActorRef; at: number }
  | { type: 'denied'; to: ActorRef; from: ActorRef | null; missing: string; at: number }
  | { type: 'upgraded'; ref: ActorRef; from: number; to: number; at: number }
  | { type: 'upgradeFailed'; ref: ActorRef; message: string; at: number };

/** A node of `tree()`. */
export interface TreeNode {
  id: string;
  ref: ActorRef | undefined;
  type: 'worker' | 'supervisor';
  state: ChildInfo['state'];
  restarts: number;
  version: number | undefined;
  mailboxLen: number;
  children: TreeNode[];
}

/** Options of the OTP form of `spawn` (it then returns a Promise). */
export interface OtpSpawnOptions extends SpawnOptions {
  /** Capabilities each message kind needs: `{ [msg.type]: 'name:scope-with-${field}', '*': … }`. */
  requires?: Record<string, string>;
  /** Spawn an actor `upgrade` can swap (supervised children and guarded actors always are). */
  upgradable?: boolean;
  /** `single` executor: run on the node of this actor (links and monitors need one node). */
  near?: ActorRef;
}

/** Where an OTP operation runs in the `single` executor (default node 1). */
export interface NearOption { near?: ActorRef }

/**
 * A pool of members routed by a strategy.
 * @example
 * const p = await k.actors.pool('echo', { size: 4, strategy: 'least-loaded' });
 * await p.call('job');
 */
export interface ActorPool {
  readonly id: number;
  /** @example await pool.cast({ user: 7 }, { key: 'user-7' }); */
  cast(msg: unknown, opts?: { key?: string | number }): Promise<void>;
  /** @example const r = await pool.call('job', { timeout: 1000 }); */
  call<R = unknown>(msg: unknown, opts?: { timeout?: number }): Promise<R>;
  /** The member a key routes to (`affinity`). @example await pool.memberFor('user-7'); */
  memberFor(key: string | number): Promise<ActorRef | null>;
  /** @example await pool.members(); */
  members(): Promise<ActorRef[]>;
  /** @example await pool.resize(8); */
  resize(size: number): Promise<void>;
  /** Resizes from the load forecast (call periodically); resolves with the size. @example await pool.autoscale(); */
  autoscale(): Promise<number>;
  /** @example const s = await pool.stats(); */
  stats(): Promise<{ members: { ref: ActorRef; version: number; canary: boolean; mailboxLen: number; ewmaServiceMs: number; processed: number }[]; routed: number; forecasts: { forecastRate: number; actualRate: number; size: number }[]; canaryPercent: number | null }>;
  /** Routes `percent` % of messages to members running `behaviour`. @example await pool.canary(v2, { percent: 10 }); */
  canary(behaviour: ChildStart, opts?: { percent?: number }): Promise<void>;
  /** @example await pool.promote(); */
  promote(): Promise<void>;
  /** @example await pool.rollback(); */
  rollback(): Promise<void>;
  /** @example await pool.shutdown(); */
  shutdown(): Promise<void>;
}

/**
 * The OTP functions of `k.actors` (every one returns a Promise: in the `single` executor the
 * work happens in a worker).
 */
export interface ActorsOtp {
  /**
   * Starts a supervisor; resolves once every child started (rejects `actor_exited` with
   * `failed_to_start_child …`).
   * @example
   * const sup = await k.actors.supervise({ strategy: 'one_for_one', children: [{ id: 'c', start: 'counter' }] });
   */
  supervise(spec: SupervisorSpec, opts?: NearOption): Promise<ActorRef>;
  /** `simple_one_for_one`: a child with these start args. @example const c = await k.actors.startChild(sup, { id: 7 }); */
  startChild(sup: ActorRef, args?: unknown): Promise<ActorRef>;
  /** @example for (const c of await k.actors.whichChildren(sup)) console.log(c.id, c.state); */
  whichChildren(sup: ActorRef): Promise<ChildInfo[]>;
  /** Stops a child by id (spec kept) or ref. @example await k.actors.terminateChild(sup, 'c'); */
  terminateChild(sup: ActorRef, child: string | ActorRef): Promise<boolean>;
  /** @example await k.actors.restartChild(sup, 'c'); */
  restartChild(sup: ActorRef, id: string): Promise<ActorRef>;
  /** @example await k.actors.deleteChild(sup, 'c'); */
  deleteChild(sup: ActorRef, id: string): Promise<boolean>;
  /** Children in reverse order, then the supervisor. @example await k.actors.stopSupervisor(sup); */
  stopSupervisor(sup: ActorRef): Promise<void>;
  /** @example await k.actors.link(a, b); */
  link(a: ActorRef, b: ActorRef): Promise<void>;
  /** @example await k.actors.unlink(a, b); */
  unlink(a: ActorRef, b: ActorRef): Promise<void>;
  /** `watcher` gets `{ type: 'DOWN', … }` when `target` exits (`noproc` at once if dead). @example const m = await k.actors.monitor(w, t); */
  monitor(watcher: ActorRef, target: ActorRef): Promise<MonitorRef>;
  /** @example await k.actors.demonitor(m); */
  demonitor(monitor: MonitorRef): Promise<void>;
  /** @example await k.actors.trapExit(ref, true); */
  trapExit(ref: ActorRef, on?: boolean): Promise<void>;
  /** Erlang `exit/2` from outside any actor: `'kill'` cannot be trapped. @example await k.actors.exit(ref, 'kill'); */
  exit(ref: ActorRef, reason: string): Promise<void>;
  /** Capabilities (deny by default). */
  readonly capabilities: {
    /** @example await k.actors.capabilities.declare('admin', 'write'); */
    declare(stronger: string, weaker: string, opts?: NearOption): Promise<void>;
    /** @example const cap = await k.actors.capabilities.issue('file.read:/docs/*'); */
    issue(capability: string, opts?: NearOption): Promise<Capability>;
    /** @example const one = await k.actors.capabilities.attenuate(cap, 'file.read:/docs/a/*'); */
    attenuate(token: Capability, narrower: string, opts?: NearOption): Promise<Capability>;
    /** @example await k.actors.capabilities.verify(cap); */
    verify(token: Capability | { capability: string; tag: string }, opts?: NearOption): Promise<boolean>;
  };
  /** Denials, oldest first (bounded). @example console.table(await k.actors.audit()); */
  audit(opts?: NearOption): Promise<Denial[]>;
  /**
   * Hot upgrade between two messages: the new module's `migrate(oldState, extra)` (or the export
   * named by `opts.migrate`) converts the state; `upgrade_failed` keeps the old version.
   * @example
   * const v = await k.actors.upgrade('db', { module: url, export: 'dbV2' }, { extra: { from: 1 } });
   */
  upgrade(nameOrRef: string | ActorRef, behaviour: ModuleBehaviour | string, opts?: { migrate?: string; extra?: unknown; args?: unknown }): Promise<number>;
  /** @example await k.actors.rollback('db'); */
  rollback(nameOrRef: string | ActorRef): Promise<number>;
  /** Loads a JS behaviour ahead of an upgrade. @example await k.actors.preload({ module: url, export: 'dbV2' }); */
  preload(behaviour: ModuleBehaviour, opts?: NearOption): Promise<void>;
  /** @example const p = await k.actors.pool('echo', { size: 4, strategy: 'round-robin' }); */
  pool(behaviour: ChildStart, opts?: NearOption & { size?: number; min?: number; max?: number; strategy?: 'round-robin' | 'least-loaded' | 'capability' | 'affinity' | 'predictive'; requires?: Record<string, string>; caps?: Capability[] }): Promise<ActorPool>;
  /** The supervision trees started here (or the one under `sup`). @example console.log(await k.actors.tree()); */
  tree(): Promise<TreeNode[]>;
  tree(sup: ActorRef): Promise<TreeNode>;
  /** @example const off = k.actors.onEvent((e) => console.log(e.type)); off(); */
  onEvent(listener: (e: OtpEvent) => void): () => void;
  /** @example const { alive, version } = await k.actors.processInfo(ref); */
  processInfo(ref: ActorRef): Promise<{ alive: boolean; version: number | null; mailboxLen: number; processed: number }>;
  /** Test support (the `'probe'` behaviour's log). @example await k.actors.testing.probeLog(); */
  readonly testing: { probeLog(opts?: NearOption): Promise<string[]> };
}
