// The demo in a real WebKitGTK webview (Tauri's engine on Linux) under Xvfb. WebKitGTK reports
// crossOriginIsolated but has no SharedArrayBuffer: the loader must notice and run `st`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startVite } from './lib/harness.mjs';

const run = promisify(execFile);
let server;
before(async () => {
  server = await startVite('www/vite.config.js');
});
after(async () => server?.close());

test('WebKitGTK with COOP/COEP picks the build its SharedArrayBuffer allows and computes correctly', async () => {
  const { stdout } = await run('xvfb-run', ['-a', '/usr/bin/python3', 'tests/e2e/webkitgtk_page.py', server.url], {
    timeout: 120_000,
    env: { ...process.env, WEBKIT_DISABLE_COMPOSITING_MODE: '1', LIBGL_ALWAYS_SOFTWARE: '1' },
  });
  const result = JSON.parse(stdout.trim().split('\n').pop());
  assert.notEqual(result.timeout, true, 'the demo did not finish in WebKitGTK');
  const demo = result.demo;
  assert.equal(demo.error, undefined, `the demo failed: ${demo.error}`);
  // WebKitGTK 2.4x: crossOriginIsolated is true yet SharedArrayBuffer is missing.
  assert.equal(demo.mode, result.sharedArrayBuffer ? 'threads' : 'single');
  for (const [name, ok] of Object.entries(demo.checks)) assert.equal(ok, true, `check ${name} failed`);
});
