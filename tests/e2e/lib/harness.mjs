// Shared set-up of the end-to-end tests: a Vite server for a config, and headless system
// Chromium through playwright-core (Playwright's own browsers cannot be downloaded here).
import { before, after } from 'node:test';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';

export const CHROMIUM = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

/** Flags that keep headless Chromium quiet on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts Vite with `configFile` on a free loopback port; returns `{ url, close }`. */
export async function startVite(configFile) {
  const port = await freePort();
  const server = await createServer({
    configFile,
    logLevel: 'error',
    server: { port, strictPort: true, host: '127.0.0.1', hmr: false },
  });
  await server.listen();
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

export function launchChromium() {
  if (!CHROMIUM) throw new Error('no system Chromium found: install Debian\'s `chromium` (make bootstrap)');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Opens `url` in a fresh context, recording console errors, page errors and warnings.
 * Returns `{ page, problems, warnings, close }`.
 */
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const warnings = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
    if (msg.type() === 'warning') warnings.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  await page.goto(url);
  return { page, problems, warnings, close: () => context.close() };
}

/**
 * For a test file: starts Vite with `configFile` and Chromium before its tests and stops them
 * after. Returns an object whose `server` and `browser` are set once `before` has run.
 */
export function serveAndBrowse(configFile) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startVite(configFile);
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

/**
 * A plain static server for a built site on a free loopback port, with the same headers as
 * the Vite configs (COOP/COEP unless a document is asked for with `?coi=0`).
 */
export async function serveStatic(dir, headers) {
  const { createServer: createHttpServer } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const { join, extname, normalize } = await import('node:path');
  const port = await freePort();
  const server = createHttpServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const path = normalize(join(dir, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!path.startsWith(dir)) return res.writeHead(403).end();
    try {
      const body = await readFile(path);
      const h = { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream' };
      if (url.searchParams.get('coi') !== '0') Object.assign(h, headers);
      res.writeHead(200, h).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}
