// Manual check of pkg-template/crdt-sync.js against the real wasm classes in Node 20+
// (BroadcastChannel and MessageChannel are built in). Build a Node package first:
//   cargo build --target wasm32-unknown-unknown
//   wasm-bindgen --target nodejs --out-dir /tmp/kpkg target/wasm32-unknown-unknown/debug/katalyst.wasm
//   node src/crdt/node-sync-check.mjs /tmp/kpkg/katalyst.js
import { createRequire } from 'module';
import { copyFileSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join, dirname } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
const require = createRequire(import.meta.url);
const k = require(process.argv[2] ?? '/tmp/kpkg/katalyst.js');
// crdt-sync.js is an ES module without a "type": "module" package here: load a .mjs copy.
const here = dirname(fileURLToPath(import.meta.url));
const copy = join(mkdtempSync(join(tmpdir(), 'crdt-sync-')), 'crdt-sync.mjs');
copyFileSync(join(here, '../../pkg-template/crdt-sync.js'), copy);
const { syncOverBroadcastChannel, syncOverPort, syncOver, SyncedReplica } = await import(pathToFileURL(copy));
const sleep = (ms) => new Promise(r => setTimeout(r, ms));
const assert = (c, m) => { if (!c) { console.error('FAIL', m); process.exit(1); } };

// Two "tabs" over BroadcastChannel, AgentState.
const a = syncOverBroadcastChannel(new k.AgentState(1), 'agent');
const b = syncOverBroadcastChannel(new k.AgentState(2), 'agent');
let events = 0;
b.subscribe(ev => { events++; });
a.replica.setSkill('search', 0.5);
a.replica.appendEpisode({ t: 1 });
await sleep(50);
assert(JSON.stringify(a.replica.value()) === JSON.stringify(b.replica.value()), 'live sync');
assert(events >= 2, 'events ' + events);
// b goes offline, both edit, b comes back.
b.pause();
a.replica.setSkill('code', 0.9);
b.replica.appendEpisode({ t: 2 });
await sleep(30);
assert(JSON.stringify(a.replica.value()) !== JSON.stringify(b.replica.value()), 'diverged while offline');
b.resume();
await sleep(50);
assert(Buffer.from(a.replica.crdt.fingerprint()).equals(Buffer.from(b.replica.crdt.fingerprint())), 'converged after reconnect');
// A late joiner catches up.
const c = syncOverBroadcastChannel(new k.AgentState(3), 'agent');
await sleep(50);
assert(JSON.stringify(c.replica.value()) === JSON.stringify(a.replica.value()), 'late joiner');
a.close(); b.close(); c.close();

// MessagePort, ORSet with signing.
const { port1, port2 } = new MessageChannel();
const x = new k.ORSet(10), y = new k.ORSet(20);
const pk = x.signWith(new Uint8Array(32).fill(3));
y.trustKeys([pk]);
const errors = [];
const cx = syncOverPort(x, port1);
const cy = syncOverPort(y, port2, { onError: e => errors.push(e) });
cx.replica.add('hello');
await sleep(50);
assert(JSON.stringify(y.values()) === '["hello"]', 'port sync signed ' + JSON.stringify(y.values()));
cy.replica.add('from-y'); // y unsigned → x accepts (no trust set), y's own are fine
await sleep(50);
assert(JSON.stringify(x.values()) === '["from-y","hello"]', 'back ' + JSON.stringify(x.values()));
cx.close(); cy.close(); port1.close(); port2.close();

// Generic transport with drops: a lossy in-memory pair, anti-entropy heals.
const mk = () => { const h = new Set(); return { h, t: { send: null, onMessage: cb => { h.add(cb); return () => h.delete(cb); } } }; };
const A = mk(), B = mk();
let drop = true;
A.t.send = bytes => { if (!drop) queueMicrotask(() => B.h.forEach(cb => cb(bytes))); };
B.t.send = bytes => { if (!drop) queueMicrotask(() => A.h.forEach(cb => cb(bytes))); };
const ma = syncOver(A.t, new k.LWWMap(1)), mb = syncOver(B.t, new k.LWWMap(2));
ma.replica.set('a', 1); mb.replica.set('b', [1, { c: null }]);
drop = false;
ma.resync();
await sleep(20);
assert(JSON.stringify(ma.replica.value()) === JSON.stringify(mb.replica.value()), 'generic heal ' + JSON.stringify(ma.replica.value()) + JSON.stringify(mb.replica.value()));
assert(mb.replica.crdt.get('a') === 1, 'value');
// Errors go to onError and change nothing.
const errs = [];
const r = new SyncedReplica(new k.GCounter(5), { onError: e => errs.push(e) });
const conn = syncOver({ send() {}, onMessage(cb) { this.cb = cb; } }, r);
conn._transport.cb(new Uint8Array([3, 1, 99, 0]));
assert(errs.length === 1 && errs[0].code === 'bad_tag', 'error code ' + (errs[0] && errs[0].code));
console.log('all JS sync checks passed');
process.exit(0);
