// The demo: loads Katalyst, shows which build runs, and runs each module against an
// independent reference computed here in JavaScript. Results also land in
// `window.katalystDemo` for the end-to-end tests.
import {
  init, sha256, sgemm, fft, rfft, irfft, kmeans, hmac, SigningKey, verify, exportPublicKey,
  issueCsrfToken, checkCsrfToken, randomBytes, ORSet, PNCounter,
} from 'katalyst';

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

/** Direct O(n²) DFT in f64 of interleaved complex data. */
function dftRef(x) {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  for (let f = 0; f < n; f++) {
    let re = 0, im = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((f * t) % n)) / n;
      re += x[2 * t] * Math.cos(a) - x[2 * t + 1] * Math.sin(a);
      im += x[2 * t] * Math.sin(a) + x[2 * t + 1] * Math.cos(a);
    }
    out[2 * f] = re;
    out[2 * f + 1] = im;
  }
  return out;
}

async function runFft(k) {
  const n = 1024;
  const x = randomMatrix(2 * n, 3);
  const want = dftRef(x);
  let t0 = performance.now();
  const got = fft(x);
  let ms = performance.now() - t0;
  row('fft', [`complex ${n} vs direct DFT`, `${ms.toFixed(2)} ms`], check('fft', maxRelError(got, want) < 1e-5));
  const signal = randomMatrix(4096, 4);
  const back = irfft(rfft(signal), signal.length);
  row('fft', ['irfft(rfft(x)) ≈ x, 4096', ''], check('rfftRoundTrip', maxRelError(back, signal) < 1e-5));
  t0 = performance.now();
  const gotAsync = await k.async.fft(x);
  ms = performance.now() - t0;
  row('fft', [`complex ${n} in the compute worker`, `${ms.toFixed(2)} ms`], check('fftAsync', maxRelError(gotAsync, want) < 1e-5));
}

async function runKmeans(k) {
  // Three well-separated blobs of 2-D points: the clustering must recover them exactly.
  const centres = [[0, 0], [10, 0], [0, 10]];
  const per = 300;
  const data = new Float32Array(centres.length * per * 2);
  const jitter = randomMatrix(data.length, 5);
  centres.forEach(([cx, cy], c) => {
    for (let i = 0; i < per; i++) {
      const p = (c * per + i) * 2;
      data[p] = cx + jitter[p];
      data[p + 1] = cy + jitter[p + 1];
    }
  });
  const n = centres.length * per;
  const t0 = performance.now();
  const r = await k.async.kmeans(data, n, 2, 3, { seed: 7, nInit: 2 });
  const ms = performance.now() - t0;
  let recovered = true;
  for (let c = 0; c < centres.length; c++) {
    const label = r.labels[c * per];
    for (let i = 0; i < per; i++) recovered &&= r.labels[c * per + i] === label;
  }
  recovered &&= new Set(r.labels).size === 3;
  // Inertia recomputed here in f64 from the returned centroids and labels.
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const l = r.labels[i];
    for (let j = 0; j < 2; j++) inertia += (data[2 * i + j] - r.centroids[2 * l + j]) ** 2;
  }
  const inertiaOk = Math.abs(inertia - r.inertia) <= 1e-4 * inertia;
  row('kmeans', [`${n} points, k = 3, in the compute worker`, `${ms.toFixed(1)} ms, ${r.iterations} iterations`], check('kmeans', recovered && inertiaOk));
}

async function runSignatures() {
  const msg = new TextEncoder().encode('katalyst demo');
  const key = SigningKey.generate();
  const sig = key.sign(msg);
  const pk = key.publicKey();
  row('sig', ['Ed25519 sign → verify', ''], check('ed25519', verify(pk, msg, sig) && !verify(pk, msg.slice(1), sig)));
  try {
    const wcKey = await crypto.subtle.importKey('spki', exportPublicKey(pk, 'spki'), { name: 'Ed25519' }, false, ['verify']);
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, wcKey, sig, msg);
    row('sig', ['Ed25519 signature verified by WebCrypto', ''], check('ed25519WebCrypto', ok));
  } catch (e) {
    row('sig', ['WebCrypto has no Ed25519 here', e.name], true);
  }
  key.free();

  const secret = randomBytes(32);
  const data = randomMatrix(1000, 6);
  const bytes = new Uint8Array(data.buffer);
  const wcHmac = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const want = new Uint8Array(await crypto.subtle.sign('HMAC', wcHmac, bytes));
  row('sig', ['HMAC-SHA-256 vs WebCrypto', ''], check('hmac', hex(hmac('SHA-256', secret, bytes)) === hex(want)));

  const token = issueCsrfToken(secret, 'session-1', 60);
  const ok = checkCsrfToken(secret, 'session-1', token) && !checkCsrfToken(secret, 'session-2', token);
  row('sig', ['CSRF token: accepted for its session, refused for another', token.slice(0, 12) + '…'], check('csrf', ok));
}

function runCrdts() {
  // Two replicas edit concurrently, exchange only their deltas, and must converge to what the
  // add-wins rules say: an add concurrent with a remove of the same element survives.
  const a = new ORSet(1), b = new ORSet(2);
  const fromA = [a.add('apple'), a.add('pear')];
  for (const d of fromA) b.merge(d);
  const fromB = [b.remove('pear'), b.add('fig')];
  const concurrent = a.add('pear'); // A re-adds pear while B removes the pear it saw
  for (const d of fromB) a.merge(d);
  b.merge(concurrent);
  const want = JSON.stringify(['apple', 'fig', 'pear']);
  const same = JSON.stringify(a.values()) === JSON.stringify(b.values());
  row('crdt', ['ORSet, 2 replicas, deltas only', a.values().join(', ')], check('orsetConverges', same && JSON.stringify(a.values()) === want));
  const c1 = new PNCounter(1), c2 = new PNCounter(2);
  const deltas = [c1.increment(5), c1.decrement(2)];
  c2.merge(c2.increment(10));
  for (const d of deltas) c2.merge(d);
  c1.merge(c2.encode());
  row('crdt', ['PNCounter, 2 replicas', String(c1.value())], check('pnCounter', c1.value() === 13 && c2.value() === 13));
}

/** Renders `tree()` as an indented outline. */
function outline(nodes, depth = 0) {
  return nodes.map((n) => {
    const ref = n.ref ? `<${n.ref.node}.${n.ref.slot}.${n.ref.generation}>` : '';
    const line = `${'  '.repeat(depth)}${n.type === 'supervisor' ? '▾' : '•'} ${n.id} ${ref}  ${n.state}, restarts ${n.restarts}, mailbox ${n.mailboxLen}`;
    return [line, outline(n.children ?? [], depth + 1)].filter(Boolean).join('\n');
  }).join('\n');
}

async function runActors(k) {
  const a = k.actors;
  $('actorMode').textContent = `${a.workers} ${a.mode === 'threads' ? 'shared-memory' : 'postMessage'}`;
  const events = [];
  a.onEvent((e) => {
    events.push(e);
    const li = document.createElement('li');
    li.textContent = `${new Date(e.at).toLocaleTimeString()} ${e.type}${e.child ? ` ${e.child}` : ''}${e.reason?.message ? `: ${e.reason.message}` : ''}`;
    $('events').prepend(li);
  });
  const sup = await a.supervise({
    strategy: 'one_for_one', maxRestarts: 5, maxSeconds: 10,
    children: [
      { id: 'counter', start: { behaviour: 'counter', args: 100 } },
      { id: 'replica', start: { behaviour: 'crdt-replica', args: { type: 'PNCounter', replica: 1 } } },
      { id: 'echo', start: 'echo' },
    ],
  });
  const refresh = async () => { $('tree').textContent = outline([await a.tree(sup)]); };
  await refresh();
  setInterval(refresh, 500);
  const children = async () => Object.fromEntries((await a.whichChildren(sup)).map((c) => [c.id, c]));
  let kids = await children();
  const before = await a.call(kids.counter.ref, 1);
  row('actors', ['supervised counter answers', String(before)], check('actorsCall', before === 101));

  // Crash the counter: its supervisor restarts it with fresh state (OTP: a restarted child
  // starts from its start spec), and a restart event names it.
  const restarted = new Promise((resolve) => a.onEvent((e) => { if (e.type === 'restart' && e.child === 'counter') resolve(e); }));
  await a.exit(kids.counter.ref, 'crash');
  const e = await restarted;
  kids = await children();
  const after = await a.call(kids.counter.ref, 1);
  const tree = await a.tree(sup);
  const node = tree.children.find((c) => c.id === 'counter');
  row('actors', ['crashed child restarted with fresh state', `restarts ${node.restarts}, value ${after}`],
    check('actorsRestart', e.child === 'counter' && after === 101 && node.restarts >= 1 && node.state === 'running'));

  $('crash').disabled = false;
  $('crash').onclick = async () => {
    const list = Object.values(await children()).filter((c) => c.ref);
    const victim = list[Math.floor(Math.random() * list.length)];
    await a.exit(victim.ref, 'crash (button)');
    await refresh();
  };
}

async function main() {
  $('coi').textContent = String(globalThis.crossOriginIsolated === true);
  const k = await init();
  Object.assign(results, { mode: k.mode, threads: k.threads, version: k.version });
  $('mode').textContent = k.mode;
  $('threads').textContent = String(k.threads);
  $('version').textContent = k.version;
  await runSha();
  await runSignatures();
  await runGemm(k);
  await runFft(k);
  await runKmeans(k);
  runCrdts();
  await runActors(k);
  results.done = true;
}

main().catch((e) => {
  results.error = `${e.name}: ${e.message}`;
  results.done = true;
  console.error(e);
});
