// JS module behaviours for tests/e2e/actors_otp.test.mjs (loaded into actor workers by URL).

/** Records the EXIT and DOWN messages it gets; 'seen' replies them. */
export const watcher = {
  init() { return { seen: [] }; },
  handle(state, msg, ctx) {
    if (msg?.type === 'EXIT' || msg?.type === 'DOWN') {
      state.seen.push({ type: msg.type, from: msg.from, reason: msg.reason.kind, message: msg.reason.message, monitor: msg.monitor });
      return state;
    }
    if (msg === 'seen') ctx.reply(state.seen);
    // The same requests from inside a handler.
    if (msg?.watch) ctx.reply(ctx.monitor(msg.watch));
    if (msg?.linkTo) { ctx.trapExit(true); ctx.link(msg.linkTo); ctx.reply('linked'); }
    if (msg === 'ping') ctx.reply('pong');
    if (msg === 'crash') throw new Error('watcher crashed');
    return state;
  },
};

/** A supervised JS child: 'ping' replies its id, 'crash' throws. */
export const worker = {
  init(args) { return { id: args?.id ?? 'w' }; },
  handle(state, msg, ctx) {
    if (msg === 'crash') throw new Error('crash');
    if (msg === 'ping') ctx.reply(state.id);
    return state;
  },
};

// Version 1 and 2 of a sequence checker: every cast must be the previous number + 1.
function step(s, m, ctx, v) {
  if (m === 'get') { ctx.reply({ ...s, v }); return s; }
  if (m !== s.last + 1) s.ok = false;
  s.last = m;
  s[`n${v}`] += 1;
  return s;
}
export const seq1 = {
  init() { return { last: 0, ok: true, n1: 0, n2: 0 }; },
  handle: (s, m, ctx) => step(s, m, ctx, 1),
};
export const seq2 = {
  migrate(old, extra) { return { ...old, migrated: extra ?? true }; },
  handle: (s, m, ctx) => step(s, m, ctx, 2),
};
export const seqBad = {
  migrate() { throw new Error('cannot migrate this state'); },
  handle(s, m, ctx) { ctx.reply('bad'); return s; },
};

/** Canary versions: reply their name. */
export const v1 = { handle(s, m, ctx) { ctx.reply('v1'); } };
export const v2 = { handle(s, m, ctx) { ctx.reply('v2'); } };

/** Replies its own ref (which pool member handled the message). */
export const whoami = { handle(s, m, ctx) { ctx.reply(ctx.self); } };

/** A protected store: replies what it got. */
export const store = { handle(s, m, ctx) { ctx.reply({ ok: m.type }); } };

/** Keeps every message it gets; 'get' replies them in arrival order. */
export const log = {
  init() { return []; },
  handle(s, m, ctx) {
    if (m === 'get') ctx.reply(s);
    else s.push(m);
    return s;
  },
};
