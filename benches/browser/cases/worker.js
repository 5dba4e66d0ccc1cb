// The cost of going off the main thread: a round trip to a worker with a small payload, raw
// postMessage against the compute worker behind `k.async`.
const echoSource = 'onmessage = (e) => postMessage(e.data);';

export default [
  {
    group: 'worker round trip, 32 B',
    name: 'raw postMessage echo',
    peer: 'postMessage',
    async setup() {
      const url = URL.createObjectURL(new Blob([echoSource], { type: 'text/javascript' }));
      const worker = new Worker(url);
      const msg = new Uint8Array(32);
      let resolve;
      worker.onmessage = () => resolve();
      return {
        run: () => new Promise((r) => { resolve = r; worker.postMessage(msg); }),
        teardown: () => worker.terminate(),
      };
    },
  },
  {
    group: 'worker round trip, 32 B',
    name: 'katalyst k.async.sha256',
    async setup({ k }) {
      const msg = new Uint8Array(32);
      return () => k.async.sha256(msg);
    },
  },
];
