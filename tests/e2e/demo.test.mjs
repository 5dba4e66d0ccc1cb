// The demo page in headless Chromium: with COOP/COEP it must run the threads build, without
// them the single-thread build; in both, every check against its JavaScript reference passes
// and nothing is logged as an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const env = serveAndBrowse('www/vite.config.js');

async function runDemo(query) {
  const tab = await openPage(env.browser, env.server.url + query);
  await tab.page.waitForFunction(() => window.katalystDemo?.done === true, null, { timeout: 60_000 });
  const result = await tab.page.evaluate(() => window.katalystDemo);
  const coi = await tab.page.evaluate(() => globalThis.crossOriginIsolated);
  await tab.close();
  return { result, coi, problems: tab.problems, warnings: tab.warnings };
}

function assertChecksPass(result) {
  assert.equal(result.error, undefined, `the demo failed: ${result.error}`);
  const checks = Object.entries(result.checks);
  assert.ok(checks.length >= 4, `expected the demo's checks, got ${JSON.stringify(result.checks)}`);
  for (const [name, ok] of checks) assert.equal(ok, true, `check ${name} failed`);
}

test('with COOP/COEP the demo runs the threads build, in parallel, correctly', async () => {
  const { result, coi, problems } = await runDemo('');
  assert.equal(coi, true);
  assert.deepEqual(problems, []);
  assert.equal(result.mode, 'threads');
  assert.ok(result.threads >= 2, `expected at least 2 threads on this machine, got ${result.threads}`);
  assertChecksPass(result);
});

test('without COOP/COEP the same page runs the single-thread build, correctly', async () => {
  const { result, coi, problems, warnings } = await runDemo('?coi=0');
  assert.equal(coi, false);
  assert.deepEqual(problems, []);
  assert.equal(result.mode, 'single');
  assert.equal(result.threads, 1);
  assert.ok(warnings.some((w) => w.includes('SharedArrayBuffer')), 'the fallback should say why in a console warning');
  assertChecksPass(result);
});
