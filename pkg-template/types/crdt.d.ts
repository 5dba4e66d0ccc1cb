// Katalyst CRDTs: state-based types with deltas, a canonical binary codec, two-step sync,
// signed deltas, and transport helpers (`katalyst/crdt-sync`).
//
// Replica ids are non-negative safe integers, unique among live replicas. Every mutator
// returns its delta as bytes; `merge` takes another instance of the same class or bytes (a
// state, a delta, a sync response, or a signed envelope of one). Errors: `TypeError` /
// `RangeError` for bad arguments, `KatalystError` with `code` for bad bytes
// (`truncated`, `trailing_bytes`, `too_large`, `bad_version`, `bad_tag`, `malformed`,
// `too_deep`) and signatures (`unsigned`, `unknown_signer`, `bad_signature`, `bad_key`);
// a failed call changes nothing.

/** A JSON-like value. Numbers must be finite; `-0` is kept. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An HLC timestamp: wall milliseconds plus a logical counter. */
export interface HlcTimestamp {
  physical: number;
  logical: number;
}

/** Options of the static `decode`. */
export interface DecodeOptions {
  /** Refuse inputs longer than this (default 16 MiB) with `too_large`. */
  maxBytes?: number;
  /** The replica id to edit the decoded state as; without it the instance is read-only. */
  replica?: number;
}

/**
 * What every CRDT class offers.
 *
 * @example
 * const a = new ORSet(1), b = new ORSet(2);
 * b.merge(a.add('x'));                       // a delta as bytes
 * b.merge(a);                                // or another instance
 * a.merge(b.syncResponse(a.syncRequest()));  // two-step sync
 * const copy = ORSet.decode(a.encode(), { maxBytes: 1 << 20, replica: 3 });
 */
export interface Crdt<V> {
  /** The class name (`'ORSet'`, …). @example new GCounter(1).crdtType === 'GCounter' */
  readonly crdtType: string;
  /** This replica's id. @example new GCounter(7).replicaId === 7 */
  readonly replicaId: number;
  /** Joins another instance or bytes; on error nothing changes. Bytes are verified when
   *  `trustKeys` was set; instances are local and merge without signature checks.
   *  @example b.merge(a.encode()) */
  merge(other: this | Uint8Array): void;
  /** The canonical encoding: equal states give equal bytes. @example const bytes = c.encode() */
  encode(): Uint8Array;
  /** Sync step 1: this replica's version vector(s). @example port.postMessage(c.syncRequest()) */
  syncRequest(): Uint8Array;
  /** Sync step 2: exactly the delta the requester lacks. @example peer.merge(c.syncResponse(req)) */
  syncResponse(request: Uint8Array): Uint8Array;
  /** A departed replica stops holding garbage collection back. @example c.retire(4) */
  retire(replicaId: number): void;
  /** Drops removal metadata every known replica has seen. @example c.collectGarbage() */
  collectGarbage(): void;
  /** Signs deltas and sync responses with an Ed25519 seed; returns the public key.
   *  @example const pk = c.signWith(crypto.getRandomValues(new Uint8Array(32))) */
  signWith(seed: Uint8Array): Uint8Array;
  /** Merge bytes only when signed by one of these keys (`null`: accept unsigned).
   *  @example c.trustKeys([alicePk, bobPk]) */
  trustKeys(publicKeys: Uint8Array[] | null): void;
  /** The current value. @example new GCounter(1).value() === 0 */
  value(): V;
  /** A JSON-friendly snapshot (same as `value()`). @example JSON.stringify(c) */
  toJSON(): V;
}

/**
 * A version vector. @example
 * const a = new VClock(1), b = new VClock(2);
 * a.increment(); b.increment();
 * a.compare(b) === 'concurrent';
 */
export declare class VClock implements Crdt<Record<string, number>> {
  constructor(replicaId: number);
  /** @example clock.increment() */
  increment(): Uint8Array;
  /** @example clock.get(2) */
  get(replicaId: number): number;
  /** @example a.compare(b.encode()) */
  compare(other: VClock | Uint8Array): 'before' | 'after' | 'equal' | 'concurrent';
  static decode(bytes: Uint8Array, opts?: DecodeOptions): VClock;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: VClock | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): Record<string, number>; toJSON(): Record<string, number>;
}

/** A grow-only counter. @example const c = new GCounter(1); c.increment(5); c.value() === 5 */
export declare class GCounter implements Crdt<number> {
  constructor(replicaId: number);
  /** @example c.increment() // +1 */
  increment(n?: number): Uint8Array;
  static decode(bytes: Uint8Array, opts?: DecodeOptions): GCounter;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: GCounter | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): number; toJSON(): number;
}

/** A counter that goes both ways. @example const c = new PNCounter(1); c.decrement(2); c.value() === -2 */
export declare class PNCounter implements Crdt<number> {
  constructor(replicaId: number);
  /** @example c.increment(3) */
  increment(n?: number): Uint8Array;
  /** @example c.decrement() */
  decrement(n?: number): Uint8Array;
  static decode(bytes: Uint8Array, opts?: DecodeOptions): PNCounter;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: PNCounter | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): number; toJSON(): number;
}

/** A grow-only set of JSON-like values. @example const s = new GSet(1); s.add({ id: 1 }); s.has({ id: 1 }) */
export declare class GSet implements Crdt<JsonValue[]> {
  constructor(replicaId: number);
  /** @example s.add('tag') */
  add(value: JsonValue): Uint8Array;
  /** @example s.has('tag') */
  has(value: JsonValue): boolean;
  /** Elements in canonical order. @example s.values() */
  values(): JsonValue[];
  /** @example s.size */
  readonly size: number;
  static decode(bytes: Uint8Array, opts?: DecodeOptions): GSet;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: GSet | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): JsonValue[]; toJSON(): JsonValue[];
}

/**
 * An add-wins observed-remove set. @example
 * const s = new ORSet(1);
 * s.add('a'); s.remove('a'); s.add('a');
 * s.values(); // ['a']
 */
export declare class ORSet implements Crdt<JsonValue[]> {
  constructor(replicaId: number);
  /** @example s.add({ id: 7 }) */
  add(value: JsonValue): Uint8Array;
  /** @example s.remove({ id: 7 }) */
  remove(value: JsonValue): Uint8Array;
  /** @example s.has({ id: 7 }) */
  has(value: JsonValue): boolean;
  /** @example s.values() */
  values(): JsonValue[];
  /** @example s.size */
  readonly size: number;
  static decode(bytes: Uint8Array, opts?: DecodeOptions): ORSet;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: ORSet | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): JsonValue[]; toJSON(): JsonValue[];
}

/** Last writer wins (HLC timestamps; the larger replica id breaks ties).
 *  @example const r = new LWWRegister(1); r.set({ theme: 'dark' }); r.value() */
export declare class LWWRegister implements Crdt<JsonValue | undefined> {
  constructor(replicaId: number);
  /** `now` defaults to `Date.now()`. @example r.set('v', Date.now()) */
  set(value: JsonValue, now?: number): Uint8Array;
  /** @example r.timestamp()?.physical */
  timestamp(): HlcTimestamp | undefined;
  static decode(bytes: Uint8Array, opts?: DecodeOptions): LWWRegister;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: LWWRegister | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): JsonValue | undefined; toJSON(): JsonValue | undefined;
}

/** Keeps every concurrent write. @example const r = new MVRegister(1); r.set(1); r.values() // [1] */
export declare class MVRegister implements Crdt<JsonValue[]> {
  constructor(replicaId: number);
  /** @example r.set('draft 2') */
  set(value: JsonValue): Uint8Array;
  /** @example r.values().length > 1 // a conflict to resolve */
  values(): JsonValue[];
  static decode(bytes: Uint8Array, opts?: DecodeOptions): MVRegister;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: MVRegister | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): JsonValue[]; toJSON(): JsonValue[];
}

/** A map of last-writer-wins keys. @example const m = new LWWMap(1); m.set('title', 'Hi'); m.value() // { title: 'Hi' } */
export declare class LWWMap implements Crdt<Record<string, JsonValue>> {
  constructor(replicaId: number);
  /** @example m.set('pos', { x: 1, y: 2 }) */
  set(key: string, value: JsonValue, now?: number): Uint8Array;
  /** @example m.delete('pos') */
  delete(key: string, now?: number): Uint8Array;
  /** @example m.get('pos') */
  get(key: string): JsonValue | undefined;
  /** @example m.has('pos') */
  has(key: string): boolean;
  /** @example m.keys() */
  keys(): string[];
  /** @example m.size */
  readonly size: number;
  static decode(bytes: Uint8Array, opts?: DecodeOptions): LWWMap;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: LWWMap | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): Record<string, JsonValue>; toJSON(): Record<string, JsonValue>;
}

/** One skill of an agent. */
export interface SkillEntry {
  score: number;
  timestamp: HlcTimestamp;
  replica: number;
}

/** One episode of an agent's log, keyed by (replica, seq). */
export interface Episode {
  replica: number;
  seq: number;
  value: JsonValue;
}

/**
 * An agent's skills (name → score in [0, 1], last writer wins) and append-only episode log.
 * @example
 * const a = new AgentState(1);
 * a.setSkill('search', 0.8);
 * a.appendEpisode({ task: 'triage', ok: true });
 * a.fingerprint(); // 48-byte SHA-384, equal on converged replicas
 */
export declare class AgentState implements Crdt<{ skills: Record<string, SkillEntry>; episodes: Episode[] }> {
  constructor(replicaId: number);
  /** @example a.setSkill('code', 0.5) */
  setSkill(name: string, score: number, now?: number): Uint8Array;
  /** @example a.removeSkill('code') */
  removeSkill(name: string, now?: number): Uint8Array;
  /** @example a.appendEpisode({ step: 1 }) */
  appendEpisode(episode: JsonValue): Uint8Array;
  /** @example a.skill('code')?.score */
  skill(name: string): SkillEntry | undefined;
  /** @example Object.keys(a.skills()) */
  skills(): Record<string, SkillEntry>;
  /** @example a.episodes().at(-1) */
  episodes(): Episode[];
  /** @example a.fingerprint().length === 48 */
  fingerprint(): Uint8Array;
  static decode(bytes: Uint8Array, opts?: DecodeOptions): AgentState;
  readonly crdtType: string; readonly replicaId: number;
  merge(other: AgentState | Uint8Array): void; encode(): Uint8Array; syncRequest(): Uint8Array;
  syncResponse(request: Uint8Array): Uint8Array; retire(replicaId: number): void; collectGarbage(): void;
  signWith(seed: Uint8Array): Uint8Array; trustKeys(publicKeys: Uint8Array[] | null): void;
  value(): { skills: Record<string, SkillEntry>; episodes: Episode[] };
  toJSON(): { skills: Record<string, SkillEntry>; episodes: Episode[] };
}

export type AnyCrdt = VClock | GCounter | PNCounter | GSet | ORSet | LWWRegister | MVRegister | LWWMap | AgentState;

// ---- katalyst/crdt-sync ------------------------------------------------------------------

/** A change notification. */
export interface ChangeEvent<C extends AnyCrdt = AnyCrdt> {
  /** `'local'` for a mutator called through the replica, `'remote'` for merged updates. */
  origin: 'local' | 'remote';
  /** The delta bytes that caused it. */
  delta: Uint8Array;
  replica: SyncedReplica<C>;
}

/** Options of the sync helpers. */
export interface SyncOptions {
  /** Called with merge or transport errors (default: `console.warn`). */
  onError?: (error: unknown) => void;
  /** Re-run sync step 1 periodically (anti-entropy); 0 (default) disables it. */
  resyncEveryMs?: number;
}

/** Mutator method names per class (these broadcast their deltas). @example MUTATORS.ORSet // ['add', 'remove'] */
export declare const MUTATORS: Readonly<Record<string, readonly string[]>>;

/** The mutators of each class, as exposed on a `SyncedReplica`. */
type Mutators<C> = C extends LWWMap ? Pick<LWWMap, 'set' | 'delete'>
  : C extends ORSet ? Pick<ORSet, 'add' | 'remove'>
  : C extends GSet ? Pick<GSet, 'add'>
  : C extends AgentState ? Pick<AgentState, 'setSkill' | 'removeSkill' | 'appendEpisode'>
  : C extends LWWRegister ? Pick<LWWRegister, 'set'>
  : C extends MVRegister ? Pick<MVRegister, 'set'>
  : C extends PNCounter ? Pick<PNCounter, 'increment' | 'decrement'>
  : C extends GCounter ? Pick<GCounter, 'increment'>
  : C extends VClock ? Pick<VClock, 'increment'>
  : {};

/** What every `SyncedReplica` has besides its class's mutators. */
export interface SyncedReplicaBase<C extends AnyCrdt = AnyCrdt> {
  /** The wrapped instance (read from it freely; mutate through the replica). @example doc.crdt.get('title') */
  readonly crdt: C;
  /** Runs a mutator and broadcasts its delta. @example doc.change(m => m.set('k', 1)) */
  change(fn: (crdt: C) => Uint8Array): Uint8Array;
  /** Merges remote bytes; true when the state changed. @example doc.apply(bytesFromServer) */
  apply(bytes: Uint8Array, origin?: 'remote' | 'local'): boolean;
  /** Change events; returns unsubscribe. @example const off = doc.subscribe(e => console.log(e.origin)) */
  subscribe(cb: (event: ChangeEvent<C>) => void): () => void;
  /** @example doc.value() */
  value(): ReturnType<C['value']>;
  /** @example JSON.stringify(doc) */
  toJSON(): ReturnType<C['toJSON']>;
  /** Closes all its connections. @example doc.close() */
  close(): void;
}

/** A CRDT whose mutators broadcast their deltas to every connection and notify subscribers. */
export type SyncedReplica<C extends AnyCrdt = AnyCrdt> = SyncedReplicaBase<C> & Mutators<C>;

/**
 * @example
 * const doc = new SyncedReplica(new LWWMap(myId));
 * syncOverBroadcastChannel(doc, 'doc-1');
 * doc.subscribe(() => render(doc.value()));
 * doc.set('title', 'Hello');
 */
export declare const SyncedReplica: {
  new <C extends AnyCrdt>(crdt: C, opts?: SyncOptions): SyncedReplica<C>;
};

/** One transport's sync session. */
export interface SyncConnection<C extends AnyCrdt = AnyCrdt> {
  /** Mutate through this to broadcast. @example conn.replica.add('x') */
  readonly replica: SyncedReplica<C>;
  /** @example conn.subscribe(() => update()) */
  subscribe(cb: (event: ChangeEvent<C>) => void): () => void;
  /** Runs step 1 both ways again. @example conn.resync() */
  resync(): void;
  /** Goes offline (no sending, incoming dropped). @example conn.pause() */
  pause(): void;
  /** Comes back online and syncs what changed meanwhile. @example conn.resume() */
  resume(): void;
  /** Detaches (closing a BroadcastChannel it opened). @example conn.close() */
  close(): void;
}

/** Any byte transport (WebSocket, WebRTC data channel, …). `onMessage` may return an unsubscribe. */
export interface ByteTransport {
  send(bytes: Uint8Array): void;
  onMessage(cb: (data: Uint8Array | ArrayBuffer) => void): (() => void) | void;
}

/**
 * The two-step protocol plus delta broadcast over any transport.
 * @example
 * const ws = new WebSocket(url); ws.binaryType = 'arraybuffer';
 * const conn = syncOver({ send: b => ws.send(b), onMessage: cb => ws.addEventListener('message', e => cb(e.data)) }, new ORSet(id));
 */
export declare function syncOver<C extends AnyCrdt>(transport: ByteTransport, crdt: C | SyncedReplica<C>, opts?: SyncOptions): SyncConnection<C>;

/**
 * Syncs between same-origin tabs.
 * @example
 * const conn = syncOverBroadcastChannel(new AgentState(tabId), 'agent-42');
 * conn.subscribe(() => render(conn.replica.value()));
 * conn.replica.setSkill('search', 0.9);
 */
export declare function syncOverBroadcastChannel<C extends AnyCrdt>(crdt: C | SyncedReplica<C>, channelName: string, opts?: SyncOptions): SyncConnection<C>;

/**
 * Syncs with a worker or the other end of a MessageChannel.
 * @example
 * const conn = syncOverPort(new LWWMap(0), worker);
 */
export declare function syncOverPort<C extends AnyCrdt>(crdt: C | SyncedReplica<C>, port: MessagePort | Worker, opts?: SyncOptions): SyncConnection<C>;
