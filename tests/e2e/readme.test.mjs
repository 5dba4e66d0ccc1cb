// The README's examples run: every ```js block that imports from 'katalyst' runs as a real ES
// module (in the test page in both builds, or in Node when it imports node: modules), with
// 'katalyst' pointed at dist/pkg, and each `console.log(...); // → expected` line is checked
// against what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /from 'katalyst'/.test(b));
const pkgIndex = fileURLToPath(new URL('../../dist/pkg/index.js', import.meta.url));

/** The block as a module importing `katalystUrl`, recording checks in globalThis.__readme. */
function instrument(code, katalystUrl) {
  const body = code
    .replaceAll("from 'katalyst'", `from ${JSON.stringify(katalystUrl)}`)
    .replace(/^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/gm, (_, indent, args, want) => `${indent}__check([${args}], ${JSON.stringify(want)});`);
  return `
    const __show = (v) => ArrayBuffer.isView(v) ? \`\${v.constructor.name} [\${Array.from(v).join(', ')}]\`
      : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    const __check = (args, want) => globalThis.__readme.push({ got: args.map(__show).join(' '), want });
    ${body}`;
}

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

test('the README opens with the two set-up commands', () => {
  const firstBlock = readme.match(/```sh\n([\s\S]*?)```/)[1];
  assert.match(firstBlock, /^make demo\b/m);
  assert.match(firstBlock, /^make test\b/m);
});

test('the README has runnable examples', () => {
  assert.ok(blocks.length >= 4, `found ${blocks.length} blocks importing katalyst`);
});

blocks.forEach((block, i) => {
  const inNode = /from 'node:/.test(block);
  for (const mode of inNode ? ['node'] : ['threads', 'single']) {
    test(`README example ${i + 1} runs (${mode})`, async () => {
      let results;
      if (inNode) {
        const dir = mkdtempSync(join(tmpdir(), 'readme-'));
        const file = join(dir, `example${i}.mjs`);
        const code = instrument(block, pathToFileURL(pkgIndex).href).replaceAll('node_modules/katalyst/', `${fileURLToPath(new URL('../../dist/pkg/', import.meta.url))}`);
        writeFileSync(file, code);
        globalThis.__readme = [];
        await import(pathToFileURL(file).href);
        results = globalThis.__readme;
      } else {
        const tab = await openPage(env.browser, env.server.url + (mode === 'single' ? '?coi=0' : ''));
        await tab.page.waitForFunction(() => window.ready === true);
        // The same URL the page's own `import 'katalyst'` resolved to, so one module instance.
        const source = instrument(block, `${new URL(env.server.url).origin}/@fs${pkgIndex}`);
        results = await tab.page.evaluate(async (code) => {
          window.__readme = [];
          const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
          await import(url);
          return window.__readme;
        }, source);
        const running = await tab.page.evaluate(() => window.katalyst.init().then((k) => k.mode));
        await tab.close();
        assert.equal(running, mode);
        assert.deepEqual(tab.problems, []);
      }
      assert.ok(results.length > 0, 'each example checks at least one printed value');
      for (const r of results) assert.equal(r.got, r.want);
    });
  }
});
