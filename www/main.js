// The demo: loads Katalyst, shows which build runs, and runs each module against an
// independent reference computed here in JavaScript. Results also land in
// `window.katalystDemo` for the end-to-end tests.
import { init, sha256, sgemm } from 'katalyst';

const $ = (id) => document.getElementById(id);
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const results = { checks: {} };
window.katalystDemo = results;

function row(table, cells, ok) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.append(td);
  }
  const td = document.createElement('td');
  td.textContent = ok ? '✓ matches reference' : '✗ differs from reference';
  td.className = ok ? 'ok' : 'bad';
  tr.append(td);
  $(table).append(tr);
}

function check(name, ok) {
  results.checks[name] = ok;
  return ok;
}

/** Naive f64 reference product. */
function gemmRef(a, b, m, k, n) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const s = a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += s * b[p * n + j];
    }
  return c;
}

function maxRelError(got, want) {
  let scale = 0, err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  return err / (scale || 1);
}

function randomMatrix(len, seed) {
  const out = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

async function runSha() {
  const abc = new TextEncoder().encode('abc');
  const want = new Uint8Array(await crypto.subtle.digest('SHA-256', abc));
  const got = sha256(abc);
  row('sha', ['"abc"', hex(got).slice(0, 16) + '…'], check('sha256Abc', hex(got) === hex(want)));

  const mib = randomMatrix(1 << 18, 7); // 1 MiB of bytes
  const bytes = new Uint8Array(mib.buffer);
  const wantMib = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const t0 = performance.now();
  const gotMib = sha256(bytes);
  const ms = performance.now() - t0;
  row('sha', ['1 MiB', `${ms.toFixed(2)} ms`], check('sha256Mib', hex(gotMib) === hex(wantMib)));
}

async function runGemm(k) {
  const n = 192;
  const a = randomMatrix(n * n, 1);
  const b = randomMatrix(n * n, 2);
  const want = gemmRef(a, b, n, n, n);
  const tol = 1e-5 * Math.sqrt(n);

  let t0 = performance.now();
  const c = sgemm(a, b, n, n, n);
  let ms = performance.now() - t0;
  row('gemm', [`${n}³ on the main thread`, `${ms.toFixed(1)} ms`], check('sgemmSync', maxRelError(c, want) < tol));

  t0 = performance.now();
  const c2 = await k.async.sgemm(a, b, n, n, n);
  ms = performance.now() - t0;
  const label = `${n}³ in the compute worker (${k.threads} thread${k.threads > 1 ? 's' : ''})`;
  row('gemm', [label, `${ms.toFixed(1)} ms`], check('sgemmAsync', maxRelError(c2, want) < tol));
}

async function main() {
  $('coi').textContent = String(globalThis.crossOriginIsolated === true);
  const k = await init();
  Object.assign(results, { mode: k.mode, threads: k.threads, version: k.version });
  $('mode').textContent = k.mode;
  $('threads').textContent = String(k.threads);
  $('version').textContent = k.version;
  await runSha();
  await runGemm(k);
  results.done = true;
}

main().catch((e) => {
  results.error = `${e.name}: ${e.message}`;
  results.done = true;
  console.error(e);
});
