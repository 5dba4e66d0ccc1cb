// The package bundles: a production `vite build` of the demo (workers, .wasm and the rayon
// snippet rewritten by the bundler) runs both builds correctly from `vite preview`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { build, preview } from 'vite';
import { launchChromium, openPage } from './lib/harness.mjs';

let server, browser, url;
before(async () => {
  await build({ configFile: 'www/vite.config.js', logLevel: 'error' });
  server = await preview({ configFile: 'www/vite.config.js', preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  const { port } = server.httpServer.address();
  url = `http://127.0.0.1:${port}/`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

for (const [query, mode] of [['', 'threads'], ['?coi=0', 'single']]) {
  test(`the bundled demo runs the ${mode} build`, async () => {
    const tab = await openPage(browser, url + query);
    await tab.page.waitForFunction(() => window.katalystDemo?.done === true, null, { timeout: 60_000 });
    const result = await tab.page.evaluate(() => window.katalystDemo);
    await tab.close();
    assert.deepEqual(tab.problems, []);
    assert.equal(result.error, undefined, `the demo failed: ${result.error}`);
    assert.equal(result.mode, mode);
    for (const [name, ok] of Object.entries(result.checks)) assert.equal(ok, true, `check ${name} failed`);
  });
}
