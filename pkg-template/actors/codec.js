// The actor message codec: a structured JS value (what `structuredClone` accepts, minus
// errors and blobs) to bytes and back, so messages can live in wasm memory and cross between
// workers. Values that cannot cross are rejected with a TypeError naming their path.
//
// Top level: `undefined` → kind 0; a safe integer → kind 1 (an `Int` Rust actors understand);
// a `Uint8Array` → kind 2 (`Bytes`); anything else → kind 3 (an encoded payload).

const T = { undef: 0, null: 1, false: 2, true: 3, num: 4, str: 5, arr: 6, obj: 7, typed: 8, ab: 9, date: 10, map: 11, set: 12, big: 13, regexp: 14 };
const TYPED = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
if (typeof Float16Array === 'function') TYPED.push(Float16Array);
const TYPED_NAMES = TYPED.map((C) => C.name);
const enc = new TextEncoder();
const dec = new TextDecoder();

class Writer {
  constructor() {
    this.buf = new Uint8Array(64);
    this.view = new DataView(this.buf.buffer);
    this.n = 0;
  }
  room(k) {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u8(v) { this.room(1); this.buf[this.n++] = v; }
  u32(v) { this.room(4); this.view.setUint32(this.n, v, true); this.n += 4; }
  f64(v) { this.room(8); this.view.setFloat64(this.n, v, true); this.n += 8; }
  bytes(b) { this.u32(b.length); this.room(b.length); this.buf.set(b, this.n); this.n += b.length; }
  str(s) { this.bytes(enc.encode(s)); }
}

function fail(path, what) {
  const e = new TypeError(`${path}: ${what} cannot be sent to an actor (only structured-cloneable values can)`);
  e.code = 'invalid_type';
  return e;
}

function keyPath(path, k) {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
}

function write(w, v, path, seen) {
  switch (typeof v) {
    case 'undefined': return w.u8(T.undef);
    case 'boolean': return w.u8(v ? T.true : T.false);
    case 'number': w.u8(T.num); return w.f64(v);
    case 'string': w.u8(T.str); return w.str(v);
    case 'bigint': w.u8(T.big); return w.str(v.toString());
    case 'function': throw fail(path, 'a function');
    case 'symbol': throw fail(path, 'a symbol');
  }
  if (v === null) return w.u8(T.null);
  if (seen.has(v)) throw fail(path, 'a cyclic reference');
  // Tags rather than instanceof, so values from another realm (an iframe) encode too.
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  if (ArrayBuffer.isView(v) && tag !== 'DataView') {
    const t = TYPED_NAMES.indexOf(tag);
    if (t < 0) throw fail(path, `a ${tag}`);
    w.u8(T.typed); w.u8(t);
    return w.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  if (tag === 'ArrayBuffer') { w.u8(T.ab); return w.bytes(new Uint8Array(v)); }
  if (tag === 'Date') { w.u8(T.date); return w.f64(Date.prototype.getTime.call(v)); }
  if (tag === 'RegExp') { w.u8(T.regexp); w.str(v.source); return w.str(v.flags); }
  if (typeof Node === 'function' && v instanceof Node) throw fail(path, 'a DOM node');
  if (typeof v.nodeType === 'number' && typeof v.nodeName === 'string') throw fail(path, 'a DOM node');
  if (tag === 'Promise' || tag === 'WeakMap' || tag === 'WeakSet' || tag === 'SharedArrayBuffer') throw fail(path, `a ${tag}`);
  seen.add(v);
  if (Array.isArray(v)) {
    w.u8(T.arr); w.u32(v.length);
    for (let i = 0; i < v.length; i++) write(w, v[i], `${path}[${i}]`, seen);
  } else if (tag === 'Map') {
    w.u8(T.map); w.u32(v.size);
    let i = 0;
    for (const [k, x] of v) { write(w, k, `${path}.<key ${i}>`, seen); write(w, x, `${path}.get(${i})`, seen); i++; }
  } else if (tag === 'Set') {
    w.u8(T.set); w.u32(v.size);
    let i = 0;
    for (const x of v) write(w, x, `${path}.<item ${i++}>`, seen);
  } else {
    const keys = Object.keys(v);
    w.u8(T.obj); w.u32(keys.length);
    for (const k of keys) { w.str(k); write(w, v[k], keyPath(path, k), seen); }
  }
  seen.delete(v);
}

/** Encodes `v` (named `path` in errors) as `[kind, payload]` (see the file comment). */
export function encode(v, path = 'msg') {
  if (v === undefined) return [0, undefined];
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return [1, v];
  if (v instanceof Uint8Array && v.constructor === Uint8Array) return [2, v];
  if (ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Uint8Array]' && !(v instanceof Uint8Array)) {
    return [2, new Uint8Array(v)]; // a Uint8Array from another realm
  }
  const w = new Writer();
  write(w, v, path, new Set());
  return [3, w.buf.subarray(0, w.n)];
}

class Reader {
  constructor(b) { this.b = b; this.v = new DataView(b.buffer, b.byteOffset, b.byteLength); this.n = 0; }
  u8() { return this.b[this.n++]; }
  u32() { const x = this.v.getUint32(this.n, true); this.n += 4; return x; }
  f64() { const x = this.v.getFloat64(this.n, true); this.n += 8; return x; }
  bytes() { const k = this.u32(); const s = this.b.slice(this.n, this.n + k); this.n += k; return s; }
  str() { const k = this.u32(); const s = dec.decode(this.b.subarray(this.n, this.n + k)); this.n += k; return s; }
}

function read(r) {
  const t = r.u8();
  switch (t) {
    case T.undef: return undefined;
    case T.null: return null;
    case T.false: return false;
    case T.true: return true;
    case T.num: return r.f64();
    case T.str: return r.str();
    case T.big: return BigInt(r.str());
    case T.typed: {
      const C = TYPED[r.u8()];
      const b = r.bytes();
      return new C(b.buffer, 0, b.byteLength / C.BYTES_PER_ELEMENT);
    }
    case T.ab: return r.bytes().buffer;
    case T.date: return new Date(r.f64());
    case T.regexp: { const s = r.str(); return new RegExp(s, r.str()); }
    case T.arr: { const n = r.u32(); const a = new Array(n); for (let i = 0; i < n; i++) a[i] = read(r); return a; }
    case T.map: { const n = r.u32(); const m = new Map(); for (let i = 0; i < n; i++) { const k = read(r); m.set(k, read(r)); } return m; }
    case T.set: { const n = r.u32(); const s = new Set(); for (let i = 0; i < n; i++) s.add(read(r)); return s; }
    case T.obj: { const n = r.u32(); const o = {}; for (let i = 0; i < n; i++) { const k = r.str(); o[k] = read(r); } return o; }
    default: throw new Error(`actor message: corrupt payload (tag ${t})`);
  }
}

/** Decodes `[kind, payload]`. */
export function decode(kind, payload) {
  switch (kind) {
    case 0: return undefined;
    case 1: return payload;
    case 2: return payload;
    default: return read(new Reader(payload));
  }
}

/** Encodes an actor's JS state (any structured value) as bytes. */
export function encodeState(v) {
  const w = new Writer();
  write(w, v, 'state', new Set());
  return w.buf.slice(0, w.n);
}

/** Decodes what {@link encodeState} made. */
export function decodeState(bytes) {
  return bytes.length === 0 ? undefined : read(new Reader(bytes));
}
