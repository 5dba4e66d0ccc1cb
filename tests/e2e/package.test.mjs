// The npm package as `npm pack` publishes it (the manifest's `files`): every file its modules
// and type declarations load is in it. The other suites import dist/pkg directly, where every
// file is present whether packed or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../dist/pkg/', import.meta.url));

/** The relative specifiers a module loads: static and dynamic imports, `new URL(…, import.meta.url)`. */
function references(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
  ];
  return patterns
    .flatMap((p) => [...code.matchAll(p)].map((m) => m[1]))
    .filter((s) => !/^[a-z][a-z0-9+.-]*:/i.test(s) && !s.startsWith('/') && (s.startsWith('.') || /\.\w+$/.test(s)));
}

test('the packed package holds every file its modules and types load', () => {
  const [{ files }] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' }));
  const packed = new Set(files.map((f) => f.path));
  // `types/compute.js` from a declaration file names `types/compute.d.ts`; a directory, its package.json.
  const found = (target, from) => packed.has(target) || packed.has(`${target}/package.json`)
    || (from.endsWith('.d.ts') && packed.has(target.replace(/\.js$/, '.d.ts')));
  const missing = [];
  let checked = 0;
  for (const file of packed) {
    if (!/\.(js|d\.ts)$/.test(file)) continue;
    for (const ref of references(readFileSync(path.join(dir, file), 'utf8'))) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), ref)).replace(/\/$/, '');
      checked++;
      if (!found(target, file)) missing.push(`${file}: ${ref}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(checked > 20, `only ${checked} references found: the scan is broken`);
  // The manifest's entry points are packed too.
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const entries = [manifest.types, manifest.module, ...Object.values(manifest.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
  assert.deepEqual(entries.map((e) => path.posix.normalize(e)).filter((e) => !packed.has(e)), []);
});
