// Synchronous calls on the main thread that share their work with the compute worker
// (`crate::parallel::assist`) in threads mode: results must equal the per-item reference, the
// worker must really take a share, and nothing may block or trap the main thread. Without
// cross-origin isolation (single build) the same call runs sequentially.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

for (const { isolated, mode } of [{ isolated: true, mode: 'threads' }, { isolated: false, mode: 'single' }]) {
  test(`${mode}: main-thread verifyBatch equals verify per item`, async () => {
    const tab = await openPage(browser, server.url + (isolated ? '' : '?coi=0'));
    try {
      await tab.page.waitForFunction(() => window.ready === true);
      const r = await tab.page.evaluate(async () => {
        const k = await katalyst.init({ threads: 2 });
        const pks = [], msgs = [], sigs = [];
        for (let i = 0; i < 300; i++) {
          const seed = new Uint8Array(32).fill(i & 255);
          seed[31] = i >> 8;
          const key = katalyst.SigningKey.fromSeed(seed);
          const msg = new Uint8Array(i % 97).fill(i);
          const sig = key.sign(msg);
          if (i % 7 === 3) sig[i % 64] ^= 1; // tampered signature
          if (i % 11 === 5) msg.length && (msg[0] ^= 2); // message changed after signing
          pks.push(i % 13 === 4 ? new Uint8Array(32) : key.publicKey()); // small-order key
          msgs.push(msg);
          sigs.push(sig);
        }
        const before = k.parallelStats().helpedChunks;
        const runs = [];
        for (let rep = 0; rep < 5; rep++) runs.push(k.verifyBatch(pks, msgs, sigs));
        const reference = pks.map((pk, i) => k.verify(pk, msgs[i], sigs[i]));
        return { mode: k.mode, runs, reference, helped: k.parallelStats().helpedChunks - before };
      });
      assert.equal(r.mode, mode);
      assert.ok(r.reference.includes(true) && r.reference.includes(false));
      for (const run of r.runs) assert.deepEqual(run, r.reference);
      if (mode === 'threads') assert.ok(r.helped > 0, 'the compute worker never took a share');
      else assert.equal(r.helped, 0);
      assert.deepEqual(tab.problems, []);
    } finally {
      await tab.close();
    }
  });
}
