// The actor runtime in headless Firefox ESR through geckodriver: the `mt` executor on a page
// with COOP/COEP, the `st` executor without; Rust and JS module actors, errors, timeouts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Builder } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { startVite } from './lib/harness.mjs';

const geckodriver = execFileSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' }).trim();

let server, driver;
before(async () => {
  server = await startVite('tests/e2e/pages/vite.config.js');
  const options = new firefox.Options().addArguments('-headless').setBinary('/usr/bin/firefox-esr');
  driver = await new Builder()
    .forBrowser('firefox')
    .setFirefoxOptions(options)
    .setFirefoxService(new firefox.ServiceBuilder(geckodriver))
    .build();
  await driver.manage().setTimeouts({ script: 60_000 });
});
after(async () => {
  await driver?.quit();
  await server?.close();
});

const script = `
const done = arguments[arguments.length - 1];
(async () => {
  while (!window.ready) await new Promise((r) => setTimeout(r, 20));
  const k = await katalyst.init();
  const a = k.actors;
  await a.ready;
  const out = { mode: k.mode, isolated: globalThis.crossOriginIsolated };
  const c = a.spawn('counter', { args: 1 });
  for (let i = 0; i < 50; i++) a.cast(c, 2);
  out.total = await a.call(c, 0);
  out.echo = await a.call(a.spawn('echo'), { x: [1, 'two', new Float64Array([3])] });
  out.echo.x[2] = Array.from(out.echo.x[2]);
  const t0 = performance.now();
  try { await a.call(a.spawn('sink'), 1, { timeout: 60 }); } catch (e) { out.timeout = { code: e.code, took: performance.now() - t0 }; }
  try { await a.call(c, 'nope'); } catch (e) { out.exited = { code: e.code, message: e.reason?.message }; }
  const src = 'export function init(a) { return a; } export function handle(s, m, ctx) { if (m === "boom") throw new Error("js boom"); ctx.reply(s + m); return s + m; }';
  const js = await a.spawn({ module: URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), args: 10 });
  out.js = [await a.call(js, 1), await a.call(js, 2)];
  try { await a.call(js, 'boom'); } catch (e) { out.jsErr = { code: e.code, message: e.reason?.message }; }
  return out;
})().then(done, (e) => done({ error: String(e && e.stack || e) }));`;

for (const [query, mode, coi] of [['', 'threads', true], ['?coi=0', 'single', false]]) {
  test(`Firefox: k.actors on the ${mode} executor ${coi ? 'with' : 'without'} COOP/COEP`, async () => {
    await driver.get(server.url + query);
    const r = await driver.executeAsyncScript(script);
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.isolated, coi);
    assert.equal(r.mode, mode);
    assert.equal(r.total, 101);
    assert.deepEqual(r.echo, { x: [1, 'two', [3]] });
    assert.equal(r.timeout.code, 'timeout');
    assert.ok(Math.abs(r.timeout.took - 60) <= 20, `took ${r.timeout.took} ms`);
    assert.equal(r.exited.code, 'actor_exited');
    assert.match(r.exited.message, /expected an integer/);
    assert.deepEqual(r.js, [11, 13]);
    assert.equal(r.jsErr.code, 'actor_exited');
    assert.match(r.jsErr.message, /js boom/);
  });
}
