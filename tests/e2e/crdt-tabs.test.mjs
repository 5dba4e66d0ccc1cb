// Two tabs (two pages of one browser context) edit one AgentState and converge over a
// BroadcastChannel, including edits made while one tab was disconnected. Convergence is checked
// on the decoded value, on the canonical encoding and on the fingerprint, in both builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndBrowse } from './lib/harness.mjs';

const env = serveAndBrowse('tests/e2e/pages/vite.config.js');

const setUp = async ([replicaId, channel]) => {
  const k = await katalyst.init();
  window.conn = katalyst.syncOverBroadcastChannel(new katalyst.AgentState(replicaId), channel);
  window.changes = 0;
  window.conn.subscribe(() => window.changes++);
  return k.mode;
};
const snapshot = () => {
  const r = window.conn.replica.crdt;
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return { value: JSON.stringify(r.value()), bytes: hex(r.encode()), fingerprint: hex(r.fingerprint()), changes: window.changes };
};

/**
 * Waits until both tabs hold the same value, running anti-entropy rounds (`resync`) as needed:
 * garbage collection of removal metadata only settles once each tab has heard that the other
 * saw the removal, which takes a second round after a reconnect. Then the bytes must agree.
 */
async function converged(a, b) {
  let sa, sb;
  for (let i = 0; i < 40; i++) {
    [sa, sb] = await Promise.all([a.evaluate(snapshot), b.evaluate(snapshot)]);
    if (sa.bytes === sb.bytes) return [sa, sb];
    if (i % 4 === 3) await Promise.all([a.evaluate(() => conn.resync()), b.evaluate(() => conn.resync())]);
    await new Promise((r) => setTimeout(r, 50));
  }
  return [sa, sb];
}

for (const [query, mode] of [['', 'threads'], ['?coi=0', 'single']]) {
  test(`two tabs converge over BroadcastChannel, also after offline edits (${mode})`, async () => {
    const context = await env.browser.newContext();
    const problems = [];
    const [a, b] = [await context.newPage(), await context.newPage()];
    for (const p of [a, b]) {
      p.on('pageerror', (e) => problems.push(e.message));
      p.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      await p.goto(env.server.url + query);
      await p.waitForFunction(() => window.ready === true);
    }
    const channel = `agent-${mode}`;
    assert.equal(await a.evaluate(setUp, [1, channel]), mode);
    assert.equal(await b.evaluate(setUp, [2, channel]), mode);

    await a.evaluate(() => { conn.replica.setSkill('search', 0.8); conn.replica.appendEpisode({ task: 'triage', ok: true }); });
    await b.evaluate(() => { conn.replica.setSkill('code', 0.5); conn.replica.appendEpisode({ task: 'fix', ok: false }); });
    let [sa, sb] = await converged(a, b);
    assert.equal(sa.bytes, sb.bytes, 'online edits converge to the same bytes');
    const online = JSON.parse(sa.value);
    assert.deepEqual(Object.keys(online.skills).sort(), ['code', 'search']);
    assert.equal(online.episodes.length, 2);

    // Tab B goes offline; both edit, including a conflicting write to the same skill.
    await b.evaluate(() => conn.pause());
    await a.evaluate(() => { conn.replica.setSkill('code', 0.9); conn.replica.appendEpisode({ task: 'review' }); });
    await b.evaluate(() => { conn.replica.removeSkill('search'); conn.replica.appendEpisode({ task: 'offline note' }); });
    await new Promise((r) => setTimeout(r, 200));
    [sa, sb] = await Promise.all([a.evaluate(snapshot), b.evaluate(snapshot)]);
    assert.notEqual(sa.bytes, sb.bytes, 'while offline the tabs differ');

    await b.evaluate(() => conn.resume());
    [sa, sb] = await converged(a, b);
    assert.equal(sa.bytes, sb.bytes, 'after reconnecting the encodings are equal');
    assert.equal(sa.fingerprint, sb.fingerprint);
    assert.equal(sa.value, sb.value);
    const healed = JSON.parse(sa.value);
    assert.equal(healed.episodes.length, 4, 'no episode lost: 2 online + 2 made while B was offline');
    assert.ok(!('search' in healed.skills), 'the removal made offline wins over the older add');
    assert.ok(sb.changes > 0 && sa.changes > 0, 'subscribers saw the changes');
    assert.deepEqual(problems, []);
    await context.close();
  });
}
