// CRDT cases of the performance bars (issue 5), Katalyst against yjs in the same page.
//
// B3.1 (crdt-benchmarks, N = 6000 → 20·√N = 1 549 clients): every client sets one key of a
// map; the clients' updates are applied to one fresh doc. The timed function applies the
// prepared updates (bar: ≤ 5 ms in Chromium); `info` reports encoded bytes per entry (bar:
// ≤ 16). Peers do the same work: updates are encoded once in setup, decoded inside the timing.
import * as Y from 'yjs';

const YJS = 'yjs@13.6.33';
const CLIENTS = 1549;
const T0 = 1_700_000_000_000;

function check(cond, what) {
  if (!cond) throw new Error(what);
}

/** Katalyst: one LWWMap per client (replica ids 1..1549), one delta each. */
function katalystUpdates(katalyst, sameKey) {
  const updates = [];
  for (let i = 1; i <= CLIENTS; i++) {
    const m = new katalyst.LWWMap(i);
    updates.push(m.set(sameKey ? 'v' : `k${i}`, i, T0));
    m.free?.();
  }
  return updates;
}

/** yjs: one Y.Doc per client (random client ids, as yjs assigns them). */
function yjsUpdates(sameKey) {
  const updates = [];
  for (let i = 1; i <= CLIENTS; i++) {
    const d = new Y.Doc();
    d.getMap('m').set(sameKey ? 'v' : `k${i}`, i);
    updates.push(Y.encodeStateAsUpdate(d));
    d.destroy();
  }
  return updates;
}

function katalystApply(katalyst, updates) {
  const doc = new katalyst.LWWMap(0);
  for (const u of updates) doc.merge(u);
  return doc;
}

function yjsApply(updates) {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

const b31 = (group, name, peer, setup) => ({ group, name, peer, work: CLIENTS, unit: 'k updates/s', scale: 1e3, setup });

const B31 = `B3.1 ${CLIENTS} clients set distinct keys, updates applied to one doc`;
const B31_SAME = `B3.1 ${CLIENTS} clients set the same key, updates applied to one doc`;
const B31_TOTAL = `B3.1 ${CLIENTS} clients: create, set, encode, apply (total)`;
const PARSE = `B3.1 doc of ${CLIENTS} entries: decode`;
const ORSET = 'ORSet merge 100k elements each side (decode both + merge)';

export default [
  b31(B31, 'katalyst LWWMap', null, ({ katalyst }) => {
    const updates = katalystUpdates(katalyst, false);
    const probe = katalystApply(katalyst, updates);
    check(probe.size === CLIENTS && probe.get('k77') === 77, 'katalyst B3.1: wrong doc');
    const bytes = probe.encode().length;
    probe.free?.();
    return {
      run: () => katalystApply(katalyst, updates).free?.(),
      info: { docBytes: bytes, bytesPerEntry: +(bytes / CLIENTS).toFixed(2), avgUpdateBytes: +(updates.reduce((s, u) => s + u.length, 0) / CLIENTS).toFixed(2) },
    };
  }),
  b31(B31, 'yjs Y.Map', YJS, () => {
    const updates = yjsUpdates(false);
    const probe = yjsApply(updates);
    check(probe.getMap('m').size === CLIENTS && probe.getMap('m').get('k77') === 77, 'yjs B3.1: wrong doc');
    const bytes = Y.encodeStateAsUpdate(probe).length;
    probe.destroy();
    return {
      run: () => yjsApply(updates).destroy(),
      info: { docBytes: bytes, bytesPerEntry: +(bytes / CLIENTS).toFixed(2), avgUpdateBytes: +(updates.reduce((s, u) => s + u.length, 0) / CLIENTS).toFixed(2) },
    };
  }),

  b31(B31_SAME, 'katalyst LWWMap', null, ({ katalyst }) => {
    const updates = katalystUpdates(katalyst, true);
    const probe = katalystApply(katalyst, updates);
    check(probe.get('v') === CLIENTS, 'katalyst B3.1 same key: the largest replica id wins equal timestamps');
    const bytes = probe.encode().length;
    probe.free?.();
    return { run: () => katalystApply(katalyst, updates).free?.(), info: { docBytes: bytes, bytesPerClient: +(bytes / CLIENTS).toFixed(2) } };
  }),
  b31(B31_SAME, 'yjs Y.Map', YJS, () => {
    const updates = yjsUpdates(true);
    const probe = yjsApply(updates);
    check(typeof probe.getMap('m').get('v') === 'number', 'yjs B3.1 same key: wrong doc');
    const bytes = Y.encodeStateAsUpdate(probe).length;
    probe.destroy();
    return { run: () => yjsApply(updates).destroy(), info: { docBytes: bytes, bytesPerClient: +(bytes / CLIENTS).toFixed(2) } };
  }),

  b31(B31_TOTAL, 'katalyst LWWMap', null, ({ katalyst }) => () => {
    katalystApply(katalyst, katalystUpdates(katalyst, false)).free?.();
  }),
  b31(B31_TOTAL, 'yjs Y.Map', YJS, () => () => {
    yjsApply(yjsUpdates(false)).destroy();
  }),

  b31(PARSE, 'katalyst LWWMap.decode', null, ({ katalyst }) => {
    const doc = katalystApply(katalyst, katalystUpdates(katalyst, false));
    const bytes = doc.encode();
    doc.free?.();
    check(katalyst.LWWMap.decode(bytes).size === CLIENTS, 'katalyst decode: wrong doc');
    return () => katalyst.LWWMap.decode(bytes).free?.();
  }),
  b31(PARSE, 'yjs applyUpdate(new Doc)', YJS, () => {
    const doc = yjsApply(yjsUpdates(false));
    const bytes = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return () => {
      const d = new Y.Doc();
      Y.applyUpdate(d, bytes);
      d.destroy();
    };
  }),

  {
    group: ORSET,
    name: 'katalyst ORSet',
    peer: null,
    work: 200_000,
    unit: 'M elements/s',
    scale: 1e6,
    setup: ({ katalyst }) => {
      const make = (replica, from) => {
        const s = new katalyst.ORSet(replica);
        for (let i = from; i < from + 100_000; i++) s.add(i);
        const bytes = s.encode();
        s.free?.();
        return bytes;
      };
      const a = make(1, 0);
      const b = make(2, 50_000);
      const run = () => {
        const x = katalyst.ORSet.decode(a, { replica: 3 });
        x.merge(b);
        return x;
      };
      const probe = run();
      check(probe.size === 150_000, 'katalyst ORSet merge: wrong size');
      probe.free?.();
      return () => run().free?.();
    },
  },
  {
    group: ORSET,
    name: 'yjs Y.Map as a set (apply both docs)',
    peer: YJS,
    work: 200_000,
    unit: 'M elements/s',
    scale: 1e6,
    setup: () => {
      const make = (from) => {
        const d = new Y.Doc();
        const m = d.getMap('s');
        d.transact(() => {
          for (let i = from; i < from + 100_000; i++) m.set(String(i), true);
        });
        const u = Y.encodeStateAsUpdate(d);
        d.destroy();
        return u;
      };
      const a = make(0);
      const b = make(50_000);
      const run = () => {
        const d = new Y.Doc();
        Y.applyUpdate(d, a);
        Y.applyUpdate(d, b);
        return d;
      };
      const probe = run();
      check(probe.getMap('s').size === 150_000, 'yjs set merge: wrong size');
      probe.destroy();
      return () => run().destroy();
    },
  },
];
