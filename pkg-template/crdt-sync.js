// Sync Katalyst CRDTs between tabs, workers and peers.
//
// The protocol runs over any transport that moves bytes: `{ send(bytes), onMessage(cb) }`.
// Frames are a Uint8Array whose first byte says what follows:
//   1 HELLO    a sync request (step 1); the receiver answers and asks back
//   4 REQUEST  a sync request (step 1); the receiver only answers
//   2 RESPONSE the delta the requester lacks (step 2), merged like any update
//   3 UPDATE   the delta of one local change, broadcast as it happens
// A receiver merges RESPONSE and UPDATE frames with `crdt.merge(bytes)` (which verifies
// signatures when `trustKeys` was set); a bad frame is reported to `onError` and dropped.

const HELLO = 1;
const RESPONSE = 2;
const UPDATE = 3;
const REQUEST = 4;

/** Mutator method names per CRDT class: these are wrapped to broadcast their deltas. */
export const MUTATORS = Object.freeze({
  VClock: ['increment'],
  GCounter: ['increment'],
  PNCounter: ['increment', 'decrement'],
  GSet: ['add'],
  ORSet: ['add', 'remove'],
  LWWRegister: ['set'],
  MVRegister: ['set'],
  LWWMap: ['set', 'delete'],
  AgentState: ['setSkill', 'removeSkill', 'appendEpisode'],
});

function frame(kind, payload) {
  const out = new Uint8Array(payload.length + 1);
  out[0] = kind;
  out.set(payload, 1);
  return out;
}

function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A CRDT instance whose local changes are broadcast to every connected transport and whose
 * changes (local or remote) are announced to subscribers.
 */
export class SyncedReplica {
  constructor(crdt, { onError } = {}) {
    if (!crdt || typeof crdt.syncRequest !== 'function' || typeof crdt.merge !== 'function') {
      throw new TypeError('SyncedReplica: argument \'crdt\' must be a Katalyst CRDT instance');
    }
    this.crdt = crdt;
    this.onError = onError ?? ((e) => console.warn('katalyst crdt sync:', e));
    this._subscribers = new Set();
    this._connections = new Set();
    for (const name of MUTATORS[crdt.crdtType] ?? []) {
      this[name] = (...args) => this.change((c) => c[name](...args));
    }
  }

  /** Runs `fn(crdt)`, which must return a mutator's delta; broadcasts it and notifies. */
  change(fn) {
    const delta = fn(this.crdt);
    if (!(delta instanceof Uint8Array)) {
      throw new TypeError('SyncedReplica.change: the callback must return the mutator\'s delta (a Uint8Array)');
    }
    const f = frame(UPDATE, delta);
    for (const c of this._connections) c._send(f);
    this._emit({ origin: 'local', delta });
    return delta;
  }

  /** Merges remote bytes; notifies subscribers when the state changed. Returns whether it did. */
  apply(bytes, origin = 'remote') {
    const before = this.crdt.syncRequest();
    this.crdt.merge(bytes);
    const changed = !sameBytes(before, this.crdt.syncRequest());
    if (changed) this._emit({ origin, delta: bytes });
    return changed;
  }

  /** `cb({ origin: 'local' | 'remote', delta, replica })` after every change; returns unsubscribe. */
  subscribe(cb) {
    if (typeof cb !== 'function') throw new TypeError('subscribe: argument \'cb\' must be a function');
    this._subscribers.add(cb);
    return () => this._subscribers.delete(cb);
  }

  /** The CRDT's current value. */
  value() {
    return this.crdt.value();
  }

  toJSON() {
    return this.crdt.toJSON();
  }

  /** Closes every connection of this replica. */
  close() {
    for (const c of [...this._connections]) c.close();
  }

  _emit(event) {
    event.replica = this;
    for (const cb of [...this._subscribers]) {
      try {
        cb(event);
      } catch (e) {
        this.onError(e);
      }
    }
  }
}

class SyncConnection {
  constructor(replica, transport, { resyncEveryMs = 0, onClose } = {}) {
    this.replica = replica;
    this._transport = transport;
    this._paused = false;
    this._closed = false;
    this._onClose = onClose;
    const off = transport.onMessage((data) => this._receive(data));
    this._off = typeof off === 'function' ? off : null;
    replica._connections.add(this);
    this._timer = resyncEveryMs > 0 ? setInterval(() => this.resync(), resyncEveryMs) : null;
    this.resync();
  }

  _send(bytes) {
    if (this._paused || this._closed) return;
    try {
      this._transport.send(bytes);
    } catch (e) {
      this.replica.onError(e);
    }
  }

  _receive(data) {
    if (this._paused || this._closed) return;
    const bytes = toBytes(data);
    if (!bytes || bytes.length < 1) return;
    const kind = bytes[0];
    const payload = bytes.subarray(1);
    try {
      if (kind === HELLO || kind === REQUEST) {
        this._send(frame(RESPONSE, this.replica.crdt.syncResponse(payload)));
        if (kind === HELLO) this._send(frame(REQUEST, this.replica.crdt.syncRequest()));
      } else if (kind === RESPONSE || kind === UPDATE) {
        this.replica.apply(payload, 'remote');
      }
    } catch (e) {
      this.replica.onError(e);
    }
  }

  /** Runs step 1 again (both ways): peers answer with whatever this replica lacks. */
  resync() {
    this._send(frame(HELLO, this.replica.crdt.syncRequest()));
  }

  /** Stops sending and receiving (an offline period); `resume()` syncs what changed meanwhile. */
  pause() {
    this._paused = true;
  }

  resume() {
    this._paused = false;
    this.resync();
  }

  /** Same as `replica.subscribe`. */
  subscribe(cb) {
    return this.replica.subscribe(cb);
  }

  /** Detaches from the transport (and closes it when this helper opened it). */
  close() {
    if (this._closed) return;
    this._closed = true;
    if (this._timer) clearInterval(this._timer);
    this.replica._connections.delete(this);
    if (this._off) this._off();
    if (this._onClose) this._onClose();
  }
}

function asReplica(crdt, opts) {
  return crdt instanceof SyncedReplica ? crdt : new SyncedReplica(crdt, opts);
}

/**
 * Runs the protocol over any byte transport: `send(bytes)` and `onMessage(cb)` (which may
 * return an unsubscribe function). Returns the connection: `{ replica, subscribe, resync,
 * pause, resume, close }`. Mutate through `connection.replica` so changes are broadcast.
 */
export function syncOver(transport, crdt, opts = {}) {
  if (!transport || typeof transport.send !== 'function' || typeof transport.onMessage !== 'function') {
    throw new TypeError('syncOver: argument \'transport\' must have send(bytes) and onMessage(cb)');
  }
  return new SyncConnection(asReplica(crdt, opts), transport, opts);
}

/** Syncs between same-origin tabs and workers over a `BroadcastChannel` named `channelName`. */
export function syncOverBroadcastChannel(crdt, channelName, opts = {}) {
  if (typeof channelName !== 'string') {
    throw new TypeError('syncOverBroadcastChannel: argument \'channelName\' must be a string');
  }
  const channel = new BroadcastChannel(channelName);
  const transport = {
    send: (bytes) => channel.postMessage(bytes),
    onMessage: (cb) => {
      const h = (ev) => cb(ev.data);
      channel.addEventListener('message', h);
      return () => channel.removeEventListener('message', h);
    },
  };
  return new SyncConnection(asReplica(crdt, opts), transport, { ...opts, onClose: () => channel.close() });
}

/** Syncs with the other end of a `MessagePort` (a worker, an iframe, a `MessageChannel`). */
export function syncOverPort(crdt, port, opts = {}) {
  if (!port || typeof port.postMessage !== 'function') {
    throw new TypeError('syncOverPort: argument \'port\' must be a MessagePort or Worker');
  }
  const transport = {
    send: (bytes) => port.postMessage(bytes),
    onMessage: (cb) => {
      const h = (ev) => cb(ev.data);
      port.addEventListener('message', h);
      if (typeof port.start === 'function') port.start();
      return () => port.removeEventListener('message', h);
    },
  };
  return new SyncConnection(asReplica(crdt, opts), transport, opts);
}
