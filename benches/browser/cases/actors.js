// The actor runtime (`k.actors`, issue 6 bars): call round trip main → actor → main against a
// raw postMessage echo, cast throughput to Rust actors on 2 workers with 16-byte messages,
// JS-behaviour call throughput against comlink and workerpool, spawn + stop, and when the
// actor pool was ready after init.
import * as Comlink from 'comlink';
import comlinkUrl from 'comlink/dist/esm/comlink.mjs?url';
import workerpool from 'workerpool';

const echoSource = 'onmessage = (e) => postMessage(e.data);';
const BATCH = 100; // concurrent calls per timed run in the throughput groups
const PING_N = 1000; // actor-to-actor round trips per timed run

// The same tiny counter for every peer: add the message to a running total, reply the total.
const counterModule = `
export const counter = {
  init() { return 0; },
  handle(n, msg, ctx) { n += msg; ctx.reply(n); return n; },
};`;

function blobUrl(src) {
  return URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
}

export default [
  {
    group: 'actor call round trip main → actor → main',
    name: 'raw postMessage echo',
    peer: 'postMessage',
    async setup() {
      const worker = new Worker(blobUrl(echoSource));
      let resolve;
      worker.onmessage = () => resolve();
      return {
        run: () => new Promise((r) => { resolve = r; worker.postMessage(1); }),
        teardown: () => worker.terminate(),
      };
    },
  },
  {
    group: 'actor call round trip main → actor → main',
    name: "katalyst k.actors.call('echo' Rust actor)",
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      const echo = a.spawn('echo');
      return () => a.call(echo, 1);
    },
  },
  {
    // The 'ping' built-in makes PING_N sequential calls to an echo pinned to the other worker;
    // one main-thread call per PING_N round trips, so the main thread's share is negligible.
    group: 'actor call round trip between two Rust actors on different workers',
    name: "katalyst 'ping' (worker 0) → 'echo' (worker 1), sequential calls",
    work: PING_N, unit: 'round trips/s', scale: 1,
    modes: ['threads'],
    threads: ({ k }) => k.actors.workers,
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      if (a.workers < 2) throw new Error(`needs 2 actor workers, the pool has ${a.workers}`);
      const echo = a.spawn('echo', { worker: 1 });
      const ping = a.spawn('ping', { worker: 0 });
      const req = new Uint8Array(12);
      const dv = new DataView(req.buffer);
      dv.setUint32(0, echo.slot, true);
      dv.setUint32(4, echo.generation, true);
      dv.setUint32(8, PING_N, true);
      return () => a.call(ping, req);
    },
  },
  {
    group: 'actor cast throughput, Rust actors, 2 workers, 16 B',
    name: 'katalyst cast ×10 000 from main to 2 echo actors',
    work: 10_000, unit: 'msg/s', scale: 1,
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      const actors = [a.spawn('echo', { mailbox: 1 << 16 }), a.spawn('echo', { mailbox: 1 << 16 })];
      const msg = new Uint8Array(16);
      return {
        run: async () => {
          for (let i = 0; i < 10_000; i++) a.cast(actors[i & 1], msg);
          // Per-sender FIFO: these replies come after every cast was handled.
          await Promise.all(actors.map((r) => a.call(r, undefined)));
        },
        info: { note: 'main thread → actors; actor-to-actor casts are in the native bench' },
      };
    },
  },
  // Issue 7's capability bar: the same casts with and without a check, side by side. The
  // checked actors require 'ingest' for every message; the sender carries the token.
  ...[false, true].map((checked) => ({
    group: 'actor cast throughput with and without a capability check, 2 echo actors, 16 B',
    name: checked ? "katalyst cast ×10 000 with { caps: [ingest] } to actors requiring 'ingest'" : 'katalyst cast ×10 000, no capability check',
    work: 10_000, unit: 'msg/s', scale: 1,
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      const opts = { mailbox: 1 << 16 };
      let actors = await Promise.all([a.spawn('echo', opts), a.spawn('echo', opts)]);
      // In st, spawns with `requires` go to node 1 unless placed `near` an actor: the checked
      // actors take the plain ones' places, so both cases spread over the same workers.
      if (checked) actors = await Promise.all(actors.map((near) => a.spawn('echo', { ...opts, near, requires: { '*': 'ingest' } })));
      // A token from each actor's own node (in st each worker's system has its authority).
      const sends = await Promise.all(actors.map(async (near) => (checked ? { caps: [await a.capabilities.issue('ingest', { near })] } : undefined)));
      const msg = new Uint8Array(16);
      return async () => {
        for (let i = 0; i < 10_000; i++) a.cast(actors[i & 1], msg, sends[i & 1]);
        await Promise.all(actors.map((r, i) => a.call(r, undefined, sends[i])));
      };
    },
  })),
  // The same check with no JavaScript per message: the 'flood' built-in casts 10 000 messages
  // from inside the runtime (through the authority with the capabilities its call carries, or
  // plainly) and answers once the target handled them all. `threads` only, as 'ping': the
  // request names the target by its slot in the shared system.
  ...[false, true].map((checked) => ({
    group: "actor cast throughput with and without a capability check, actor to actor ('flood' → echo), no JS per message",
    name: checked ? "katalyst 'flood' ×10 000 with [ingest] to an echo requiring 'ingest'" : "katalyst 'flood' ×10 000, no capability check",
    work: 10_000, unit: 'msg/s', scale: 1,
    modes: ['threads'],
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      const opts = { mailbox: 1 << 16 };
      const target = await a.spawn('echo', checked ? { ...opts, requires: { '*': 'ingest' } } : opts);
      const flood = await a.spawn('flood', { near: target });
      const send = checked ? { caps: [await a.capabilities.issue('ingest', { near: target })] } : undefined;
      const req = new Uint8Array(12);
      const dv = new DataView(req.buffer);
      dv.setUint32(0, target.slot, true);
      dv.setUint32(4, target.generation, true);
      dv.setUint32(8, 10_000, true);
      return () => a.call(flood, req, send);
    },
  })),
  {
    group: `actor JS-behaviour call throughput (${BATCH} concurrent calls)`,
    name: 'katalyst JS module actor',
    work: BATCH, unit: 'calls/s', scale: 1,
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      const c = await a.spawn({ module: blobUrl(counterModule), export: 'counter' });
      const calls = new Array(BATCH);
      return async () => {
        for (let i = 0; i < BATCH; i++) calls[i] = a.call(c, 1);
        await Promise.all(calls);
      };
    },
  },
  {
    group: `actor JS-behaviour call throughput (${BATCH} concurrent calls)`,
    name: 'comlink counter in a worker',
    peer: 'comlink',
    work: BATCH, unit: 'calls/s', scale: 1,
    async setup() {
      const src = `import * as Comlink from ${JSON.stringify(new URL(comlinkUrl, location.href).href)};
let n = 0;
Comlink.expose({ add(x) { n += x; return n; } });`;
      const worker = new Worker(blobUrl(src), { type: 'module' });
      const remote = Comlink.wrap(worker);
      const calls = new Array(BATCH);
      return {
        run: async () => {
          for (let i = 0; i < BATCH; i++) calls[i] = remote.add(1);
          await Promise.all(calls);
        },
        teardown: () => worker.terminate(),
      };
    },
  },
  {
    group: `actor JS-behaviour call throughput (${BATCH} concurrent calls)`,
    name: 'workerpool exec (1 worker)',
    peer: 'workerpool',
    work: BATCH, unit: 'calls/s', scale: 1,
    async setup() {
      const pool = workerpool.pool({ maxWorkers: 1 });
      const add = (x) => { self.n = (self.n ?? 0) + x; return self.n; };
      await pool.exec(add, [0]);
      const calls = new Array(BATCH);
      return {
        run: async () => {
          for (let i = 0; i < BATCH; i++) calls[i] = pool.exec(add, [1]);
          await Promise.all(calls);
        },
        teardown: () => pool.terminate(),
      };
    },
  },
  {
    group: 'actor spawn + stop (Rust echo)',
    name: 'katalyst spawn + stop',
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      return () => a.stop(a.spawn('echo'));
    },
  },
  {
    // Run alone in its page (--filter idle), so the growth is not hidden by memory that earlier
    // cases freed: wasm memory only grows, and reused pages would not show.
    group: 'actor memory of 100 000 idle Rust actors',
    name: 'katalyst spawn ×100 000 counter (info: MB of wasm memory grown)',
    async setup({ k }) {
      const a = k.actors;
      await a.ready;
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      // st: each worker reports its figures on request, a little later.
      const fresh = async (live) => {
        let s = a.stats();
        const reported = () => s.workers.every((w) => w.memoryBytes !== undefined) && s.workers.reduce((n, w) => n + w.live, 0) === live;
        for (let i = 0; i < 50 && a.mode === 'single' && !reported(); i++) {
          await sleep(100);
          s = a.stats();
        }
        return s;
      };
      const before = (await fresh(0)).memoryBytes;
      const refs = [];
      for (let i = 0; i < 100_000; i++) refs.push(a.spawn('counter'));
      // Every actor has run its init and is idle: calls queued behind the spawns have answered.
      await Promise.all(refs.filter((_, i) => i % 1000 === 999).map((r) => a.call(r, 0)));
      const s = await fresh(100_000);
      if (s.live < 100_000) throw new Error(`only ${s.live} actors live`);
      const grownMB = (s.memoryBytes - before) / 2 ** 20;
      return { run: () => {}, info: { idleActorsMB: Math.round(grownMB * 10) / 10, totalWasmMB: Math.round(s.memoryBytes / 2 ** 20), live: s.live } };
    },
  },
  {
    group: 'actor pool ready after init',
    name: 'katalyst k.actors.ready (info: poolReadyMs)',
    async setup({ k }) {
      await k.actors.ready;
      return { run: () => {}, info: { poolReadyMs: Math.round(k.actors.stats().poolReadyMs * 10) / 10 } };
    },
  },
];
