// The OTP layer of `k.actors` (supervisors, links and monitors, capabilities, hot upgrade, pools,
// introspection) in a real page, headless Chromium, for both executors: with COOP/COEP the `mt`
// executor runs, `?coi=0` runs `st`. Expected orders and rules are OTP's documented semantics
// (supervisor / erlang:exit/2 / erlang:monitor/2 man pages, the OTP design principles), written
// out here, not read back from our output. Supervised children are the `'probe'` built-in: it
// logs `start:<id>` in `init` and `stop:<id>:<reason>` in `terminate` into one ordered log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

// Helpers defined in the page (as source: page functions cannot close over test code).
const HELPERS = `(() => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const until = async (f, ms = 4000) => { const t = performance.now(); for (;;) { const v = await f(); if (v || performance.now() - t > ms) return v; await sleep(10); } };
  const capture = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message, capability: e.capability, reason: e.reason }; } };
  const probe = (id, extra = {}) => ({ id, start: { behaviour: 'probe', args: typeof id === 'string' ? id : id.id }, ...extra });
  const alive = async (a, ref) => (await a.processInfo(ref)).alive;
  const mod = (name) => ({ module: new URL('/otp-behaviours.js', location.href).href, export: name });
  return { sleep, until, capture, probe, mod, alive };
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

for (const { isolated, mode } of MODES) {
  test(`${mode}: supervisor strategies start in order, stop in reverse, restart as OTP documents`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { sleep, until, probe } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const log = (clear = true) => a.testing.probeLog({ clear });
      const out = { mode: k.mode };
      const expected = { one_for_one: 2, one_for_all: 6, rest_for_one: 4 };
      for (const strategy of Object.keys(expected)) {
        await log();
        const sup = await a.supervise({ strategy, maxRestarts: 5, children: ['a', 'b', 'c'].map((id) => probe(id)) });
        const started = await log();
        const kids = await a.whichChildren(sup);
        a.cast(kids[1].ref, 'crash');
        let after = [];
        await until(async () => (after = after.concat(await log())).length >= expected[strategy]);
        await sleep(50);
        after = after.concat(await log());
        const kids2 = await a.whichChildren(sup);
        await a.stopSupervisor(sup);
        out[strategy] = { started, after, stop: await log(), states: kids2.map((c) => c.state) };
      }
      // simple_one_for_one: dynamic children of one spec.
      const s1 = await a.supervise({ strategy: 'simple_one_for_one', children: [{ id: 't', start: { behaviour: 'probe' } }] });
      const x1 = await a.startChild(s1, 'x1');
      const x2 = await a.startChild(s1, 'x2');
      out.simple = { log: await log(), kids: (await a.whichChildren(s1)).length, pong: await a.call(x2, 'ping'), distinct: x1.slot !== x2.slot || x1.generation !== x2.generation };
      await a.stopSupervisor(s1);
      out.simple.stop = (await log()).sort();
      return out;
    });
    assert.deepEqual(problems, []);
    assert.equal(value.mode, mode);
    for (const s of ['one_for_one', 'one_for_all', 'rest_for_one']) {
      assert.deepEqual(value[s].started, ['start:a', 'start:b', 'start:c'], s);
      assert.deepEqual(value[s].stop, ['stop:c:shutdown', 'stop:b:shutdown', 'stop:a:shutdown'], `${s}: children stop in reverse start order`);
      assert.deepEqual(value[s].states, ['running', 'running', 'running'], s);
    }
    assert.deepEqual(value.one_for_one.after, ['stop:b:error', 'start:b']);
    // one_for_all: the others stop in reverse start order, then all start in order.
    assert.deepEqual(value.one_for_all.after, ['stop:b:error', 'stop:c:shutdown', 'stop:a:shutdown', 'start:a', 'start:b', 'start:c']);
    // rest_for_one: the children started after the failed one stop (reverse), then restart in order.
    assert.deepEqual(value.rest_for_one.after, ['stop:b:error', 'stop:c:shutdown', 'start:b', 'start:c']);
    assert.deepEqual(value.simple.log, ['start:x1', 'start:x2']);
    assert.equal(value.simple.kids, 2);
    assert.equal(value.simple.pong, 'pong');
    assert.ok(value.simple.distinct);
    assert.deepEqual(value.simple.stop, ['stop:x1:shutdown', 'stop:x2:shutdown']);
  });

  test(`${mode}: restart intensity (escalation and spaced failures), transient and temporary children`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { sleep, until, probe, mod, alive } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const events = [];
      a.onEvent((e) => events.push(e));
      const log = () => a.testing.probeLog({ clear: true });
      const out = {};
      const crashOnce = async (sup, i = 0) => {
        const before = (await a.whichChildren(sup))[i];
        a.cast(before.ref, 'crash');
        await until(async () => { const c = (await a.whichChildren(sup).catch(() => []))[i]; return !(await alive(a, sup)) || (c?.state === 'running' && JSON.stringify(c.ref) !== JSON.stringify(before.ref)); });
      };
      // Reached: 2 failures within maxSeconds with maxRestarts 1 → the supervisor stops and
      // exits with `shutdown`; a monitor sees it.
      await log();
      const sup = await a.supervise({ maxRestarts: 1, maxSeconds: 5, children: [probe('a')] });
      const w = await a.spawn(mod('watcher'), { near: sup });
      const mon = await a.monitor(w, sup);
      await crashOnce(sup);
      await crashOnce(sup);
      await until(async () => (await a.call(w, 'seen')).length > 0);
      out.reached = { log: await log(), seen: await a.call(w, 'seen'), monitor: mon.id, alive: await alive(a, sup) };
      // Escalation: the inner supervisor gives up, its parent restarts it (and its child).
      const top = await a.supervise({ maxRestarts: 1, maxSeconds: 5, children: [{ id: 'inner', start: { supervisor: { maxRestarts: 1, maxSeconds: 5, children: [probe('x')] } } }] });
      await log();
      const inner = (await a.whichChildren(top))[0].ref;
      await crashOnce(inner);
      const x = (await a.whichChildren(inner))[0].ref;
      a.cast(x, 'crash');
      await until(async () => { const c = (await a.whichChildren(top))[0]; return c.restarts === 1 && c.state === 'running'; });
      await sleep(30);
      const topKids = await a.whichChildren(top);
      out.escalation = { log: await log(), innerAlive: await alive(a, inner), restarts: topKids[0].restarts, newInnerKids: (await a.whichChildren(topKids[0].ref)).length };
      await a.stopSupervisor(top);
      // Not reached: failures spaced wider than maxSeconds.
      const spaced = await a.supervise({ maxRestarts: 1, maxSeconds: 0.3, children: [probe('p')] });
      await crashOnce(spaced);
      await sleep(450);
      await crashOnce(spaced);
      await sleep(50);
      out.spaced = { alive: await alive(a, spaced), restarts: (await a.whichChildren(spaced))[0].restarts };
      await a.stopSupervisor(spaced);
      await log();
      // transient: not restarted after `normal`, restarted after an error.
      const tr = await a.supervise({ maxRestarts: 10, children: [probe('t', { restart: 'transient' }), probe('u', { restart: 'transient' })] });
      await log();
      const [t, u] = await a.whichChildren(tr);
      a.cast(t.ref, { exit: 'normal' });
      await until(async () => (await a.whichChildren(tr))[0].state !== 'running');
      await crashOnce(tr, 1);
      await sleep(30);
      out.transient = { log: await log(), kids: (await a.whichChildren(tr)).map((c) => [c.id, c.state, c.restarts]) };
      await a.stopSupervisor(tr);
      // temporary: never restarted, not even in a one_for_all sweep; removed on exit.
      const tm = await a.supervise({ strategy: 'one_for_all', maxRestarts: 10, children: [probe('p'), probe('q', { restart: 'temporary' })] });
      await log();
      await crashOnce(tm, 0);
      await sleep(30);
      out.temporary = { log: await log(), kids: (await a.whichChildren(tm)).map((c) => c.id) };
      await a.stopSupervisor(tm);
      await sleep(60);
      out.events = events.map((e) => e.type + (e.child ? `:${e.child}` : ''));
      return out;
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(value.reached.log, ['start:a', 'stop:a:error', 'start:a', 'stop:a:error']);
    assert.equal(value.reached.alive, false);
    assert.deepEqual(value.reached.seen.map((s) => [s.type, s.reason, s.monitor]), [['DOWN', 'shutdown', value.reached.monitor]]);
    assert.deepEqual(value.escalation.log, ['stop:x:error', 'start:x', 'stop:x:error', 'start:x']);
    assert.equal(value.escalation.innerAlive, false, 'the inner supervisor exited');
    assert.equal(value.escalation.restarts, 1, 'its parent restarted it');
    assert.equal(value.escalation.newInnerKids, 1);
    assert.deepEqual(value.spaced, { alive: true, restarts: 2 });
    assert.deepEqual(value.transient.log, ['stop:t:normal', 'stop:u:error', 'start:u']);
    assert.deepEqual(value.transient.kids.map((c) => c.slice(0, 2)), [['t', 'stopped'], ['u', 'running']]);
    assert.equal(value.transient.kids[1][2], 1);
    assert.deepEqual(value.temporary.log, ['stop:p:error', 'stop:q:shutdown', 'start:p']);
    assert.deepEqual(value.temporary.kids, ['p']);
    assert.ok(value.events.includes('gaveUp'), value.events.join());
    assert.ok(value.events.includes('restart:inner'), value.events.join());
    assert.ok(value.events.includes('restart:a'), value.events.join());
  });

  test(`${mode}: shutdown timeout then kill, brutal_kill; JS module children restarted; tree()`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { until, probe, mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const log = () => a.testing.probeLog({ clear: true });
      await log();
      const sup = await a.supervise({ children: [{ id: 's', start: { behaviour: 'probe', args: { id: 's', ignoreShutdown: true } }, shutdown: 300 }, probe('c'), probe('b', { shutdown: 'brutal_kill' })] });
      const w = await a.spawn(mod('watcher'), { near: sup });
      const kids = await a.whichChildren(sup);
      const mons = [];
      for (const c of kids) mons.push([c.id, (await a.monitor(w, c.ref)).id]);
      await log();
      const t0 = performance.now();
      await a.stopSupervisor(sup);
      const stopMs = performance.now() - t0;
      const stopLog = await log();
      await until(async () => (await a.call(w, 'seen')).length === 3);
      const ids = new Map(mons.map(([id, m]) => [m, id]));
      const downs = (await a.call(w, 'seen')).map((d) => `${ids.get(d.monitor)}:${d.reason}`);
      // JS module children, a nested supervisor, and the tree.
      const root = await a.supervise({ maxRestarts: 5, children: [
        { id: 'js', start: { ...mod('worker'), args: { id: 'j1' } } },
        { id: 'inner', start: { supervisor: { children: [probe('deep')] } } },
      ] });
      const [js] = await a.whichChildren(root);
      const pong1 = await a.call(js.ref, 'ping');
      a.cast(js.ref, 'crash');
      await until(async () => (await a.whichChildren(root))[0].restarts === 1);
      const [js2] = await a.whichChildren(root);
      const pong2 = await a.call(js2.ref, 'ping');
      const tree = await a.tree(root);
      const all = await a.tree();
      return { stopMs, stopLog, downs, pong1, pong2, same: JSON.stringify(js.ref) === JSON.stringify(js2.ref), tree, roots: all.length };
    });
    assert.deepEqual(problems, []);
    // Reverse order: b (brutal_kill: killed at once), c (shutdown), then s (it traps and ignores
    // the shutdown signal: killed after its 300 ms). A killed process runs no terminate (OTP), so
    // only c logs a stop; the monitors see all three, in that order.
    assert.deepEqual(value.stopLog, ['stop:c:shutdown']);
    assert.deepEqual(value.downs, ['b:killed', 'c:shutdown', 's:killed']);
    assert.ok(value.stopMs >= 290 && value.stopMs < 3000, `stop took ${value.stopMs} ms`);
    assert.equal(value.pong1, 'j1');
    assert.equal(value.pong2, 'j1');
    assert.equal(value.same, false, 'a restarted child is a new actor');
    const shape = (n) => ({ id: n.id, type: n.type, state: n.state, restarts: n.restarts, children: n.children.map(shape) });
    assert.deepEqual(shape(value.tree), { id: 'root', type: 'supervisor', state: 'running', restarts: 0, children: [
      { id: 'js', type: 'worker', state: 'running', restarts: 1, children: [] },
      { id: 'inner', type: 'supervisor', state: 'running', restarts: 0, children: [{ id: 'deep', type: 'worker', state: 'running', restarts: 0, children: [] }] },
    ] });
    assert.equal(value.tree.children[0].version, 1);
    assert.equal(typeof value.tree.children[0].mailboxLen, 'number');
    assert.equal(value.roots, 1, 'the stopped supervisor left the tree');
  });

  test(`${mode}: links, trapped exits, kill, monitors, noproc, demonitor`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { sleep, until, capture, mod, alive } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const w = await a.spawn(mod('watcher'));
      const near = { near: w };
      const spawnProbe = (id) => a.spawn('probe', { args: id, ...near });
      const out = {};
      // A trapping actor linked to one that fails gets {type: 'EXIT', from, reason}.
      await a.trapExit(w, true);
      const v = await spawnProbe('v');
      await a.link(w, v);
      a.cast(v, 'crash');
      await until(async () => (await a.call(w, 'seen')).length === 1);
      // A non-trapping linked actor dies with it; `normal` does not propagate.
      const w2 = await a.spawn(mod('watcher'), near);
      const v2 = await spawnProbe('v2');
      await a.link(w2, v2);
      const w3 = await a.spawn(mod('watcher'), near);
      const v3 = await spawnProbe('v3');
      await a.link(w3, v3);
      a.cast(v3, { exit: 'normal' });
      a.cast(v2, 'crash');
      await until(async () => !(await alive(a, w2)));
      await sleep(50);
      out.links = { w2: await capture(() => a.call(w2, 'ping', { timeout: 1000 })), w3: await a.call(w3, 'ping') };
      // exit/2 from outside: a trapping actor gets EXIT for any reason but `kill`.
      await a.exit(w, 'boom');
      await until(async () => (await a.call(w, 'seen')).length === 2);
      out.seen = await a.call(w, 'seen');
      // Monitors: DOWN with the reason; noproc at once for a dead ref; demonitor flushes.
      const m = await spawnProbe('m');
      const mon = await a.monitor(w, m);
      a.stop(m, 'bye');
      const dead = v2;
      const mon2 = await a.monitor(w, dead);
      const n = await spawnProbe('n');
      const mon3 = await a.monitor(w, n);
      await a.demonitor(mon3);
      a.stop(n, 'shutdown');
      await until(async () => (await a.call(w, 'seen')).length >= 4);
      await sleep(60);
      out.downs = (await a.call(w, 'seen')).slice(2);
      out.mon = [mon.id, mon2.id];
      out.refs = { v, m, dead, w };
      // The same from inside a JS handler: ctx.monitor, ctx.trapExit + ctx.link.
      const w4 = await a.spawn(mod('watcher'), near);
      const t4 = await spawnProbe('t4');
      const v4 = await spawnProbe('v4');
      const id4 = await a.call(w4, { watch: t4 });
      await a.call(w4, { linkTo: v4 });
      a.stop(t4, 'shutdown');
      a.cast(v4, 'crash');
      await until(async () => (await a.call(w4, 'seen')).length === 2);
      out.inside = { id4, seen: (await a.call(w4, 'seen')).map((s) => [s.type, s.reason, s.monitor === undefined ? undefined : s.monitor === id4]).sort() };
      // kill cannot be trapped.
      await a.exit(w, 'kill');
      await until(async () => !(await alive(a, w)), 1000);
      out.killed = await capture(() => a.call(w, 'ping', { timeout: 1000 }));
      out.badRef = await capture(() => a.link(w, { slot: 'x' }));
      return out;
    });
    assert.deepEqual(problems, []);
    const same = (x, y) => assert.deepEqual({ ...x }, { ...y });
    assert.equal(value.links.w2.code, 'noproc', 'the non-trapping linked actor died with its link');
    assert.equal(value.links.w3, 'pong', 'a normal exit does not propagate');
    assert.equal(value.seen[0].type, 'EXIT');
    same(value.seen[0].from, value.refs.v);
    assert.equal(value.seen[0].reason, 'error');
    assert.equal(value.seen[1].type, 'EXIT');
    assert.equal(value.seen[1].reason, 'error');
    assert.equal(value.seen[1].message, 'boom');
    assert.equal(value.downs.length, 2, JSON.stringify(value.downs));
    assert.deepEqual(value.downs.map((d) => [d.type, d.reason, d.monitor]).sort((x, y) => x[2] - y[2]), [['DOWN', 'error', value.mon[0]], ['DOWN', 'noproc', value.mon[1]]].sort((x, y) => x[2] - y[2]));
    same(value.downs.find((d) => d.monitor === value.mon[0]).from, value.refs.m);
    same(value.downs.find((d) => d.monitor === value.mon[1]).from, value.refs.dead);
    assert.equal(value.killed.code, 'noproc');
    assert.equal(typeof value.inside.id4, 'number');
    assert.deepEqual(value.inside.seen, [['DOWN', 'shutdown', true], ['EXIT', 'error', undefined]]);
    assert.equal(value.badRef.name, 'TypeError');
    assert.match(value.badRef.message, /link: argument 'b' must be an ActorRef/);
  });

  test(`${mode}: capabilities allow, deny, imply, attenuate; forged tokens rejected; audit`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { capture, mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const events = [];
      a.onEvent((e) => events.push(e));
      const caps = a.capabilities;
      await caps.declare('admin', 'write');
      await caps.declare('write', 'file.read');
      const store = await a.spawn(mod('store'), { requires: { read: 'file.read:${path}', write: 'write' } });
      const rd = await caps.issue('file.read:/docs/*');
      const admin = await caps.issue('admin');
      const narrow = await caps.attenuate(rd, 'file.read:/docs/a/*');
      const out = {};
      out.allowed = await a.call(store, { type: 'read', path: '/docs/x' }, { caps: [rd] });
      out.outside = await capture(() => a.call(store, { type: 'read', path: '/etc/passwd' }, { caps: [rd] }));
      out.write = await capture(() => a.call(store, { type: 'write' }, { caps: [rd] }));
      out.implied = await a.call(store, { type: 'write' }, { caps: [admin] });
      out.impliedRead = await a.call(store, { type: 'read', path: '/anything' }, { caps: [admin] });
      out.narrowIn = await a.call(store, { type: 'read', path: '/docs/a/1' }, { caps: [narrow] });
      out.narrowOut = await capture(() => a.call(store, { type: 'read', path: '/docs/b/1' }, { caps: [narrow] }));
      out.widen = await capture(() => caps.attenuate(narrow, 'file.read:/*'));
      const forged = { capability: 'admin', tag: '00'.repeat(32) };
      out.forged = await capture(() => a.call(store, { type: 'write' }, { caps: [forged] }));
      const altered = { ...rd.toJSON(), capability: 'admin' };
      out.altered = await capture(() => a.call(store, { type: 'write' }, { caps: [altered] }));
      out.none = await capture(() => a.call(store, { type: 'write' }));
      out.castDenied = await capture(() => a.cast(store, { type: 'write' }, { caps: [] }));
      out.verify = [await caps.verify(rd), await caps.verify(forged)];
      out.badCap = await capture(() => caps.issue(42));
      // A `capability` pool routes only to members holding what the message needs.
      const gpu = await caps.issue('gpu');
      const cp = await a.pool(mod('whoami'), { size: 2, strategy: 'capability', requires: { '*': 'gpu' }, caps: [gpu] });
      out.capPool = typeof (await cp.call('job')).slot;
      const bare = await a.pool(mod('whoami'), { size: 2, strategy: 'capability', requires: { '*': 'gpu' } });
      out.capPoolNone = await capture(() => bare.call('job'));
      out.audit = await a.audit();
      await new Promise((r) => setTimeout(r, 80));
      out.denied = events.filter((e) => e.type === 'denied').length;
      out.rd = String(rd);
      return out;
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(value.allowed, { ok: 'read' });
    assert.equal(value.outside.code, 'forbidden');
    assert.equal(value.outside.capability, 'file.read:/etc/passwd');
    assert.equal(value.write.code, 'forbidden');
    assert.equal(value.write.capability, 'write');
    assert.deepEqual(value.implied, { ok: 'write' }, 'admin ⇒ write');
    assert.deepEqual(value.impliedRead, { ok: 'read' }, 'admin ⇒ write ⇒ file.read (unscoped covers any path)');
    assert.deepEqual(value.narrowIn, { ok: 'read' });
    assert.equal(value.narrowOut.code, 'forbidden');
    assert.equal(value.widen.code, 'forbidden', 'attenuation never widens');
    assert.equal(value.forged.code, 'forbidden');
    assert.equal(value.altered.code, 'forbidden', 'a tag does not carry over to another capability');
    assert.equal(value.none.code, 'forbidden', 'deny by default');
    assert.equal(value.castDenied.code, 'forbidden');
    assert.deepEqual(value.verify, [true, false]);
    assert.equal(value.capPool, 'number');
    assert.equal(value.capPoolNone.code, 'forbidden');
    assert.equal(value.capPoolNone.capability, 'gpu');
    assert.equal(value.badCap.name, 'TypeError');
    assert.equal(value.rd, 'Capability(file.read:/docs/*)');
    const missing = value.audit.map((d) => d.missing);
    for (const m of ['file.read:/etc/passwd', 'write', 'file.read:/docs/b/1']) assert.ok(missing.includes(m), `${m} audited: ${missing}`);
    assert.ok(value.audit.length >= 7, `${value.audit.length} denials audited`);
    assert.ok(value.audit.every((d, i) => typeof d.at === 'number' && d.at > 0 && (i === 0 || d.at >= value.audit[i - 1].at)));
    assert.ok(value.denied >= 6, `${value.denied} denial events`);
  });

  test(`${mode}: a guarded actor is upgraded and rolled back under load, and stays guarded`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { capture, mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const s = await a.spawn(mod('seq1'), { requires: { '*': 'seq' }, mailbox: 2000 });
      const opts = { caps: [await a.capabilities.issue('seq', { near: s })] };
      await a.preload(mod('seq2'), { near: s }); // so the upgrade is queued where it is called
      const sent = [];
      for (let i = 1; i <= 500; i++) sent.push(a.cast(s, i, opts));
      const up = a.upgrade(s, mod('seq2'), { extra: 'guarded' });
      for (let i = 501; i <= 1000; i++) sent.push(a.cast(s, i, opts));
      const version = await up;
      await Promise.all(sent);
      const state = await a.call(s, 'get', opts);
      const refused = await capture(() => a.call(s, 'get'));
      const back = await a.rollback(s);
      const rolled = await a.call(s, 'get', opts);
      return { version, state, refused: refused.code, back, rolled };
    });
    assert.deepEqual(problems, []);
    assert.equal(value.version, 2);
    assert.deepEqual(value.state, { last: 1000, ok: true, n1: 500, n2: 500, migrated: 'guarded', v: 2 });
    assert.equal(value.refused, 'forbidden');
    assert.equal(value.back, 1);
    assert.deepEqual(value.rolled, { last: 500, ok: true, n1: 500, n2: 0, v: 1 });
  });

  test(`${mode}: casts with { caps } are delivered once, in order, or refused; cached capability sets follow the tokens`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { capture, mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const caps = a.capabilities;
      const log = await a.spawn(mod('log'), { requires: { '*': 'ingest' } });
      const ingest = await caps.issue('ingest');
      const other = await caps.issue('other');
      const plain = ingest.toJSON(); // the wire form, a plain object
      const reused = [ingest];
      const forged = { capability: 'ingest', tag: '00'.repeat(32) };
      // Six ways to pass tokens, in turn: the same array again, a fresh array, two tokens,
      // the wrong token, the wire form, a forged token.
      const lists = [() => reused, () => [ingest], () => [other, ingest], () => [other], () => [plain], () => [forged]];
      const send = (i) => a.cast(log, i, { caps: lists[i % 6]() }).then(() => 'ok', (e) => `${e.code}:${e.capability}`);
      // Twice: the second round runs after the first was answered, when sets admitted to
      // this actor are known to be admitted (st then resolves without waiting for the worker).
      const out = { results: await Promise.all([...Array(300).keys()].map(send)) };
      out.results.push(...await Promise.all([...Array(300).keys()].map((i) => send(i + 300))));
      // The same array with other contents: the new contents count.
      reused[0] = other;
      out.reusedChanged = await capture(() => a.cast(log, 'reused', { caps: reused }));
      // A wire-form token altered after use is checked again, not served from a cache.
      plain.capability = 'admin';
      out.plainAltered = await capture(() => a.cast(log, 'altered', { caps: [plain] }));
      out.got = await a.call(log, 'get', { caps: [ingest] });
      // A requirement that depends on the message is checked on every message, however often
      // the same set was admitted before.
      const rooms = await a.spawn(mod('log'), { requires: { '*': 'ingest:/rooms/${room}' } });
      const roomA = [await caps.issue('ingest:/rooms/a')];
      out.rooms = [];
      for (let i = 0; i < 6; i++) {
        const room = i % 2 ? 'b' : 'a';
        out.rooms.push(await a.cast(rooms, { room, i }, { caps: roomA }).then(() => room, (e) => `${room}:${e.code}`));
      }
      out.roomsGot = (await a.call(rooms, 'get', { caps: [await caps.issue('ingest:/rooms/*')] })).map((m) => m.i);
      return out;
    });
    assert.deepEqual(problems, []);
    const allowed = (i) => [0, 1, 2, 4].includes(i % 6);
    value.results.forEach((r, i) => assert.equal(r, allowed(i) ? 'ok' : 'forbidden:ingest', `cast ${i}`));
    // Exactly the admitted casts arrived, each once, in the order they were sent.
    assert.deepEqual(value.got, [...Array(600).keys()].filter(allowed));
    assert.equal(value.reusedChanged?.code, 'forbidden');
    assert.equal(value.plainAltered?.code, 'forbidden');
    assert.deepEqual(value.rooms, ['a', 'b:forbidden', 'a', 'b:forbidden', 'a', 'b:forbidden']);
    assert.deepEqual(value.roomsGot, [0, 2, 4]);
  });

  test(`${mode}: hot upgrade under load loses and reorders nothing; failing migrate keeps the old version; rollback`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { capture, mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const events = [];
      a.onEvent((e) => events.push(e));
      const s = await a.spawn(mod('seq1'), { upgradable: true, mailbox: 20000, name: 'seq' });
      await a.preload(mod('seq2'), { near: s });
      const N = 5000;
      for (let i = 1; i <= N / 2; i++) a.cast(s, i);
      const up = a.upgrade(s, mod('seq2'), { extra: 'from-v1' });
      for (let i = N / 2 + 1; i <= N; i++) a.cast(s, i);
      const version = await up;
      const state = await a.call(s, 'get');
      const bad = await capture(() => a.upgrade('seq', mod('seqBad')));
      const afterBad = await a.call(s, 'get');
      const fnMigrate = await capture(() => a.upgrade(s, mod('seq2'), { migrate: (x) => x }));
      const back = await a.rollback('seq');
      const rolled = await a.call(s, 'get');
      await new Promise((r) => setTimeout(r, 80));
      return { version, state, bad, afterBad, back, rolled, fnMigrate, events: events.map((e) => e.type) };
    });
    assert.deepEqual(problems, []);
    assert.equal(value.version, 2);
    // Every message handled once, in order; the first half by v1, the second by v2.
    assert.deepEqual(value.state, { last: 5000, ok: true, n1: 2500, n2: 2500, migrated: 'from-v1', v: 2 });
    assert.equal(value.bad.code, 'upgrade_failed');
    assert.match(value.bad.message, /cannot migrate this state/);
    assert.equal(value.afterBad.v, 2, 'the old version keeps running');
    assert.equal(value.fnMigrate.name, 'TypeError');
    assert.equal(value.back, 1);
    // v1 comes back with the state it had when it was replaced.
    assert.deepEqual(value.rolled, { last: 2500, ok: true, n1: 2500, n2: 0, v: 1 });
    assert.ok(value.events.includes('upgraded') && value.events.includes('upgradeFailed'), value.events.join());
  });

  test(`${mode}: pools: round-robin evenness, canary split within ±3 points over 10 000, affinity stable when growing`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const key = (r) => `${r.node}.${r.slot}.${r.generation}`;
      const out = {};
      // round-robin: 300 calls over 3 members, 100 each.
      const rr = await a.pool(mod('whoami'), { size: 3 });
      const counts = new Map();
      const got = await Promise.all(Array.from({ length: 300 }, () => rr.call('who')));
      for (const r of got) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
      out.rr = [...counts.values()].sort();
      out.autoscale = [await rr.autoscale(), await rr.autoscale()];
      out.forecasts = (await rr.stats()).forecasts;
      // canary: 30 % of 10 000 messages to v2, then rollback / promote.
      const p = await a.pool(mod('v1'), { size: 4, strategy: 'round-robin' });
      await p.canary(mod('v2'), { percent: 30 });
      let v2 = 0;
      for (let batch = 0; batch < 10; batch++) {
        const r = await Promise.all(Array.from({ length: 1000 }, () => p.call('v?')));
        v2 += r.filter((x) => x === 'v2').length;
      }
      out.canary = v2 / 100;
      out.canaryStats = (await p.stats()).canaryPercent;
      await p.rollback();
      out.afterRollback = await Promise.all(Array.from({ length: 20 }, () => p.call('v?')));
      await p.canary(mod('v2'), { percent: 50 });
      await p.promote();
      out.afterPromote = await Promise.all(Array.from({ length: 20 }, () => p.call('v?')));
      // affinity: a key always reaches the same member; growing 4 → 5 moves ≈ 1/5 of the
      // keys, all of them to the new member.
      const af = await a.pool(mod('whoami'), { size: 4, strategy: 'affinity' });
      const keys = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
      const before = await Promise.all(keys.map((x) => af.memberFor(x)));
      for (let i = 0; i < 50; i++) af.cast('hello', { key: 'user-7' });
      await new Promise((r) => setTimeout(r, 100));
      const st = await af.stats();
      out.keyed = st.members.map((m) => [key(m.ref) === key(before[7]), m.processed]);
      const oldMembers = new Set((await af.members()).map(key));
      await af.resize(5);
      const after = await Promise.all(keys.map((x) => af.memberFor(x)));
      const newMember = (await af.members()).map(key).find((m) => !oldMembers.has(m));
      let moved = 0, movedElsewhere = 0;
      for (let i = 0; i < keys.length; i++) {
        if (key(before[i]) !== key(after[i])) { moved++; if (key(after[i]) !== newMember) movedElsewhere++; }
      }
      out.affinity = { moved, movedElsewhere, stable: JSON.stringify(await Promise.all(keys.slice(0, 50).map((x) => af.memberFor(x)))) === JSON.stringify(after.slice(0, 50)) };
      out.badStrategy = await (async () => { try { await a.pool('echo', { strategy: 'random' }); } catch (e) { return { name: e.name, message: e.message }; } })();
      return out;
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(value.rr, [100, 100, 100]);
    assert.ok(value.autoscale.every((n) => n >= 3 && n <= 16), `autoscale sized ${value.autoscale}`);
    assert.ok(Array.isArray(value.forecasts) && value.forecasts.every((f) => typeof f.forecastRate === 'number' && typeof f.actualRate === 'number'));
    assert.ok(Math.abs(value.canary - 30) <= 3, `canary got ${value.canary} %`);
    assert.equal(value.canaryStats, 30);
    assert.ok(value.afterRollback.every((x) => x === 'v1'));
    assert.ok(value.afterPromote.every((x) => x === 'v2'));
    // The 50 keyed casts all reached the member the key maps to.
    assert.deepEqual(value.keyed.filter(([mine]) => mine).map(([, n]) => n), [50]);
    assert.ok(value.keyed.filter(([mine]) => !mine).every(([, n]) => n === 0));
    assert.equal(value.affinity.movedElsewhere, 0);
    assert.ok(value.affinity.moved >= 140 && value.affinity.moved <= 260, `moved ${value.affinity.moved} of 1000 (expected ≈ 200)`);
    assert.ok(value.affinity.stable);
    assert.equal(value.badStrategy.name, 'RangeError');
    assert.match(value.badStrategy.message, /strategy/);
  });
}

// The browser benchmark of the capability check drives 'flood' (threads only, as 'ping': the
// request names its target by slot in the shared system).
test('threads: \'flood\' casts n messages, through the authority with its call\'s capabilities or plainly', async () => {
  const { value, problems } = await inPage(true, async ({ HELPERS }) => {
    const { capture, mod } = eval(HELPERS);
    const k = await katalyst.init();
    const a = k.actors;
    await a.ready;
    const req = (t, n) => {
      const r = new Uint8Array(12);
      const dv = new DataView(r.buffer);
      dv.setUint32(0, t.slot, true);
      dv.setUint32(4, t.generation, true);
      dv.setUint32(8, n, true);
      return r;
    };
    const log = await a.spawn(mod('log'), { requires: { '*': 'ingest' } });
    const flood = await a.spawn('flood');
    const ingest = { caps: [await a.capabilities.issue('ingest')] };
    const out = { ns: await a.call(flood, req(log, 500), ingest) };
    out.got = await a.call(log, 'get', ingest);
    const other = { caps: [await a.capabilities.issue('other')] };
    out.refused = await capture(() => a.call(flood, req(log, 5), other));
    out.plainToGuarded = await capture(() => a.call(flood, req(log, 5)));
    out.after = (await a.call(log, 'get', ingest)).length;
    out.badN = await capture(() => a.call(flood, req(log, 0)));
    return out;
  });
  assert.deepEqual(problems, []);
  assert.ok(value.ns > 0, `elapsed ${value.ns} ns`);
  // 'log' keeps what it gets, in order: the 500 casts, then the empty call flood waits on.
  assert.deepEqual(value.got.slice(0, 500), [...Array(500).keys()]);
  assert.equal(value.got.length, 501);
  assert.equal(value.refused?.code, 'forbidden');
  assert.equal(value.refused?.capability, 'ingest');
  assert.equal(value.plainToGuarded?.code, 'forbidden', 'plain casts reach a guarded actor only to be refused');
  assert.equal(value.after, 501, 'nothing refused was delivered');
  assert.match(value.badN?.message ?? '', /n must be at least 1, got 0/);
});

for (const { isolated, mode } of MODES) {
  test(`${mode}: bad input is a TypeError / RangeError / KatalystError naming the argument`, async () => {
    const { value, problems } = await inPage(isolated, async ({ HELPERS }) => {
      const { capture, mod } = eval(HELPERS);
      const k = await katalyst.init();
      const a = k.actors;
      await a.ready;
      const w = await a.spawn(mod('watcher'), { upgradable: true });
      const cases = {
        strategy: () => a.supervise({ strategy: 'one_for_two' }),
        restart: () => a.supervise({ children: [{ id: 'x', start: 'echo', restart: 'sometimes' }] }),
        id: () => a.supervise({ children: [{ start: 'echo' }] }),
        intensity: () => a.supervise({ maxRestarts: -1 }),
        spec: () => a.supervise(null),
        startFails: () => a.supervise({ children: [{ id: 'ok', start: 'echo' }, { id: 'bad', start: 'no-such-behaviour' }] }),
        target: () => a.monitor(w, 5),
        size: () => a.pool('echo', { size: 0 }),
        requires: () => a.spawn('echo', { requires: 7 }),
        template: () => a.spawn('echo', { requires: { read: 'no spaces:${path}' } }),
        upgradeName: () => a.upgrade('nobody', mod('seq2')),
        token: () => a.call(w, 'ping', { caps: ['admin'] }),
        trap: () => a.trapExit(w, 'yes'),
      };
      const out = {};
      for (const [name, f] of Object.entries(cases)) out[name] = await capture(f);
      out.stillFine = await a.call(w, 'ping');
      return out;
    });
    assert.deepEqual(problems, []);
    const is = (e, name, code, re) => {
      assert.ok(e, `${re} did not fail`);
      assert.equal(e.name, name, JSON.stringify(e));
      if (code) assert.equal(e.code, code, JSON.stringify(e));
      assert.match(e.message, re);
    };
    is(value.strategy, 'RangeError', 'out_of_range', /spec\.strategy.*one_for_two/);
    is(value.restart, 'RangeError', 'out_of_range', /spec\.children\[0\]\.restart.*sometimes/);
    is(value.id, 'TypeError', 'invalid_type', /spec\.children\[0\]\.id/);
    is(value.intensity, 'RangeError', 'out_of_range', /spec\.maxRestarts/);
    is(value.spec, 'TypeError', 'invalid_type', /argument 'spec'/);
    is(value.startFails, 'KatalystError', 'actor_exited', /failed_to_start_child/);
    is(value.target, 'TypeError', 'invalid_type', /monitor: argument 'target'/);
    is(value.size, 'RangeError', 'out_of_range', /opts\.size/);
    is(value.requires, 'TypeError', 'invalid_type', /opts\.requires/);
    is(value.template, 'RangeError', 'invalid_capability', /opts\.requires\.read/);
    is(value.upgradeName, 'KatalystError', 'noproc', /nobody/);
    is(value.token, 'TypeError', 'invalid_type', /opts\.caps\[0\]/);
    is(value.trap, 'TypeError', 'invalid_type', /trapExit: argument 'on'/);
    assert.equal(value.stillFine, 'pong');
  });
}

// st only: a worker that replaced a trapped one starts empty. The page sends it a capability
// set's tokens again (not just the set id it last sent the old worker) and loads JS behaviours
// into it again, and refs made there get page numbers its predecessor's dead refs never had.
test('single: after a trapped worker is replaced, its node takes JS behaviours, new refs and checked casts again', async () => {
  const { value, problems } = await inPage(false, async ({ HELPERS }) => {
    const { capture, mod } = eval(HELPERS);
    const k = await katalyst.init();
    const a = k.actors;
    await a.ready;
    // An actor with no requirement admits any set, so one set (a node-2 token) can be sent to
    // node 1 before and after the trap.
    const node2 = await a.spawn('echo');
    const anchor = node2.node === 2 ? await a.spawn('echo') : node2;
    const near2 = node2.node === 2 ? node2 : await a.spawn('echo');
    const caps = [await a.capabilities.issue('ingest', { near: near2 })];
    const before = await a.spawn(mod('log'), { near: anchor });
    await a.cast(before, 'b1', { caps });
    await a.cast(before, 'b2', { caps });
    const got = await a.call(before, 'get');
    const panic = await a.spawn('panic', { near: anchor });
    const crash = await capture(() => a.call(panic, 1, { timeout: 2000 }));
    const after = await a.spawn(mod('log'), { near: anchor });
    const sent = [];
    for (const m of ['a1', 'a2']) sent.push(await a.cast(after, m, { caps }).then(() => 'ok', (e) => e.code));
    return { anchorNode: anchor.node, afterNode: after.node, got, crash: crash?.code, sent, gotAfter: await a.call(after, 'get') };
  });
  assert.ok(problems.every((p) => /trapped|unreachable|panicked|RuntimeError/.test(p)), problems.join('\n'));
  assert.equal(value.anchorNode, 1);
  assert.equal(value.afterNode, 1);
  assert.deepEqual(value.got, ['b1', 'b2']);
  assert.equal(value.crash, 'actor_exited');
  assert.deepEqual(value.sent, ['ok', 'ok']);
  assert.deepEqual(value.gotAfter, ['a1', 'a2']);
});
