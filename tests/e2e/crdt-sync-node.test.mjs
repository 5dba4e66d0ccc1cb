// The package's CRDT sync helpers in Node 20+ (which has BroadcastChannel and MessageChannel),
// over the packaged single-thread build: BroadcastChannel tabs with an offline period and a late
// joiner, a MessagePort with signed deltas, a lossy generic transport healed by anti-entropy,
// and a malformed frame reported to onError without changing state.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = new URL('../../dist/pkg/', import.meta.url);
let k;
before(async () => {
  k = await import(new URL('index.js', pkg));
  k.initSync({ module: readFileSync(new URL('st/katalyst_bg.wasm', pkg)) });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const json = (v) => JSON.stringify(v);

test('BroadcastChannel: live sync, offline edits, a late joiner', async () => {
  const a = k.syncOverBroadcastChannel(new k.AgentState(1), 'agent-node');
  const b = k.syncOverBroadcastChannel(new k.AgentState(2), 'agent-node');
  let events = 0;
  b.subscribe(() => events++);
  a.replica.setSkill('search', 0.5);
  a.replica.appendEpisode({ t: 1 });
  await sleep(50);
  assert.equal(json(b.replica.value()), json(a.replica.value()));
  assert.ok(events >= 2, `b saw ${events} changes`);
  b.pause();
  a.replica.setSkill('code', 0.9);
  b.replica.appendEpisode({ t: 2 });
  await sleep(30);
  assert.notEqual(json(b.replica.value()), json(a.replica.value()), 'diverged while offline');
  b.resume();
  await sleep(50);
  assert.deepEqual(b.replica.crdt.fingerprint(), a.replica.crdt.fingerprint(), 'converged after reconnect');
  const c = k.syncOverBroadcastChannel(new k.AgentState(3), 'agent-node');
  await sleep(50);
  assert.equal(json(c.replica.value()), json(a.replica.value()), 'the late joiner caught up');
  for (const conn of [a, b, c]) conn.close();
});

test('MessagePort: signed deltas are verified against the trusted key', async () => {
  const { port1, port2 } = new MessageChannel();
  const x = new k.ORSet(10);
  const y = new k.ORSet(20);
  y.trustKeys([x.signWith(new Uint8Array(32).fill(3))]);
  const cx = k.syncOverPort(x, port1);
  const cy = k.syncOverPort(y, port2);
  cx.replica.add('hello');
  await sleep(50);
  assert.deepEqual(y.values(), ['hello']);
  cy.replica.add('from-y'); // x trusts no keys: y's own key checks its unsigned delta
  await sleep(50);
  assert.deepEqual(x.values().sort(), ['from-y', 'hello']);
  cx.close();
  cy.close();
  port1.close();
  port2.close();
});

test('a generic lossy transport heals by anti-entropy', async () => {
  const pair = () => {
    const handlers = new Set();
    return { handlers, transport: { send: null, onMessage: (cb) => { handlers.add(cb); return () => handlers.delete(cb); } } };
  };
  const A = pair();
  const B = pair();
  let drop = true;
  A.transport.send = (bytes) => { if (!drop) queueMicrotask(() => B.handlers.forEach((cb) => cb(bytes))); };
  B.transport.send = (bytes) => { if (!drop) queueMicrotask(() => A.handlers.forEach((cb) => cb(bytes))); };
  const ma = k.syncOver(A.transport, new k.LWWMap(1));
  const mb = k.syncOver(B.transport, new k.LWWMap(2));
  ma.replica.set('a', 1);
  mb.replica.set('b', [1, { c: null }]);
  drop = false;
  ma.resync();
  await sleep(20);
  assert.equal(json(ma.replica.value()), json(mb.replica.value()));
  assert.equal(mb.replica.crdt.get('a'), 1);
});

test('a malformed frame goes to onError and changes nothing', () => {
  const errors = [];
  const r = new k.SyncedReplica(new k.GCounter(5), { onError: (e) => errors.push(e) });
  let deliver;
  k.syncOver({ send() {}, onMessage(cb) { deliver = cb; } }, r);
  const before = r.crdt.encode();
  deliver(new Uint8Array([3, 1, 99, 0]));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'bad_tag');
  assert.deepEqual(r.crdt.encode(), before);
});
