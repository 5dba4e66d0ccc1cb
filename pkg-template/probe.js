// What the engine really supports, tested rather than inferred from `crossOriginIsolated`.

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const SIMD_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

/** True when the engine validates WebAssembly SIMD128. */
export function hasSimd() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_MODULE);
}

/**
 * Whether the threads build can run here: `{ ok: true }`, or `{ ok: false, why }` naming the
 * first missing piece.
 */
export function probeThreads() {
  if (typeof SharedArrayBuffer !== 'function') {
    return { ok: false, why: 'SharedArrayBuffer is not defined (serve the page with COOP/COEP headers)' };
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (e) {
    return { ok: false, why: `a shared WebAssembly.Memory cannot be constructed (${e.message})` };
  }
  if (typeof MessageChannel !== 'function') {
    return { ok: false, why: 'MessageChannel is not defined' };
  }
  try {
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(new SharedArrayBuffer(8));
    port1.close();
    port2.close();
  } catch (e) {
    return { ok: false, why: `a SharedArrayBuffer cannot be posted (${e.message})` };
  }
  if (typeof Worker !== 'function') {
    return { ok: false, why: 'Worker is not defined' };
  }
  let moduleWorkers = false;
  try {
    // The options are read before the URL is parsed; the bad URL then throws, so no worker starts.
    new Worker('http://[', {
      get type() {
        moduleWorkers = true;
        return 'module';
      },
    });
  } catch {
    // expected
  }
  if (!moduleWorkers) return { ok: false, why: 'module workers are not supported' };
  return { ok: true };
}
