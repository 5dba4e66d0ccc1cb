// The `st` page's vid ranges (the numbers each actor worker gives the actors it makes): once
// worker restarts have used all 768, the ranges are reused, but never one a running worker holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickVidRange } from '../../dist/pkg/actors/index.js';

test('vid ranges never collide among running workers, however often one is replaced', () => {
  let next = 0;
  const rangeOf = [];
  const start = (index) => {
    const picked = pickVidRange(next, rangeOf.filter((_, i) => i !== index));
    next = picked.next;
    rangeOf[index] = picked.range;
    return picked.range;
  };
  assert.deepEqual([0, 1, 2].map(start), [0, 1, 2]);
  // Worker 2 traps and is replaced 2000 times (the ranges wrap twice); 0 and 1 keep running.
  const seen = [];
  for (let t = 0; t < 2000; t++) {
    seen.push(start(2));
    assert.equal(new Set(rangeOf).size, 3, `replacement ${t}: ranges ${rangeOf}`);
  }
  // Every range but the running workers' was used before any came round again.
  assert.equal(new Set(seen.slice(0, 765)).size, 765);
  assert.ok(seen.every((r) => Number.isInteger(r) && r >= 2 && r < 768));
});
