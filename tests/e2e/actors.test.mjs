// The actor runtime (`k.actors`) in a real page, headless Chromium. With COOP/COEP the `mt`
// executor runs (actor workers over the shared wasm memory); the same suite runs without
// COOP/COEP when the `st` executor is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

async function inPage(isolated, fn, arg) {
  const tab = await openPage(env.browser, env.server.url + (isolated ? '' : '?coi=0'));
  await tab.page.waitForFunction(() => window.ready === true);
  try {
    const value = await tab.page.evaluate(fn, arg);
    return { value, problems: tab.problems };
  } finally {
    await tab.close();
  }
}

// In the page: the error a promise produced, as plain data.
const capture = `async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message, reason: e.reason, isKatalystError: e instanceof katalyst.KatalystError, isActorExited: e instanceof katalyst.ActorExited }; } }`;

const MODES = [{ isolated: true, mode: 'threads' }, { isolated: false, mode: 'single' }];

for (const { isolated, mode } of MODES) {
  test(`${mode}: spawn, cast and call built-in Rust actors with structured messages`, async () => {
    const { value, problems } = await inPage(isolated, async () => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const echo = a.spawn('echo');
      const counter = a.spawn('counter', { args: 10 });
      for (let i = 0; i < 100; i++) a.cast(counter, 1);
      const total = await a.call(counter, 0);
      const msg = { s: 'héllo', n: 1.5, big: 12n, list: [1, null, true, undefined], f: new Float32Array([1, 2.5]), m: new Map([[1, 'a']]), set: new Set(['x']), d: new Date(5), nested: { deep: [{ x: -0.25 }] } };
      const back = await a.call(echo, msg);
      const bytes = await a.call(echo, new Uint8Array([1, 2, 3]));
      const int = await a.call(echo, 2 ** 40);
      const nothing = await a.call(echo, undefined);
      return {
        mode: k.mode, total, back: { ...back, big: String(back.big), f: Array.from(back.f), fIs: back.f.constructor.name, m: [...back.m], set: [...back.set], d: back.d.getTime() },
        bytes: Array.from(bytes), bytesIs: bytes.constructor.name, int, nothing: nothing === undefined,
        ref: echo, refClone: structuredClone(echo),
      };
    });
    assert.deepEqual(problems, []);
    assert.equal(value.mode, mode);
    assert.equal(value.total, 110);
    assert.deepEqual(value.back, { s: 'héllo', n: 1.5, big: '12', list: [1, null, true, undefined], f: [1, 2.5], fIs: 'Float32Array', m: [[1, 'a']], set: ['x'], d: 5, nested: { deep: [{ x: -0.25 }] } });
    assert.deepEqual(value.bytes, [1, 2, 3]);
    assert.equal(value.bytesIs, 'Uint8Array');
    assert.equal(value.int, 2 ** 40);
    assert.equal(value.nothing, true);
    assert.deepEqual(value.refClone, value.ref);
  });

  test(`${mode}: 'crypto' and 'compute' actors match independent references`, async () => {
    const input = Array.from({ length: 3000 }, (_, i) => (i * 7) & 255);
    const { value } = await inPage(isolated, async (input) => {
      const k = await katalyst.init();
      const a = k.actors;
      const h = a.spawn('crypto');
      const digest = await a.call(h, new Uint8Array(input));
      // [m, k, n] header + a (2x3) + b (3x2)
      const A = [1, 2, 3, 4, 5, 6], B = [7, 8, 9, 10, 11, 12];
      const buf = new Uint8Array(12 + 4 * 12);
      const dv = new DataView(buf.buffer);
      [2, 3, 2].forEach((v, i) => dv.setUint32(4 * i, v, true));
      [...A, ...B].forEach((v, i) => dv.setFloat32(12 + 4 * i, v, true));
      const c = await a.call(a.spawn('compute'), buf);
      return { digest: Array.from(digest), c: Array.from(new Float32Array(c.buffer, c.byteOffset, 4)) };
    }, input);
    assert.deepEqual(value.digest, Array.from(createHash('sha256').update(Buffer.from(input)).digest()));
    // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12]
    assert.deepEqual(value.c, [1 * 7 + 2 * 9 + 3 * 11, 1 * 8 + 2 * 10 + 3 * 12, 4 * 7 + 5 * 9 + 6 * 11, 4 * 8 + 5 * 10 + 6 * 12]);
  });

  test(`${mode}: call timeout fires within ±20 ms and a late reply is dropped; abort rejects`, async () => {
    const { value } = await inPage(isolated, async (capture) => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const sink = a.spawn('sink');
      const out = { timeouts: [] };
      for (const ms of [50, 120]) {
        const t0 = performance.now();
        const err = await eval(capture)(() => a.call(sink, 1, { timeout: ms }));
        out.timeouts.push({ ms, took: performance.now() - t0, code: err?.code });
      }
      const ac = new AbortController();
      const p = eval(capture)(() => a.call(sink, 2, { signal: ac.signal }));
      setTimeout(() => ac.abort(), 10);
      out.aborted = await p;
      out.preAborted = await eval(capture)(() => a.call(sink, 3, { signal: AbortSignal.abort() }));
      out.stillWorks = await a.call(a.spawn('echo'), 7);
      out.pending = a.stats().pendingCalls;
      return out;
    }, capture);
    for (const t of value.timeouts) {
      assert.equal(t.code, 'timeout');
      assert.ok(Math.abs(t.took - t.ms) <= 20, `timeout ${t.ms} ms took ${t.took.toFixed(1)} ms`);
    }
    assert.equal(value.aborted.code, 'aborted');
    assert.equal(value.preAborted.code, 'aborted');
    assert.equal(value.stillWorks, 7);
    assert.equal(value.pending, 0);
  });

  test(`${mode}: a failing actor exits alone with a reason; noproc after; others keep running`, async () => {
    const { value } = await inPage(isolated, async (capture) => {
      const k = await katalyst.init();
      const a = k.actors;
      const counter = a.spawn('counter');
      const other = a.spawn('counter', { args: 1 });
      const exited = await eval(capture)(() => a.call(counter, 'not a number'));
      const noproc = await eval(capture)(() => a.call(counter, 1));
      let castErr = null;
      try { a.cast(counter, 1); } catch (e) { castErr = e.code; }
      const unknown = await eval(capture)(() => a.call({ node: 0, slot: 999999, generation: 1 }, 1));
      return { exited, noproc, castErr, unknown, other: await a.call(other, 1), alive: a.isAlive(counter) };
    }, capture);
    assert.equal(value.exited.code, 'actor_exited');
    assert.equal(value.exited.isKatalystError, true);
    assert.equal(value.exited.isActorExited, true);
    assert.equal(value.exited.reason.kind, 'error');
    assert.match(value.exited.reason.message, /expected an integer/);
    assert.equal(value.noproc.code, 'noproc');
    assert.equal(value.castErr, 'noproc');
    assert.equal(value.unknown.code, 'noproc');
    assert.equal(value.other, 2);
    assert.equal(value.alive, false);
  });

  test(`${mode}: bounded mailboxes reject casts with mailbox_full, or make them wait`, async () => {
    const { value } = await inPage(isolated, async () => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const h = a.spawn('crypto', { mailbox: 2 });
      const big = new Uint8Array(1 << 20);
      let accepted = 0, full = 0, other = null;
      for (let i = 0; i < 200; i++) {
        try { a.cast(h, big); accepted++; } catch (e) { if (e.code === 'mailbox_full') full++; else other = e.message; }
      }
      let after;
      for (;;) {
        try { after = await a.call(h, new Uint8Array([1]), { timeout: 20000 }); break; } catch (e) {
          if (e.code !== 'mailbox_full') throw e;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      // With { wait: true } a cast waits for room instead: every one is accepted, in order.
      const c = a.spawn('counter', { mailbox: 1 });
      const waits = [];
      for (let i = 0; i < 300; i++) waits.push(a.cast(c, 1, { wait: true }));
      const settled = await Promise.allSettled(waits);
      let total;
      for (;;) {
        try { total = await a.call(c, 0); break; } catch (e) {
          if (e.code !== 'mailbox_full') throw e;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      return { accepted, full, other, after: after.length, castErrors: a.stats().castErrors, waited: settled.filter((s) => s.status === 'fulfilled').length, total };
    });
    assert.equal(value.other, null);
    // st learns of a full mailbox after the fact (the worker owns it): counted, not thrown.
    if (mode === 'threads') assert.ok(value.full > 0, `full: ${value.full}`);
    else assert.ok(value.castErrors > 0, `castErrors: ${value.castErrors}`);
    assert.equal(value.waited, 300);
    assert.equal(value.total, 300);
    assert.ok(value.accepted >= 2, `accepted: ${value.accepted}`);
    assert.equal(value.after, 32);
  });

  test(`${mode}: names, sendAfter, stop, stats and message validation`, async () => {
    const { value } = await inPage(isolated, async (capture) => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready; // timing below is about timers, not about the pool's start
      const c = a.spawn('counter', { name: 'total' });
      const found = a.whereis('total');
      a.sendAfter(c, 5, 30);
      const t = a.sendAfter(c, 1000, 30);
      t.cancel();
      await new Promise((r) => setTimeout(r, 80));
      const sum = await a.call(found, 0);
      const bad = await eval(capture)(() => a.call(c, { items: [1, 2, { cb() {} }] }));
      let badCast = null;
      try { a.cast(c, Symbol('x')); } catch (e) { badCast = { name: e.name, message: e.message }; }
      a.stats(); // st: asks the workers for fresh figures
      await new Promise((r) => setTimeout(r, 50));
      const stats = a.stats();
      a.stop(c, 'shutdown');
      await new Promise((r) => setTimeout(r, 30));
      return { same: found.slot === c.slot, sum, bad, badCast, statLive: stats.live, hasActor: stats.actors.some((s) => s.ref.slot === c.slot && s.processed >= 2), workers: stats.workers.length, gone: a.whereis('total') === undefined };
    }, capture);
    assert.equal(value.same, true);
    assert.equal(value.sum, 5);
    assert.equal(value.bad.name, 'TypeError');
    assert.match(value.bad.message, /msg\.items\[2\]\.cb/);
    assert.equal(value.badCast.name, 'TypeError');
    assert.ok(value.statLive >= 1);
    assert.equal(value.hasActor, true);
    assert.ok(value.workers >= 1);
    assert.equal(value.gone, true);
  });

  test(`${mode}: no long task on the main thread while 2 workers are saturated`, async () => {
    const { value } = await inPage(isolated, async () => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const longs = [];
      const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) longs.push(e.duration); });
      obs.observe({ type: 'longtask' });
      const actors = [a.spawn('crypto'), a.spawn('crypto'), a.spawn('crypto'), a.spawn('crypto')];
      const chunk = new Uint8Array(256 << 10);
      const calls = [];
      const t0 = performance.now();
      for (let round = 0; round < 40; round++) {
        for (const h of actors) for (let i = 0; i < 4; i++) calls.push(a.call(h, chunk, { timeout: 60000 }));
        await new Promise((r) => setTimeout(r, 0));
      }
      await Promise.all(calls);
      const took = performance.now() - t0;
      a.stats(); // st: asks the workers for fresh figures
      await new Promise((r) => setTimeout(r, 100));
      obs.disconnect();
      const w = a.stats().workers.map((x) => x.messages);
      return { longs, took, n: calls.length, perWorker: w };
    });
    assert.deepEqual(value.longs.filter((d) => d > 50), [], `long tasks: ${value.longs}`);
    assert.equal(value.n, 640);
    assert.ok(value.perWorker.filter((m) => m > 0).length >= 2, `messages per worker: ${value.perWorker}`);
  });
}

const COUNTER_MODULE = `
export const counter = {
  init(args) { return { n: args?.start ?? 0, seen: [] }; },
  handle(state, msg, ctx) {
    if (msg === 'boom') throw new Error('kaboom from a JS handler');
    if (msg === 'self') { ctx.reply(ctx.self); return undefined; }
    if (msg === 'quit') { ctx.stop(); ctx.reply('bye'); return state; }
    if (msg === 'child') { if (!ctx.spawn) { ctx.reply('n/a'); return state; } const c = ctx.spawn('counter', { args: 41 }); ctx.cast(c, 1); ctx.reply(c); return state; }
    if (msg?.add) state.n += msg.add;
    ctx.reply(state.n);
    return state;
  },
};
export function init() { return 0; }
export function handle(state, msg, ctx) { ctx.reply(state + msg); return state + msg; }
`;

for (const { isolated, mode } of MODES) {
  test(`${mode}: JS module behaviours loaded after the pool started; a throw ends that actor only`, async () => {
    const { value, problems } = await inPage(isolated, async ({ capture, src }) => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const rust = a.spawn('echo');
      await a.call(rust, 1);
      const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      const c1 = await a.spawn({ module: url, export: 'counter', args: { start: 5 } });
      const c2 = await a.spawn({ module: url, export: 'counter' });
      const plain = await a.spawn({ module: url }); // module-level init/handle
      a.cast(c1, { add: 2 });
      const n1 = await a.call(c1, { add: 3 });
      const self = await a.call(c1, 'self');
      const err = await eval(capture)(() => a.call(c2, 'boom'));
      const after = await eval(capture)(() => a.call(c2, { add: 1 }));
      const n1b = await a.call(c1, { add: 0 });
      const p = [await a.call(plain, 2), await a.call(plain, 3)];
      const badModule = await eval(capture)(() => a.spawn({ module: url, export: 'nope' }));
      const child = await a.call(c1, 'child');
      const childTotal = child === 'n/a' ? 42 : await a.call(child, 0);
      const bye = await a.call(c1, 'quit');
      await new Promise((r) => setTimeout(r, 20));
      const afterQuit = await eval(capture)(() => a.call(c1, 0));
      return { n1, n1b, self, c1, err, after, p, echo: await a.call(rust, 9), badModule, childTotal, bye, afterQuit };
    }, { capture, src: COUNTER_MODULE });
    assert.deepEqual(problems, []);
    assert.equal(value.n1, 10);
    assert.equal(value.n1b, 10);
    assert.deepEqual(value.self, value.c1);
    assert.equal(value.err.code, 'actor_exited');
    assert.equal(value.err.isActorExited, true);
    assert.equal(value.err.reason.kind, 'error');
    assert.match(value.err.reason.message, /kaboom from a JS handler/);
    assert.match(value.err.reason.stack ?? '', /kaboom|handle/);
    assert.equal(value.after.code, 'noproc');
    assert.deepEqual(value.p, [2, 5]);
    assert.equal(value.echo, 9);
    assert.equal(value.badModule.code, 'module_failed');
    assert.equal(value.childTotal, 42);
    assert.equal(value.bye, 'bye');
    assert.equal(value.afterQuit.code, 'noproc');
  });
}

test('threads: the watchdog reports a long JS handler while it runs; other actors keep running', async () => {
  const src = `export function handle(s, ms, ctx) { const end = performance.now() + ms; while (performance.now() < end); ctx.reply(ms); }`;
  const { value } = await inPage(true, async (src) => {
    const k = await katalyst.init({ actors: { watchdogMs: 100 } });
    const a = k.actors;
    await a.ready;
    const slow = await a.spawn({ module: URL.createObjectURL(new Blob([src], { type: 'text/javascript' })) });
    const echo = a.spawn('echo');
    const p = a.call(slow, 400);
    await new Promise((r) => setTimeout(r, 250));
    const during = a.takeEvents();
    const t0 = performance.now();
    const other = await a.call(echo, 5);
    const otherMs = performance.now() - t0;
    await p;
    return { during, other, otherMs, slow, reports: a.stats().watchdogReports };
  }, src);
  const long = value.during.filter((e) => e.type === 'longHandler');
  assert.equal(long.length, 1, JSON.stringify(value.during));
  assert.deepEqual(long[0].ref, value.slow);
  assert.ok(long[0].runningMs >= 100);
  assert.equal(value.other, 5);
  assert.ok(value.otherMs < 100, `echo took ${value.otherMs} ms beside the stuck worker`);
  assert.equal(value.reports, 1);
});

for (const { isolated, mode } of MODES) {
  test(`${mode}: a Rust panic (panic=abort) loses only what its worker held; the rest keeps running`, async () => {
    const { value, problems } = await inPage(isolated, async ({ capture, src }) => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const echo = a.spawn('echo');
      const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      const js = await a.spawn({ module: url, export: 'counter', args: { start: 1 } });
      const p = a.spawn('panic');
      // The in-flight call and calls queued behind it, all sent before the trap is reaped.
      const calls = [1, 2, 3].map((i) => eval(capture)(() => a.call(p, i, { timeout: 2000 })));
      const [err, ...queued] = await Promise.all(calls);
      const later = await eval(capture)(() => a.call(p, 4, { timeout: 500 }));
      // st: a trap loses its whole node, which may hold `echo`; mt: only the running actor.
      const other = await a.call(a.mode === 'threads' ? echo : a.spawn('echo'), 7);
      // New actors and calls still work (mt: a fresh worker replaced the dead one; st: the node's worker).
      const fresh = [];
      for (let i = 0; i < 4; i++) fresh.push(await a.call(a.spawn('echo'), i));
      // Panic more times than there are workers: the pool still works, at full size.
      const more = [];
      for (let i = 0; i < a.workers + 1; i++) {
        const e = await eval(capture)(() => a.call(a.spawn('panic'), i, { timeout: 2000 }));
        more.push(e.code);
        more.push(await a.call(a.mode === 'threads' ? echo : a.spawn('echo'), i) === i ? 'echo' : 'lost');
      }
      const until = performance.now() + 3000;
      while (a.stats().workersAlive !== undefined && a.stats().workersAlive < a.workers && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
      // The JS behaviour's module was loaded into the replacement workers too (mt).
      const jsAfter = a.mode === 'threads' ? await a.call(js, { add: 1 }) : undefined;
      const burst = await Promise.all(Array.from({ length: 32 }, (_, i) => a.call(a.spawn('echo'), i)));
      const s = a.stats();
      return {
        err, queued, later, other, fresh, more, jsAfter, burst,
        trapped: s.workersTrapped, replaced: s.workersReplaced, alive: s.workersAlive, workers: a.workers,
        perWorkerReplaced: s.workers.map((w) => w.replaced ?? 0),
        events: a.takeEvents().filter((e) => e.type === 'workerTrapped'),
      };
    }, { capture, src: COUNTER_MODULE });
    assert.equal(value.err.code, 'actor_exited', JSON.stringify(value.err));
    assert.equal(value.err.isActorExited, true);
    assert.deepEqual(value.fresh, [0, 1, 2, 3]);
    assert.equal(value.other, 7);
    assert.deepEqual(value.burst, Array.from({ length: 32 }, (_, i) => i));
    assert.deepEqual(value.more, Array.from({ length: value.workers + 1 }, () => ['actor_exited', 'echo']).flat());
    assert.equal(value.trapped, value.workers + 2);
    if (mode === 'threads') {
      // The reaped actor's reason carries the panic message and where it happened.
      assert.equal(value.err.reason.kind, 'error');
      assert.match(value.err.reason.message, /^panic: the 'panic' behaviour panicked on request \(at .*builtin\.rs:\d+\)/);
      for (const q of value.queued) {
        assert.equal(q.code, 'actor_exited', JSON.stringify(q));
        assert.equal(q.reason.message, value.err.reason.message);
      }
      assert.equal(value.later.code, 'noproc');
      assert.equal(value.replaced, value.workers + 2);
      assert.equal(value.alive, value.workers, 'the pool is back to its size');
      assert.equal(value.perWorkerReplaced.reduce((x, y) => x + y, 0), value.workers + 2);
      assert.equal(value.jsAfter, 2, JSON.stringify(value.jsAfter));
      assert.equal(value.events.length, value.workers + 2);
      assert.ok(value.events.every((e) => e.ref && /panicked on request/.test(e.reason.message)), JSON.stringify(value.events[0]));
    } else {
      for (const q of value.queued) assert.equal(q.code, 'actor_exited');
      assert.equal(value.later.code, 'noproc');
    }
    assert.ok(problems.every((p) => /trapped|unreachable|panicked|RuntimeError/.test(p)), problems.join('\n'));
  });
}

const CALLER_MODULE = `
export const caller = {
  init(args) { return { ...args, n: 0 }; },
  async handle(state, msg, ctx) {
    switch (msg.op) {
      case 'echo': { const v = await ctx.call(state.echo, msg.v); ctx.reply({ v }); return state; }
      case 'other': { const v = await ctx.call(state.other, msg.v); ctx.reply(v); return { ...state, n: state.n + 1 }; }
      case 'count': ctx.reply(state.n); return state;
      case 'bump': { ctx.cast(state.counter, 5); ctx.cast(state.counter, 6); ctx.reply(await ctx.call(state.counter, 0)); return state; }
      case 'chain': { let x = msg.v; for (let i = 0; i < 5; i++) x = await ctx.call(state.other, x); ctx.reply(x); return state; }
      case 'timeout': {
        const t0 = performance.now();
        try { await ctx.call(state.sink, 1, { timeout: 60 }); ctx.reply('answered?'); }
        catch (e) { ctx.reply({ code: e.code, ms: performance.now() - t0 }); }
        return state;
      }
      case 'dead': { try { await ctx.call(msg.ref, 1); ctx.reply('answered?'); } catch (e) { ctx.reply(e.code); } return state; }
      case 'fail': await ctx.call(state.echo, 1); throw new Error('async kaboom');
      default: ctx.reply('?'); return state;
    }
  },
};
export const doubler = { handle(s, msg, ctx) { ctx.reply(msg * 2); } };
`;

for (const { isolated, mode } of MODES) {
  test(`${mode}: ctx.call from JS behaviours: Rust and JS targets, per-actor order, timeouts, noproc`, async () => {
    const { value, problems } = await inPage(isolated, async ({ capture, src }) => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      const echo = a.spawn('echo');
      const sink = a.spawn('sink');
      const other = await a.spawn({ module: url, export: 'doubler' });
      const counter = a.spawn('counter', { args: 100 });
      const c = await a.spawn({ module: url, export: 'caller', args: { echo, other, sink, counter } });
      const rust = await a.call(c, { op: 'echo', v: 'hi' });
      // Sent back to back: 'count' waits until the awaiting 'other' handle settled.
      const [js, count] = await Promise.all([a.call(c, { op: 'other', v: 21 }), a.call(c, { op: 'count' })]);
      const chain = await a.call(c, { op: 'chain', v: 1 });
      const bump = await a.call(c, { op: 'bump' });
      const timeout = await a.call(c, { op: 'timeout' });
      const gone = a.spawn('echo');
      await a.call(gone, 0);
      a.stop(gone);
      await new Promise((r) => setTimeout(r, 30));
      const dead = await a.call(c, { op: 'dead', ref: gone });
      const fail = await eval(capture)(() => a.call(c, { op: 'fail' }));
      const after = await eval(capture)(() => a.call(c, { op: 'count' }));
      return { rust, js, count, chain, timeout, dead, fail, after, bump, echo: await a.call(echo, 3) };
    }, { capture, src: CALLER_MODULE });
    assert.deepEqual(problems, []);
    assert.deepEqual(value.rust, { v: 'hi' });
    assert.equal(value.js, 42);
    assert.equal(value.count, 1);
    assert.equal(value.chain, 32);
    assert.equal(value.timeout.code, 'timeout');
    assert.ok(value.timeout.ms >= 50 && value.timeout.ms < 1000, `timeout after ${value.timeout.ms} ms`);
    assert.equal(value.dead, 'noproc');
    assert.equal(value.fail.code, 'actor_exited');
    assert.match(value.fail.reason.message, /async kaboom/);
    assert.equal(value.after.code, 'noproc');
    assert.equal(value.bump, 111, 'ctx.cast then ctx.call from one handler arrive in order');
    assert.equal(value.echo, 3);
  });

  test(`${mode}: two 'crdt-replica' actors converge after exchanging deltas, as a main-thread CRDT`, async () => {
    const { value, problems } = await inPage(isolated, async () => {
      const k = await katalyst.init();
      const a = k.actors;
      const r1 = a.spawn('crdt-replica', { args: { type: 'ORSet', replica: 1 } });
      const r2 = a.spawn('crdt-replica', { args: { type: 'ORSet', replica: 2 } });
      const d1 = [await a.call(r1, { op: 'add', value: 'x' }), await a.call(r1, { op: 'add', value: 'y' })];
      const d2 = [await a.call(r2, { op: 'add', value: 'z' }), await a.call(r2, { op: 'remove', value: 'z' }), await a.call(r2, { op: 'add', value: { k: [1, 2] } }), await a.call(r2, { op: 'add', value: 'x' })];
      for (const d of d2) await a.call(r1, d); // a bare Uint8Array merges
      for (const d of d1) await a.call(r2, { op: 'merge', bytes: d });
      const v1 = await a.call(r1, { op: 'value' });
      const v2 = await a.call(r2, { op: 'value' });
      // The same operations on main-thread replicas.
      const s1 = new k.ORSet(1), s2 = new k.ORSet(2);
      s1.add('x'); s1.add('y');
      s2.add('z'); s2.remove('z'); s2.add({ k: [1, 2] }); s2.add('x');
      s1.merge(s2.encode()); s2.merge(s1.encode());
      // A counter too, and a bad request that fails its call only.
      const c1 = a.spawn('crdt-replica', { args: { type: 'PNCounter', replica: 1 } });
      const c2 = a.spawn('crdt-replica', { args: { type: 'PNCounter', replica: 2 } });
      await a.call(c2, await a.call(c1, { op: 'increment', n: 5 }));
      await a.call(c1, await a.call(c2, { op: 'decrement', n: 2 }));
      const p = new k.PNCounter(9); p.increment(5); p.decrement(2);
      let bad;
      try { await a.call(c1, { op: 'add', value: 1 }); } catch (e) { bad = e.code; }
      const state = await a.call(r1, { op: 'encode' });
      const fromState = new k.ORSet(3); fromState.merge(state);
      return {
        v1, v2, ref1: s1.value(), ref2: s2.value(), fromState: fromState.value(), deltaIs: d1[0].constructor.name,
        counters: [await a.call(c1, { op: 'value' }), await a.call(c2, { op: 'value' })], pValue: p.value(), bad,
      };
    });
    assert.deepEqual(problems, []);
    assert.equal(value.deltaIs, 'Uint8Array');
    assert.deepEqual(value.ref1, value.ref2);
    assert.deepEqual(value.v1, value.ref1);
    assert.deepEqual(value.v2, value.ref1);
    assert.deepEqual(value.fromState, value.ref1);
    assert.equal(value.ref1.length, 3);
    assert.deepEqual(value.counters, [value.pValue, value.pValue]);
    assert.equal(value.pValue, 3);
    assert.equal(value.bad, 'bad_args');
  });

  test(`${mode}: the watchdog reports a JS handler that overruns watchdogMs (takeEvents)`, async () => {
    const src = `export function handle(s, ms, ctx) { const end = performance.now() + ms; while (performance.now() < end); ctx.reply(ms); }`;
    // st takes watchdogMs from init() once pkg-template/index.js passes it to startStActors;
    // until then its workers use the 1 s default, so the st handler runs past that.
    const busy = mode === 'single' ? 1200 : 300;
    const { value } = await inPage(isolated, async ({ src, busy }) => {
      const k = await katalyst.init({ actors: { watchdogMs: 100 } });
      const a = k.actors;
      await a.ready;
      const slow = await a.spawn({ module: URL.createObjectURL(new Blob([src], { type: 'text/javascript' })) });
      const echo = a.spawn('echo');
      await a.call(echo, 1);
      a.takeEvents();
      await a.call(slow, busy, { timeout: 10000 });
      let events = [];
      const until = performance.now() + 2000;
      while (!events.some((e) => e.type === 'longHandler') && performance.now() < until) {
        events = events.concat(a.takeEvents());
        if (!events.some((e) => e.type === 'longHandler')) await new Promise((r) => setTimeout(r, 20));
      }
      return { events, slow, other: await a.call(echo, 5) };
    }, { src, busy });
    const long = value.events.filter((e) => e.type === 'longHandler');
    assert.equal(long.length, 1, JSON.stringify(value.events));
    assert.deepEqual(long[0].ref, value.slow);
    assert.ok(long[0].runningMs >= 100, JSON.stringify(long[0]));
    assert.equal(value.other, 5);
  });
}
