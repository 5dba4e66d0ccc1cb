// The single-thread build in Node 20+ through `initSync`, and the package's export lists
// against what the two builds really export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';

const pkg = new URL('../../dist/pkg/', import.meta.url);

test('initSync loads the st build in Node and the API works', async () => {
  const katalyst = await import(new URL('index.js', pkg));
  const k = katalyst.initSync({ module: readFileSync(new URL('st/katalyst_bg.wasm', pkg)) });
  assert.equal(k.mode, 'single');
  assert.equal(k.threads, 1);
  assert.equal(k.version, JSON.parse(readFileSync(new URL('package.json', pkg))).version);
  const data = new Uint8Array(100_000).map((_, i) => (i * 31) & 255);
  const want = createHash('sha256').update(data).digest('hex');
  assert.equal(Buffer.from(katalyst.sha256(data)).toString('hex'), want);
  assert.deepEqual(Array.from(k.sgemm(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6]), 2, 2, 1)), [17, 39]);
  assert.equal(katalyst.initSync({ module: new Uint8Array() }), k, 'a second initSync returns the same handle');
});

test('initSync rejects a missing module with a TypeError', async () => {
  // A fresh module instance, so state from the test above does not short-circuit.
  const katalyst = await import(new URL(`index.js?fresh=${Date.now()}`, pkg));
  assert.throws(() => katalyst.initSync({}), (e) => e instanceof TypeError && /opts.module/.test(e.message));
});

/** Names a wasm-bindgen glue file exports. */
function glueExports(build) {
  const js = readFileSync(new URL(`${build}/katalyst.js`, pkg), 'utf8');
  const names = [...js.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]);
  for (const m of js.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) names.push(part.trim().split(/\s+as\s+/).pop());
  }
  return names.filter(Boolean);
}

for (const build of ['st', 'mt']) {
  test(`every ${build} export is re-exported by the package or deliberately internal`, async () => {
    const { PUBLIC_EXPORTS, INTERNAL_EXPORTS } = await import(new URL('index.js', pkg));
    const known = new Set([...PUBLIC_EXPORTS, ...INTERNAL_EXPORTS]);
    const missing = glueExports(build).filter((n) => !known.has(n));
    assert.deepEqual(missing, [], `exported by the ${build} build but not by the package`);
  });
}

test('the package.json is well-formed for bundlers', () => {
  const meta = JSON.parse(readFileSync(new URL('package.json', pkg)));
  assert.equal(meta.type, 'module');
  assert.deepEqual(Object.keys(meta.exports['.']), ['types', 'default']);
  assert.deepEqual(Object.keys(meta.exports['./react']), ['types', 'default']);
  assert.ok(Array.isArray(meta.sideEffects) && meta.sideEffects.includes('./compute-host.js'));
  for (const f of meta.files) assert.ok(existsSync(new URL(f, pkg)), `files lists ${f}, which is missing`);
});
