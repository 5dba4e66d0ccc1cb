// A downstream TypeScript user of the package: must type-check under --strict against the
// package's declarations (tests/e2e/types.test.mjs). Not run.
import {
  init, initSync, KatalystError, sgemm, fft, rfft, irfft, kmeans, PackedMatrix, FftPlan, sha256, Hasher,
  hmac, SigningKey, verify, verifyBatch, timingSafeEqual, randomBytes, issueCsrfToken,
  checkCsrfToken, type Katalyst, type InitOptions, type JsBehaviour, type ActorRef,
} from 'katalyst';

async function main(): Promise<void> {
  const opts: InitOptions = { mode: 'auto', threads: 2 };
  const k: Katalyst = await init(opts);
  const mode: 'threads' | 'single' = k.mode;
  const threads: number = k.threads;
  const a = new Float32Array(4);
  const c: Float32Array = sgemm(a, a, 2, 2, 2, { transA: true, alpha: 2 });
  const into: Float32Array = sgemm(a, a, 2, 2, 2, { out: new Float32Array(4) });
  const c2: Float32Array = await k.async.sgemm(a, a, 2, 2, 2);
  const spectrum: Float32Array = fft(new Float32Array(8), { inverse: false });
  const back: Float32Array = irfft(rfft(new Float32Array(8)), 8);
  const plan = new FftPlan(8, { real: true });
  plan.input.set(new Float32Array(8));
  const bins: Float32Array = plan.run();
  const sameView: boolean = bins === plan.output && plan.real && !plan.inverse && plan.n === 8;
  plan.free();
  const km = kmeans(new Float32Array(8), 4, 2, 2, { seed: 1 });
  const labels: Uint32Array = km.labels;
  const digest: Uint8Array = sha256(new Uint8Array(3));
  const h = new Hasher('SHA-512');
  h.update(digest);
  const mac: Uint8Array = hmac('SHA-256', randomBytes(32), digest);
  const key = SigningKey.generate();
  const sig = key.sign(digest);
  const ok: boolean = verify(key.publicKey(), digest, sig);
  const oks: boolean[] = verifyBatch([key.publicKey()], [digest], [sig]);
  const same: boolean = timingSafeEqual(mac, mac);
  const token: string = issueCsrfToken(randomBytes(32), 'session', 60);
  const valid: boolean = checkCsrfToken(randomBytes(32), 'session', token);
  void [mode, threads, c, into, c2, spectrum, back, sameView, labels, h.digest(), ok, oks, same, valid, PackedMatrix];
  try {
    initSync({ module: new Uint8Array() });
  } catch (e) {
    if (e instanceof KatalystError) {
      const code: string = e.code;
      void code;
    }
  }
  // @ts-expect-error: mode is a closed set
  await init({ mode: 'fast' });
  // @ts-expect-error: sgemm takes Float32Array, not number[]
  sgemm([1, 2], a, 1, 2, 1);
}
void main;

async function actors(k: Katalyst): Promise<void> {
  const echo = k.actors.spawn('echo');
  const reply: unknown = await k.actors.call(echo, { hello: 1 }, { timeout: 100 });
  k.actors.cast(echo, 'hi');
  void reply;
}
void actors;

// A JS module behaviour using its context: capabilities carried on, delegated, ctx.spawn.
export const gateway: JsBehaviour<{ files: ActorRef }, { path: string; token?: { capability: string; tag: string } }> = {
  init(args) { return args as { files: ActorRef }; },
  async handle(state, msg, ctx) {
    if ('path' in msg) {
      const r: string = await ctx.call<string>(state.files, { type: 'read', path: msg.path }, { timeout: 1000, caps: msg.token ? [msg.token] : [] });
      ctx.cast(state.files, { type: 'seen' }, { inherit: false });
      const cache: ActorRef = ctx.spawn('counter', { args: 0 });
      const child: ActorRef = await ctx.spawn({ module: 'gateway.js', export: 'gateway', args: state });
      ctx.reply([r, cache, child]);
    }
    return state;
  },
};

// The OTP layer: supervisors, monitors, capabilities, upgrades, pools.
async function otp(k: Katalyst): Promise<void> {
  const a = k.actors;
  const sup = await a.supervise({ strategy: 'rest_for_one', maxRestarts: 3, maxSeconds: 5, children: [
    { id: 'c', start: 'counter', restart: 'transient', shutdown: 'brutal_kill' },
    { id: 'inner', start: { supervisor: { children: [{ id: 'e', start: { behaviour: 'echo' } }] } } },
  ] });
  const kids = await a.whichChildren(sup);
  const state: 'running' | 'stopped' | string = kids[0].state;
  const m = await a.monitor(a.spawn('echo'), sup);
  await a.demonitor(m);
  const cap = await a.capabilities.issue('file.read:/docs/*');
  const store = await a.spawn({ module: '/store.js', export: 'store' }, { requires: { read: 'file.read:${path}' } });
  const r: { ok: string } = await a.call<{ ok: string }>(store, { type: 'read', path: '/docs/a' }, { caps: [cap] });
  const version: number = await a.upgrade(store, { module: '/store.js', export: 'v2' });
  const pool = await a.pool('echo', { size: 2, strategy: 'affinity' });
  await pool.cast('x', { key: 'k' });
  const off = a.onEvent((e) => { if (e.type === 'restart') console.log(e.child); });
  off();
  const tree = await a.tree(sup);
  void [state, r, version, tree.children.length];
}
void otp;
