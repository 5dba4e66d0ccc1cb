// The compute worker: runs `k.async.*` calls off the main thread. In the threads build it
// instantiates the module over the page's shared memory and owns the rayon pool, since only a
// worker may block while the pool works.
import { serializeError } from './errors.js';

let mod = null;

function transferables(value) {
  if (ArrayBuffer.isView(value)) return [value.buffer];
  if (value && typeof value === 'object') {
    return Object.values(value).filter(ArrayBuffer.isView).map((v) => v.buffer);
  }
  return [];
}

async function start({ build, module, memory, threads }) {
  if (build === 'threads') {
    mod = await import('./mt/katalyst.js');
    await mod.default({ module_or_path: module, memory });
    await mod.initThreadPool(threads);
    mod.enableParallel();
    if (typeof Atomics.waitAsync === 'function') assist(new Int32Array(memory.buffer, mod.assistServe(), 1));
  } else {
    mod = await import('./st/katalyst.js');
    await mod.default({ module_or_path: module });
  }
  return { threads: mod.parallelThreads() };
}

// Helps synchronous loops of the main thread (e.g. `verifyBatch`): it publishes chunks, bumps
// `word` and works on them itself; whenever this worker is idle it wakes up and takes a share.
function assist(word) {
  for (;;) {
    const seen = Atomics.load(word, 0);
    mod.assistRun();
    const w = Atomics.waitAsync(word, 0, seen);
    if (w.async) { w.value.then(() => assist(word)); return; }
  }
}

// The buffers of the arguments the page copied for this call (not shared ones), to send back
// for its next call to copy into.
function spareBuffers(args) {
  const shared = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : null;
  const views = (args ?? []).flatMap((v) => (Array.isArray(v) ? v : [v]));
  const copied = (v) => ArrayBuffer.isView(v) && !(v instanceof DataView) && !(shared && v.buffer instanceof shared);
  return [...new Set(views.filter(copied).map((v) => v.buffer))];
}

self.onmessage = async ({ data }) => {
  const spare = spareBuffers(data.args);
  try {
    const result = data.type === 'start' ? await start(data) : mod[data.name](...data.args);
    const out = transferables(result);
    const back = spare.filter((b) => !out.includes(b));
    postMessage({ id: data.id, ok: true, result, spare: back }, [...out, ...back]);
  } catch (e) {
    postMessage({ id: data.id, ok: false, error: serializeError(e), spare }, spare);
  }
};
