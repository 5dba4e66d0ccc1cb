// Runs registered benchmark cases side by side in one page: every case of a group is set up,
// warmed up, then timed in interleaved rounds (shuffled order each round) so drift and noise
// hit all of them alike. Reports per-call median, p10 and p90 over the batches.
import * as katalyst from 'katalyst';

const CASE_MODULES = import.meta.glob('./cases/*.js');

/** All cases; a case file that fails to load becomes one case whose setup reports why. */
async function loadCases() {
  const all = [];
  for (const [path, load] of Object.entries(CASE_MODULES)) {
    const file = path.replace('./cases/', '');
    try {
      const mod = await load();
      for (const c of mod.default) all.push({ ...c, file });
    } catch (e) {
      const error = `${e.name}: ${e.message}`;
      all.push({ group: `load ${file}`, name: file, file, setup: () => { throw new Error(error); } });
    }
  }
  return all;
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function shuffle(xs, rand) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Times `calls` calls of `fn`; returns milliseconds. */
async function timeBatch(fn, calls, isAsync) {
  const t0 = performance.now();
  if (isAsync) for (let i = 0; i < calls; i++) await fn();
  else for (let i = 0; i < calls; i++) fn();
  return performance.now() - t0;
}

/** The group names of all cases matching `filter` (a RegExp source). */
export async function listGroups(filter = '') {
  const re = new RegExp(filter);
  const groups = new Set();
  for (const c of await loadCases()) if (re.test(`${c.group} ${c.name}`)) groups.add(c.group);
  return [...groups];
}

/**
 * Runs the cases of `groups` (names) in this page.
 * opts: { mode, threads, batchMs, batches, warmupMs, filter }.
 */
export async function runGroups(groups, opts) {
  const { mode, threads, batchMs = 50, batches = 15, warmupMs = 1000, filter = '' } = opts;
  const k = await katalyst.init({ mode, threads });
  const env = { katalyst, k, mode: k.mode, threads: k.threads };
  const re = new RegExp(filter);
  const cases = (await loadCases()).filter((c) => groups.includes(c.group) && re.test(`${c.group} ${c.name}`));
  const results = [];
  for (const group of groups) {
    const members = [];
    for (const c of cases.filter((c) => c.group === group)) {
      if (c.modes && !c.modes.includes(k.mode)) continue;
      try {
        const prepared = await c.setup(env);
        const fn = typeof prepared === 'function' ? prepared : prepared.run;
        const probe = fn();
        const isAsync = probe instanceof Promise;
        if (isAsync) await probe;
        members.push({ c, fn, isAsync, info: prepared.info ?? {}, teardown: prepared.teardown, samples: [] });
      } catch (e) {
        results.push({ group, name: c.name, file: c.file, error: `${e.name}: ${e.message}` });
      }
    }
    if (members.length === 0) continue;
    // Warm up (interleaved) and size each case's batch so it lasts about batchMs.
    const warmEnd = performance.now() + warmupMs;
    for (const m of members) m.calls = 1;
    while (performance.now() < warmEnd) {
      for (const m of members) {
        const ms = await timeBatch(m.fn, m.calls, m.isAsync);
        if (ms < batchMs / 2) m.calls = Math.min(m.calls * 2, 1 << 24);
      }
    }
    for (const m of members) {
      const ms = await timeBatch(m.fn, m.calls, m.isAsync);
      m.calls = Math.max(1, Math.round((m.calls * batchMs) / Math.max(ms, 0.01)));
    }
    const rand = lcg(group.length * 7919 + batches);
    for (let b = 0; b < batches; b++) {
      for (const m of shuffle([...members], rand)) {
        const ms = await timeBatch(m.fn, m.calls, m.isAsync);
        m.samples.push(ms / m.calls);
      }
    }
    // Each case against the group's first, batch by batch (the batches of one round ran
    // back to back, so they saw the same machine): a ratio that noise between rounds spares.
    const first = members[0].samples;
    for (const m of members) {
      const s = [...m.samples].sort((x, y) => x - y);
      const ratios = m.samples.map((x, i) => x / first[i]).sort((x, y) => x - y);
      const r = {
        group,
        name: m.c.name,
        file: m.c.file,
        peer: m.c.peer ?? null,
        mode: k.mode,
        threads: m.c.threads?.(env) ?? (m.c.usesThreads ? k.threads : 1),
        callsPerBatch: m.calls,
        batches: s.length,
        medianMs: quantile(s, 0.5),
        p10Ms: quantile(s, 0.1),
        p90Ms: quantile(s, 0.9),
        vsFirst: quantile(ratios, 0.5),
        ...m.info,
      };
      if (m.c.work) {
        const scale = m.c.scale ?? 1;
        r.unit = m.c.unit;
        r.throughput = m.c.work / (r.medianMs / 1000) / scale;
        r.throughputP10 = m.c.work / (r.p90Ms / 1000) / scale; // slow end
        r.throughputP90 = m.c.work / (r.p10Ms / 1000) / scale;
      }
      results.push(r);
      await m.teardown?.();
    }
  }
  return results;
}
