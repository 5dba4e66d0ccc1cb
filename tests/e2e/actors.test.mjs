// The actor runtime (`k.actors`) in a real page, headless Chromium. With COOP/COEP the `mt`
// executor runs (actor workers over the shared wasm memory); the same suite runs without
// COOP/COEP when the `st` executor is there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startVite, launchChromium, openPage } from './lib/harness.mjs';

let server, browser;
before(async () => {
  server = await startVite('tests/e2e/pages/vite.config.js');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function inPage(isolated, fn, arg) {
  const tab = await openPage(browser, server.url + (isolated ? '' : '?coi=0'));
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
    const { value, problems } = await inPage(isolated, async (capture) => {
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const p = a.spawn('panic');
      const err = await eval(capture)(() => a.call(p, 1, { timeout: 300 }));
      await new Promise((r) => setTimeout(r, 100));
      // New actors and calls still work (mt: on the surviving worker; st: a fresh worker).
      const fresh = [];
      for (let i = 0; i < 4; i++) fresh.push(await a.call(a.spawn('echo'), i));
      const s = a.stats();
      return { err, fresh, trapped: s.workersTrapped, events: a.takeEvents().map((e) => e.type) };
    }, capture);
    // mt: the actor stays stuck on the dead worker (timeout); st: its node is reaped (actor_exited).
    assert.ok(['timeout', 'actor_exited'].includes(value.err.code), JSON.stringify(value.err));
    if (mode === 'single') assert.equal(value.err.code, 'actor_exited');
    assert.deepEqual(value.fresh, [0, 1, 2, 3]);
    assert.equal(value.trapped, 1);
    if (mode === 'threads') assert.deepEqual(value.events, ['workerTrapped']);
    assert.ok(problems.every((p) => /trapped|unreachable|panicked/.test(p)), problems.join('\n'));
  });
}
