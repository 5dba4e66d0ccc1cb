// An actor worker of the `mt` executor: instantiates the threads build over the page's shared
// memory, attaches one scheduler worker and runs slices of a few milliseconds, returning to its
// event loop between slices (so it can receive messages and load modules). When idle it parks
// with `Atomics.waitAsync` on its wake word; whoever enqueues work notifies that word.
import * as mt from '../mt/katalyst.js';

const SLICE_TURNS = 1024;
const SLICE_MS = 4;
const SPIN_MS = 0.05; // re-check briefly before parking, so a steady stream pays no wake-up
const SLEEPING = 1;

let wake = null;
const tick = new MessageChannel();
tick.port1.onmessage = () => loop();

function loop() {
  for (;;) {
    const r = mt.actorsRunSlice(SLICE_TURNS, SLICE_MS);
    if (r === 2) return; // halted
    if (r === 1) { tick.port2.postMessage(0); return; } // busy: yield to the event loop first
    const until = performance.now() + SPIN_MS;
    let work = false;
    while (performance.now() < until) if ((work = mt.actorsHasWork())) break;
    if (work) continue;
    const t = mt.actorsBeginPark();
    if (t === -2) continue;
    const w = Atomics.waitAsync(wake, 0, SLEEPING, t < 0 ? Infinity : Math.max(0, t));
    if (w.async) {
      w.value.then(() => { mt.actorsEndPark(); loop(); });
      return;
    }
    mt.actorsEndPark();
  }
}

self.onmessage = async ({ data }) => {
  if (data.type !== 'start') return;
  try {
    await mt.default({ module_or_path: data.module, memory: data.memory });
    const { wakeAddrs } = mt.actorsStart({});
    mt.actorsWorkerAttach(data.index);
    wake = new Int32Array(data.memory.buffer, wakeAddrs[data.index], 1);
    postMessage({ type: 'ready' });
    loop();
  } catch (e) {
    postMessage({ type: 'error', message: e?.message ?? String(e) });
  }
};
