// Drives the benchmark page in headless Chromium and writes benches/results/<label>.{json,md}.
//   node benches/browser/run.mjs [--filter REGEX] [--label NAME] [--configs single:1,threads:1,threads:2]
//                                [--quick] [--batches N] [--batch-ms MS] [--warmup-ms MS]
// Each group runs in a fresh page per configuration; the machine's load is recorded before each.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startVite, launchChromium, openPage } from '../../tests/e2e/lib/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const filter = opt('filter', '');
const label = opt('label', filter ? filter.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '') : 'all');
const configs = opt('configs', 'single:1,threads:1,threads:2').split(',').map((s) => {
  const [mode, threads] = s.split(':');
  return { mode, threads: Number(threads) };
});
const timing = quick
  ? { batches: 3, batchMs: 20, warmupMs: 100 }
  : { batches: Number(opt('batches', 15)), batchMs: Number(opt('batch-ms', 50)), warmupMs: Number(opt('warmup-ms', 1000)) };

const server = await startVite('benches/browser/vite.config.js');
const browser = await launchChromium();
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  browser: `Chromium ${browser.version()}`,
  node: process.version,
  date: new Date().toISOString(),
  command: `node benches/browser/run.mjs ${args.join(' ')}`.trim(),
  timing,
};

const results = [];
try {
  const probe = await openPage(browser, server.url);
  await probe.page.waitForFunction(() => window.ready === true, null, { timeout: 120_000 });
  const groups = await probe.page.evaluate((f) => window.bench.listGroups(f), filter);
  await probe.close();
  for (const group of groups) {
    for (const config of configs) {
      const load = loadavg()[0];
      const tab = await openPage(browser, server.url);
      await tab.page.waitForFunction(() => window.ready === true, null, { timeout: 120_000 });
      const rows = await tab.page.evaluate(
        ([g, o]) => window.bench.runGroups([g], o),
        [group, { ...config, ...timing, filter }],
      );
      for (const r of rows) results.push({ ...r, requested: config, load1m: load });
      for (const r of rows) {
        const tp = r.throughput ? `  ${r.throughput.toFixed(2)} ${r.unit}` : '';
        console.log(r.error ? `${group} | ${r.name}: ERROR ${r.error}` :
          `${group} | ${r.name} [${r.mode}/${r.threads}t] median ${fmtMs(r.medianMs)} (p10 ${fmtMs(r.p10Ms)}, p90 ${fmtMs(r.p90Ms)})${tp}  load ${load.toFixed(2)}`);
      }
      for (const p of tab.problems) console.log(`  ! ${p}`);
      await tab.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}

function fmtMs(ms) {
  return ms >= 1 ? `${ms.toFixed(3)} ms` : `${(ms * 1000).toFixed(2)} µs`;
}

mkdirSync('benches/results', { recursive: true });
const base = `benches/results/${label}`;
writeFileSync(`${base}.json`, JSON.stringify({ machine, results }, null, 2) + '\n');
const lines = [
  `# Browser benchmarks: ${label}`,
  '',
  `Command: \`${machine.command}\``,
  `Machine: ${machine.cpu}, ${machine.cores} cores; ${machine.browser}; ${machine.date}.`,
  `Timing: ${timing.batches} batches of ≥ ${timing.batchMs} ms after ${timing.warmupMs} ms warm-up, cases of a group interleaved in one page; per-call times.`,
  '',
  'The last column is the median over rounds of this case\'s time divided by the time of its group\'s first case in the same round.',
  '',
  '| group | case | build | threads | median | p10 | p90 | throughput (median) | load 1m | × first case (paired) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => r.error
    ? `| ${r.group} | ${r.name} | ${r.requested.mode} | – | error: ${r.error} | | | | | |`
    : `| ${r.group} | ${r.name} | ${r.mode} | ${r.threads} | ${fmtMs(r.medianMs)} | ${fmtMs(r.p10Ms)} | ${fmtMs(r.p90Ms)} | ${r.throughput ? `${r.throughput.toFixed(2)} ${r.unit}` : ''} | ${r.load1m.toFixed(2)} | ${r.vsFirst.toFixed(3)} |`),
  '',
];
writeFileSync(`${base}.md`, lines.join('\n'));
console.log(`wrote ${base}.json and ${base}.md`);
