// JS module behaviours for tests/e2e/actors_ctx.test.mjs (loaded into actor workers by URL):
// what a handler's `ctx` does with capabilities and `ctx.spawn`.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const failure = (e) => ({ err: { name: e?.name, code: e?.code, capability: e?.capability, message: e?.message } });
let stashed = null; // a ctx kept past its message (this worker's realm)

/**
 * Does what the message says with its ctx and replies `{ ok: value }` or `{ err }` (a failed
 * send is a result here, not a crash):
 * - `{ op: 'call', to, msg, caps?, inherit?, before? }`: `ctx.call(to, msg, { caps, inherit })`,
 *   after `await sleep(before)` when `before` is set;
 * - `{ op: 'cast', to, msg, caps? }`: `ctx.cast`;
 * - `{ op: 'stash' }` keeps the ctx; `{ op: 'callStashed', to, msg }` calls through it later;
 * - `{ op: 'spawn', name, args }` / `{ op: 'spawnJs', export, args }`: `ctx.spawn`;
 * - `{ op: 'echo', v }` replies `v`; `{ op: 'bad', what }` misuses the ctx.
 */
export const relay = {
  init(args) { return { id: args?.id ?? 'relay' }; },
  async handle(state, msg, ctx) {
    const opts = msg.caps !== undefined || msg.inherit !== undefined ? { caps: msg.caps, inherit: msg.inherit } : undefined;
    try {
      switch (msg.op) {
        case 'call':
          if (msg.before) await sleep(msg.before);
          ctx.reply({ ok: await ctx.call(msg.to, msg.msg, opts) });
          break;
        case 'cast':
          ctx.cast(msg.to, msg.msg, opts);
          ctx.reply({ ok: 'sent' });
          break;
        case 'stash':
          stashed = ctx;
          ctx.reply({ ok: 'stashed' });
          break;
        case 'callStashed':
          ctx.reply({ ok: await stashed.call(msg.to, msg.msg) });
          break;
        case 'spawn':
          ctx.reply({ ok: ctx.spawn(msg.name, { args: msg.args }) });
          break;
        case 'spawnJs':
          ctx.reply({ ok: await ctx.spawn({ module: import.meta.url, export: msg.export, args: msg.args }) });
          break;
        case 'echo':
          ctx.reply({ ok: msg.v, id: state.id });
          break;
        case 'bad':
          if (msg.what === 'caps') ctx.reply({ ok: await ctx.call(msg.to, 1, { caps: 'nope' }) });
          if (msg.what === 'token') ctx.reply({ ok: await ctx.call(msg.to, 1, { caps: [{ capability: 'x' }] }) });
          if (msg.what === 'spawn') ctx.reply({ ok: ctx.spawn('no-such-behaviour') });
          break;
      }
    } catch (e) {
      ctx.reply(failure(e));
    }
    return state;
  },
};

/** A store: `{ type: 'put', v }` appends `v` (a call gets 'stored'), `{ type: 'list' }` replies the list. */
export const store = {
  init() { return []; },
  handle(state, msg, ctx) {
    if (msg?.type === 'put') { state.push(msg.v); ctx.reply('stored'); }
    if (msg?.type === 'list') ctx.reply(state);
    return state;
  },
};
