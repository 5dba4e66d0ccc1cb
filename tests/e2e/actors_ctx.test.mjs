// The context of JS module behaviours (`ctx`) in a real page, headless Chromium, for both
// executors (COOP/COEP → `mt`, `?coi=0` → `st`): capabilities propagating along call chains
// through JS handlers (issue 7 §4: deny by default; a send carries the capabilities of the
// message being handled; tokens are delegated by passing them on and never widen), and
// `ctx.spawn` (issue 6 §1). Expectations are the documented rules, written out here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

const HELPERS = `(() => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const until = async (f, ms = 4000) => { const t = performance.now(); for (;;) { const v = await f(); if (v || performance.now() - t > ms) return v; await sleep(10); } };
  const capture = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message, capability: e.capability }; } };
  const mod = (name, args) => ({ module: new URL('/ctx-behaviours.js', location.href).href, export: name, args });
  const same = (a, b) => a.node === b.node && a.slot === b.slot && a.generation === b.generation;
  return { sleep, until, capture, mod, same };
})()`;

async function inPage(isolated, fn, arg) {
  const tab = await openPage(env.browser, env.server.url + (isolated ? '' : '?coi=0'));
  await tab.page.waitForFunction(() => window.ready === true);
  try {
    const value = await tab.page.evaluate(fn, { arg, HELPERS });
    return { value, problems: tab.problems };
  } finally {
    await tab.close();
  }
}

const MODES = [{ isolated: true, mode: 'threads' }, { isolated: false, mode: 'single' }];
const forbidden = (capability) => ({ err: { name: 'KatalystError', code: 'forbidden', capability } });
// Only the fields the rules fix (the message text is free).
const shape = (r) => (r?.err ? { err: { name: r.err.name, code: r.err.code, capability: r.err.capability } } : r);

for (const { isolated, mode } of MODES) {
  test(`${mode}: capabilities propagate through JS handlers (call chains, casts, after an await), deny by default`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { sleep, mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      // Everything on one node in `st` (node 1: guarded actors and the authority live there;
      // `worker: 0` is node 1), and the relays on one worker in `mt`.
      const vault = await a.spawn('echo', { requires: { '*': 'vault.read' } }); // guarded Rust actor
      const store = await a.spawn(mod('store'), { requires: { put: 'vault.write' } }); // guarded JS actor
      const relay = await a.spawn(mod('relay', { id: 'A' }), { worker: 0 });
      const relay2 = await a.spawn(mod('relay', { id: 'B' }), { worker: 0 });
      const read = await a.capabilities.issue('vault.read');
      const write = await a.capabilities.issue('vault.write');
      const other = await a.capabilities.issue('other');
      const before = (await a.audit()).length;
      const out = { mode: k.mode };
      // page → JS relay → guarded Rust actor
      out.withCap = await a.call(relay, { op: 'call', to: vault, msg: 'x' }, { caps: [read] });
      out.without = await a.call(relay, { op: 'call', to: vault, msg: 'x' });
      out.wrongCap = await a.call(relay, { op: 'call', to: vault, msg: 'x' }, { caps: [other] });
      // the page itself without the relay, for comparison
      out.direct = await a.call(vault, 'd', { caps: [read] });
      // page → JS relay → JS relay → guarded Rust actor (two hops)
      out.chain = await a.call(relay, { op: 'call', to: relay2, msg: { op: 'call', to: vault, msg: 'y' } }, { caps: [read] });
      out.chainWithout = await a.call(relay, { op: 'call', to: relay2, msg: { op: 'call', to: vault, msg: 'y' } });
      // ctx.cast: to a guarded JS actor (only the put carrying vault.write is stored)
      out.cast1 = await a.call(relay, { op: 'cast', to: store, msg: { type: 'put', v: 1 } }, { caps: [write] });
      out.cast2 = await a.call(relay, { op: 'cast', to: store, msg: { type: 'put', v: 2 } });
      out.cast3 = await a.call(relay, { op: 'cast', to: store, msg: { type: 'put', v: 3 } }, { caps: [read] });
      await sleep(100);
      out.stored = await a.call(store, { type: 'list' });
      // After an await: relay A (with the capability) awaits 60 ms before its call; meanwhile
      // relay B, on the same worker, handles a message without capabilities.
      const late = a.call(relay, { op: 'call', to: vault, msg: 'late', before: 60 }, { caps: [read] });
      await sleep(10);
      const meanwhile = a.call(relay2, { op: 'call', to: vault, msg: 'meanwhile' });
      [out.late, out.meanwhile] = await Promise.all([late, meanwhile]);
      // The capabilities belong to the message: a ctx kept past it carries none.
      out.stash = await a.call(relay, { op: 'stash' }, { caps: [read] });
      out.stashed = await a.call(relay, { op: 'callStashed', to: vault, msg: 's' }, { caps: [read] });
      // A relay on another worker (st: another node; the token, issued by node 1, is carried
      // through node 2 untouched and verified where it is checked, at node 1's guarded actor)
      const far = await a.spawn(mod('relay', { id: 'far' }), { worker: a.workers > 1 ? 1 : 0 });
      out.farNode = far.node;
      out.far = await a.call(far, { op: 'call', to: vault, msg: 'far' }, { caps: [read] });
      out.farWithout = await a.call(far, { op: 'call', to: vault, msg: 'far' });
      // inherit: false drops what the message carried
      out.noInherit = await a.call(relay, { op: 'call', to: vault, msg: 'n', inherit: false }, { caps: [read] });
      const audit = (await a.audit()).slice(before);
      out.audit = audit.map((d) => ({ missing: d.missing, toVault: d.to.slot === vault.slot && d.to.node === vault.node, toStore: d.to.slot === store.slot && d.to.node === store.node, atIsNumber: typeof d.at === 'number' }));
      out.auditFromRelay = audit.some((d) => d.from && d.from.slot === relay.slot && d.from.node === relay.node);
      out.alive = [a.isAlive(relay), a.isAlive(relay2), a.isAlive(vault)];
      return out;
    });
    assert.deepEqual(problems, []);
    const v = value;
    assert.equal(v.mode, mode);
    assert.deepEqual(v.withCap, { ok: 'x' });
    assert.deepEqual(shape(v.without), forbidden('vault.read'));
    assert.deepEqual(shape(v.wrongCap), forbidden('vault.read'));
    assert.equal(v.direct, 'd');
    assert.deepEqual(v.chain, { ok: { ok: 'y' } });
    assert.deepEqual(shape(v.chainWithout.ok), forbidden('vault.read'));
    assert.deepEqual(v.cast1, { ok: 'sent' });
    assert.deepEqual(v.cast2, { ok: 'sent' }, 'a cast without capabilities is dropped by the guard (audited)');
    // cast3 carries vault.read, not vault.write: mt checks at the sender (ctx.cast throws
    // forbidden); st routes casts through the page (counted in castErrors, not thrown)
    if (mode === 'threads') assert.deepEqual(shape(v.cast3), forbidden('vault.write'));
    else assert.deepEqual(v.cast3, { ok: 'sent' });
    assert.deepEqual(v.stored, [1], 'only the put that carried vault.write reached the guarded JS actor');
    assert.deepEqual(v.late, { ok: 'late' }, 'the capabilities survive an await in an async handle');
    assert.deepEqual(shape(v.meanwhile), forbidden('vault.read'), 'and do not leak to another actor of the worker meanwhile');
    assert.deepEqual(v.stash, { ok: 'stashed' });
    assert.deepEqual(shape(v.stashed), forbidden('vault.read'), 'a ctx kept past its message carries none');
    assert.deepEqual(shape(v.noInherit), forbidden('vault.read'));
    if (mode === 'single') assert.equal(v.farNode, 2);
    assert.deepEqual(v.far, { ok: 'far' });
    assert.deepEqual(shape(v.farWithout), forbidden('vault.read'));
    // every denial is audited: without, wrongCap, chainWithout, cast2, cast3, meanwhile,
    // stashed, farWithout, noInherit — each naming the missing capability and the guarded actor
    const missing = v.audit.map((d) => d.missing).sort();
    assert.deepEqual(missing, [...Array(7).fill('vault.read'), 'vault.write', 'vault.write']);
    assert.ok(v.audit.every((d) => (d.missing === 'vault.read' ? d.toVault : d.toStore) && d.atIsNumber));
    if (mode === 'threads') assert.ok(v.auditFromRelay, 'denials at the sender name the relay (mt)');
    assert.deepEqual(v.alive, [true, true, true]);
  });

  test(`${mode}: delegated tokens pass through a JS handler, attenuated ones never widen`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const files = await a.spawn('echo', { requires: { read: 'file.read:${path}' } });
      const vault = await a.spawn(mod('store'), { requires: { put: 'vault.write' } }); // guarded JS
      const relay = await a.spawn(mod('relay'), { worker: 0 });
      const docs = await a.capabilities.issue('file.read:/docs/*');
      const one = await a.capabilities.attenuate(docs, 'file.read:/docs/a/*');
      const write = await a.capabilities.issue('vault.write');
      const out = {};
      const read = (path) => ({ type: 'read', path });
      // The relay is called without capabilities; the tokens travel in the message (their
      // wire form) and the handler passes them on: delegation.
      out.delegated = await a.call(relay, { op: 'call', to: files, msg: read('/docs/a/x'), caps: [one.toJSON()] });
      out.outside = await a.call(relay, { op: 'call', to: files, msg: read('/docs/b/x'), caps: [one.toJSON()] });
      out.widened = await a.call(relay, { op: 'call', to: files, msg: read('/docs/b/x'), caps: [{ capability: 'file.read:/docs/*', tag: one.toJSON().tag }] });
      out.forged = await a.call(relay, { op: 'call', to: files, msg: read('/docs/a/x'), caps: [{ capability: 'file.read:/docs/*', tag: '00'.repeat(32) }] });
      out.none = await a.call(relay, { op: 'call', to: files, msg: read('/docs/a/x') });
      // inherited (attenuated) capability: no wider either
      out.inheritedInside = await a.call(relay, { op: 'call', to: files, msg: read('/docs/a/y') }, { caps: [one] });
      out.inheritedOutside = await a.call(relay, { op: 'call', to: files, msg: read('/docs/c') }, { caps: [one] });
      // inherited ∪ delegated
      out.both = await a.call(relay, { op: 'call', to: vault, msg: { type: 'put', v: 'w' }, caps: [write.toJSON()] }, { caps: [one] });
      out.stored = await a.call(vault, { type: 'list' });
      out.badCaps = await a.call(relay, { op: 'bad', what: 'caps', to: files });
      out.badToken = await a.call(relay, { op: 'bad', what: 'token', to: files });
      out.alive = a.isAlive(relay);
      return out;
    });
    assert.deepEqual(problems, []);
    const v = value;
    assert.deepEqual(v.delegated, { ok: { type: 'read', path: '/docs/a/x' } });
    assert.deepEqual(shape(v.outside), forbidden('file.read:/docs/b/x'));
    assert.deepEqual(shape(v.widened), forbidden('file.read:/docs/b/x'), 'an altered (widened) token does not verify');
    assert.deepEqual(shape(v.forged), forbidden('file.read:/docs/a/x'), 'a forged token does not verify');
    assert.deepEqual(shape(v.none), forbidden('file.read:/docs/a/x'));
    assert.deepEqual(v.inheritedInside, { ok: { type: 'read', path: '/docs/a/y' } });
    assert.deepEqual(shape(v.inheritedOutside), forbidden('file.read:/docs/c'));
    assert.deepEqual(v.both, { ok: 'stored' });
    assert.deepEqual(v.stored, ['w']);
    assert.equal(v.badCaps.err.name, 'TypeError');
    assert.match(v.badCaps.err.message, /opts\.caps/);
    assert.equal(v.badToken.err.name, 'TypeError');
    assert.match(v.badToken.err.message, /opts\.caps\[0\]/);
    assert.equal(v.alive, true);
  });

  test(`${mode}: ctx.spawn — the spawned actor answers the page and other actors, shows in stats and isAlive, exits when stopped`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { until, capture, mod, same } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const w = a.workers;
      const r1 = await a.spawn(mod('relay', { id: 'r1' }), { worker: 0 });
      const r2 = await a.spawn(mod('relay', { id: 'r2' }), { worker: w > 1 ? 1 : 0 });
      const out = { workers: w };
      // Rust behaviours, spawned by handlers on (in st) two different nodes
      const echo = (await a.call(r1, { op: 'spawn', name: 'echo' })).ok;
      const counter = (await a.call(r2, { op: 'spawn', name: 'counter', args: 5 })).ok;
      out.refs = [echo, counter];
      out.distinct = !same(echo, counter);
      out.pageCall = await a.call(echo, 'hi');
      out.actorCall = await a.call(r2, { op: 'call', to: echo, msg: 'from r2' });
      out.actorCall2 = await a.call(r1, { op: 'call', to: counter, msg: 2 });
      out.actorCast = await a.call(r1, { op: 'cast', to: counter, msg: 3 });
      out.total = await until(async () => { const t = await a.call(counter, undefined); return t === 10 ? t : 0; });
      const listed = (ref) => a.stats().actors.some((x) => same(x.ref, ref));
      out.inStats = [listed(echo), listed(counter)];
      out.alive = [a.isAlive(echo), a.isAlive(counter)];
      // JS module behaviour from ctx.spawn (a Promise)
      const js = (await a.call(r1, { op: 'spawnJs', export: 'relay', args: { id: 'child' } })).ok;
      out.jsRef = js;
      out.jsCall = await a.call(js, { op: 'echo', v: 7 });
      out.jsFromActor = await a.call(r2, { op: 'call', to: js, msg: { op: 'echo', v: 8 } });
      out.jsAlive = a.isAlive(js);
      out.jsListed = listed(js);
      // the spawned JS actor spawns too
      const grand = (await a.call(js, { op: 'spawn', name: 'echo' })).ok;
      out.grandCall = await a.call(grand, 'g');
      // stop: gone from isAlive and stats, calls get noproc
      a.stop(echo);
      a.stop(js);
      out.stoppedAlive = await until(() => !a.isAlive(echo) && !a.isAlive(js)) ? [a.isAlive(echo), a.isAlive(js)] : 'still alive';
      out.afterStop = await capture(() => a.call(echo, 'x'));
      out.afterStopFromActor = await a.call(r2, { op: 'call', to: echo, msg: 'x' });
      out.stoppedListed = await until(() => { a.stats(); return !listed(echo); }) ? false : true;
      out.bad = await a.call(r1, { op: 'bad', what: 'spawn' });
      out.others = [a.isAlive(r1), a.isAlive(r2), a.isAlive(counter), await a.call(counter, 0)];
      return out;
    });
    assert.deepEqual(problems, []);
    const v = value;
    for (const r of v.refs) assert.deepEqual(Object.keys(r).sort(), ['generation', 'node', 'slot']);
    assert.equal(v.distinct, true);
    assert.equal(v.pageCall, 'hi');
    assert.deepEqual(v.actorCall, { ok: 'from r2' });
    assert.deepEqual(v.actorCall2, { ok: 7 });
    assert.deepEqual(v.actorCast, { ok: 'sent' });
    assert.equal(v.total, 10);
    assert.deepEqual(v.inStats, [true, true]);
    assert.deepEqual(v.alive, [true, true]);
    assert.deepEqual(Object.keys(v.jsRef).sort(), ['generation', 'node', 'slot']);
    assert.deepEqual(v.jsCall, { ok: 7, id: 'child' });
    assert.deepEqual(v.jsFromActor, { ok: { ok: 8, id: 'child' } });
    assert.equal(v.jsAlive, true);
    assert.equal(v.jsListed, true);
    assert.equal(v.grandCall, 'g');
    assert.deepEqual(v.stoppedAlive, [false, false]);
    assert.equal(v.afterStop?.code, 'noproc');
    assert.equal(v.afterStopFromActor.err?.code, 'noproc');
    assert.equal(v.stoppedListed, false);
    assert.equal(v.bad.err?.code, 'unknown_behaviour');
    assert.deepEqual(v.others, [true, true, true, 10]);
  });
}
