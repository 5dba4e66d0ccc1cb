import { test } from 'node:test';
import { startVite, launchChromium, openPage } from '/work/wt-actorweb/tests/e2e/lib/harness.mjs';
test('dbg', async () => {
  const server = await startVite('tests/e2e/pages/vite.config.js');
  const browser = await launchChromium();
  for (const coi of ['', '?coi=0']) {
  const tab = await openPage(browser, server.url + coi);
  await tab.page.waitForFunction(() => window.ready === true);
  const v = await tab.page.evaluate(async () => {
    const k = await katalyst.init({ actors: { workers: 1 } });
    const a = k.actors;
    await a.ready;
    const e = a.spawn('echo');
    for (let i = 0; i < 200; i++) await a.call(e, 1);
    const N = 2000; let t0 = performance.now();
    for (let i = 0; i < N; i++) await a.call(e, 1);
    const rt = (performance.now() - t0) / N * 1000;
    const w = new Worker(URL.createObjectURL(new Blob(['onmessage = (e) => postMessage(e.data);'], { type: 'text/javascript' })));
    let res; w.onmessage = () => res();
    for (let i = 0; i < 200; i++) await new Promise((r) => { res = r; w.postMessage(1); });
    t0 = performance.now();
    for (let i = 0; i < N; i++) await new Promise((r) => { res = r; w.postMessage(1); });
    const pm = (performance.now() - t0) / N * 1000;
    return { mode: k.mode, rt, pm, ready: a.stats().poolReadyMs };
  });
  console.log(JSON.stringify(v));
  await tab.close();
  }
  await browser.close(); await server.close();
});
