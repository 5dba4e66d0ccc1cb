// The package's TypeScript declarations type-check, and a strict downstream user compiles
// against them (tests/types/consumer.ts), including two deliberate misuses that must be errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('a strict TypeScript consumer compiles against dist/pkg/index.d.ts', async () => {
  const result = await run('node_modules/.bin/tsc', ['-p', 'tests/types/tsconfig.json']).catch((e) => e);
  assert.equal(result.code ?? 0, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});
