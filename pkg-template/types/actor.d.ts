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

/** What a JS module behaviour's handler gets besides its state and the message. */
export interface ActorContext {
  /** This actor. */
  readonly self: ActorRef;
  /** Whether the message is a call (a reply is expected). */
  readonly isCall: boolean;
  /** Answers the current call with `value`. */
  reply(value: unknown): void;
  /**
   * Sends without waiting (`mt`: throws `noproc`/`mailbox_full`; `st`: through the page, in
   * order with this actor's `ctx.call`s, failures counted in `stats().castErrors`).
   * @example
   * ctx.cast(state.log, { line: 'handled' });
   */
  cast(ref: ActorRef, msg: unknown): void;
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
  call<R = unknown>(ref: ActorRef, msg: unknown, opts?: { timeout?: number }): Promise<R>;
  /** Spawns a Rust behaviour by name (threads build only). */
  spawn?(name: RustBehaviourName, opts?: SpawnOptions): ActorRef;
  /** Asks `ref` (default: this actor; single-thread build: only itself) to exit after this message. */
  stop(ref?: ActorRef, reason?: string): void;
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
  handle(state: S, msg: M, ctx: ActorContext): S | undefined | Promise<S | undefined>;
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

/** Built-in Rust behaviours. */
export type RustBehaviourName = 'echo' | 'counter' | 'crypto' | 'compute' | 'crdt-replica' | 'sink' | 'panic';

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
export interface Actors {
  readonly mode: 'threads' | 'single';
  readonly workers: number;
  /** Resolves once every actor worker runs (messages sent before just queue). */
  readonly ready: Promise<void>;
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
