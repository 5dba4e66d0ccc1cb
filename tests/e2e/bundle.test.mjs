// The package bundles: production builds of the demo page by Vite and by webpack 5 (workers,
// .wasm files and the rayon worker snippet rewritten by the bundler) run both builds correctly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import webpack from 'webpack';
import { launchChromium, openPage, serveStatic } from './lib/harness.mjs';
import { isolationHeaders } from '../../www/vite.config.js';
import webpackConfig from './webpack/webpack.config.mjs';

const sites = {};
let browser;

async function viteSite() {
  await build({ configFile: 'www/vite.config.js', logLevel: 'error' });
  const server = await preview({ configFile: 'www/vite.config.js', preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  const { port } = server.httpServer.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

async function webpackSite() {
  const stats = await new Promise((resolve, reject) => webpack(webpackConfig, (err, s) => (err ? reject(err) : resolve(s))));
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
  const out = webpackConfig.output.path;
  for (const f of ['index.html', 'style.css']) copyFileSync(fileURLToPath(new URL(`../../www/${f}`, import.meta.url)), `${out}/${f}`);
  return serveStatic(out, isolationHeaders);
}

before(async () => {
  sites.vite = await viteSite();
  sites.webpack = await webpackSite();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  for (const s of Object.values(sites)) await s.close();
});

for (const bundler of ['vite', 'webpack']) {
  for (const [query, mode] of [['', 'threads'], ['?coi=0', 'single']]) {
    test(`the ${bundler} bundle of the demo runs the ${mode} build`, async () => {
      const tab = await openPage(browser, sites[bundler].url + query);
      await tab.page.waitForFunction(() => window.katalystDemo?.done === true, null, { timeout: 60_000 });
      const result = await tab.page.evaluate(() => window.katalystDemo);
      await tab.close();
      assert.deepEqual(tab.problems, []);
      assert.equal(result.error, undefined, `the demo failed: ${result.error}`);
      assert.equal(result.mode, mode);
      for (const [name, ok] of Object.entries(result.checks)) assert.equal(ok, true, `check ${name} failed`);
    });
  }
}
