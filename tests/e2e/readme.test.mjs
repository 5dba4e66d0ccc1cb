// The README's examples run: every ```js block that imports from 'katalyst' is executed (in
// the test page in both builds, or in Node when it imports node: modules), and each
// `console.log(...); // → expected` line is checked against what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveAndBrowse, openPage } from './lib/harness.mjs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /from 'katalyst'/.test(b));

/** Rewrites a README block into the body of an async function returning its check results. */
function instrument(code) {
  const body = code
    .replace(/^import \{([^}]*)\} from 'katalyst';$/gm, 'const {$1} = __katalyst;')
    .replace(/^import \{([^}]*)\} from '(node:[\w/]+)';$/gm, 'const {$1} = await import("$2");')
    .replace(/^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/gm, (_, indent, args, want) => `${indent}__check([${args}], ${JSON.stringify(want)});`);
  return `
    const __results = [];
    const __show = (v) => ArrayBuffer.isView(v) ? \`\${v.constructor.name} [\${Array.from(v).join(', ')}]\`
      : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    const __check = (args, want) => __results.push({ got: args.map(__show).join(' '), want });
    ${body}
    return __results;`;
}

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

test('the README opens with the two set-up commands', () => {
  const firstBlock = readme.match(/```sh\n([\s\S]*?)```/)[1];
  assert.match(firstBlock, /^make demo\b/m);
  assert.match(firstBlock, /^make test\b/m);
});

test('the README has runnable examples', () => {
  assert.ok(blocks.length >= 3, `found ${blocks.length} blocks importing katalyst`);
});

blocks.forEach((block, i) => {
  const inNode = /from 'node:/.test(block);
  const where = inNode ? ['node'] : ['threads', 'single'];
  for (const mode of where) {
    test(`README example ${i + 1} runs (${mode})`, async () => {
      const source = instrument(block);
      let results;
      if (inNode) {
        const katalyst = await import(new URL('../../dist/pkg/index.js', import.meta.url));
        const code = source.replaceAll('node_modules/katalyst/', 'dist/pkg/');
        const AsyncFunction = (async () => {}).constructor;
        results = await new AsyncFunction('__katalyst', code)(katalyst);
        assert.equal(typeof katalyst.sha256(new Uint8Array(1)).length, 'number');
      } else {
        const tab = await openPage(env.browser, env.server.url + (mode === 'single' ? '?coi=0' : ''));
        await tab.page.waitForFunction(() => window.ready === true);
        results = await tab.page.evaluate(async (code) => {
          const AsyncFunction = (async () => {}).constructor;
          return new AsyncFunction('__katalyst', code)(window.katalyst);
        }, source);
        const mode_ = await tab.page.evaluate(() => window.katalyst.init().then((k) => k.mode));
        await tab.close();
        assert.equal(mode_, mode);
        assert.deepEqual(tab.problems, []);
      }
      assert.ok(results.length > 0, 'each example checks at least one printed value');
      for (const r of results) assert.equal(r.got, r.want);
    });
  }
});
