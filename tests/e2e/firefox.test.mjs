// The demo page in headless Firefox ESR through geckodriver (selenium-webdriver): the threads
// build with COOP/COEP, the single-thread build without, correct results in both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Builder } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { startVite } from './lib/harness.mjs';

const geckodriver = execFileSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' }).trim();

let server, driver;
before(async () => {
  server = await startVite('www/vite.config.js');
  const options = new firefox.Options().addArguments('-headless').setBinary('/usr/bin/firefox-esr');
  driver = await new Builder()
    .forBrowser('firefox')
    .setFirefoxOptions(options)
    .setFirefoxService(new firefox.ServiceBuilder(geckodriver))
    .build();
});
after(async () => {
  await driver?.quit();
  await server?.close();
});

async function runDemo(query) {
  await driver.get(server.url + query);
  await driver.wait(async () => driver.executeScript('return window.katalystDemo?.done === true'), 60_000);
  return driver.executeScript('return [window.katalystDemo, globalThis.crossOriginIsolated]');
}

for (const [query, mode, coi] of [['', 'threads', true], ['?coi=0', 'single', false]]) {
  test(`Firefox runs the ${mode} build ${coi ? 'with' : 'without'} COOP/COEP, correctly`, async () => {
    const [result, isolated] = await runDemo(query);
    assert.equal(isolated, coi);
    assert.equal(result.error, undefined, `the demo failed: ${result.error}`);
    assert.equal(result.mode, mode);
    assert.equal(result.threads >= 2, mode === 'threads');
    const checks = Object.entries(result.checks);
    assert.ok(checks.length >= 4);
    for (const [name, ok] of checks) assert.equal(ok, true, `check ${name} failed`);
  });
}
