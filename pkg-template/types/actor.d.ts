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
  /** Sends without waiting (threads build only). */
  cast?(ref: ActorRef, msg: unknown): void;
  /** Spawns a Rust behaviour by name (threads build only). */
  spawn?(name: RustBehaviourName, opts?: SpawnOptions): ActorRef;
  /** Asks `ref` (default: this actor; single-thread build: only itself) to exit after this message. */
  stop(ref?: ActorRef, reason?: string): void;
}

/**
 * A JS module behaviour: `init(args)` returns the first state; `handle` returns the next
 * (`undefined` keeps it). Handlers are synchronous.
 * @example
 * // counter.js
 * export const counter = {
 *   init(args) { return args?.start ?? 0; },
 *   handle(n, msg, ctx) { n += msg; ctx.reply(n); return n; },
 * };
 */
export interface JsBehaviour<S = unknown, M = unknown> {
  init?(args: unknown): S;
  handle(state: S, msg: M, ctx: ActorContext): S | undefined;
}

/** What `takeEvents()` returns. */
export type ActorEvent =
  | { type: 'exited'; ref: ActorRef; reason: ExitReason }
  | { type: 'longHandler' | 'workerHung'; ref: ActorRef; worker: number; runningMs: number }
  | { type: 'workerTrapped'; worker: number; message: string };

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
  /** Watchdog limit in ms (threads build; default 1000). */
  watchdogMs?: number;
}

/** Built-in Rust behaviours (`'ping'`: threads mode, times calls to the actor whose slot and generation it gets). */
export type RustBehaviourName = 'echo' | 'counter' | 'crypto' | 'compute' | 'sink' | 'panic' | 'ping';

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
  workers: { load?: number; turns?: number; messages?: number; steals?: number }[];
  pendingCalls: number;
  workersReady: number;
  /** Workers whose instance trapped (a Rust panic under panic=abort). */
  workersTrapped?: number;
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
   * Events since the last call (threads build; `st` returns `[]`): abnormal exits and watchdog
   * reports of handlers running past `init({ actors: { watchdogMs } })` (default 1000).
   * @example
   * for (const e of k.actors.takeEvents()) if (e.type === 'longHandler') console.warn(e.ref, e.runningMs);
   */
  takeEvents(): ActorEvent[];
  /** @example console.log(k.actors.stats().live); */
  stats(): ActorStats;
  /** Terminates the actor workers. */
  close(): void;
}
