/**
 * A media node drained under an SFU meeting of three Chromium pages (docs/operations.md
 * "Draining a media node"): a second node registers in Redis, SIGTERM goes to the meeting's
 * node, and every page moves make-before-break (`sfu:migrate`: a second SFU session on the new
 * node, the ModeSwitch swap, `sfu:migrated`). Remote videos keep advancing, the pages end on one
 * SFU session, and the drained node exits once empty. The freeze over the move is printed (goal
 * < 500 ms); the test fails only on a freeze that means a broken make-before-break (> 4 s, as in
 * sfu.test.ts: the 2-core machine starves the renderers while two sessions run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMediaNodeProcess, type MediaNodeProcess } from '../support/mediaNodeProcess.js';
import { freePort } from '../support/serverProcess.js';
import {
  SFU_SERVER_PRESENT,
  startFreezeMonitor,
  startSfuHarness,
  stopFreezeMonitor,
  transportsOf,
  type SfuHarness,
} from '../support/sfuHarness.js';
import { TEST_REDIS_URL } from '../support/testDatabase.js';
import { inPage, newUser, selfPeerId, waitForLiveVideos, type TestUser } from '../support/browserMeetingHarness.js';

let harness: SfuHarness;
let second: MediaNodeProcess | undefined;
const users: TestUser[] = [];
const peers = new Map<TestUser, string>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Keeps the page's `[meeting ...]` console lines with the time they were written (ms since the
 * epoch), in `window.__meetingLines`; they are still printed.
 */
const RECORD_MEETING_LINES = `(() => {
  if (window.__meetingLines) return;
  window.__meetingLines = [];
  for (const level of ['debug', 'info', 'warn']) {
    const print = console[level].bind(console);
    console[level] = (...args) => {
      if (typeof args[0] === 'string' && args[0].startsWith('[meeting'))
        window.__meetingLines.push({ at: Date.now(), text: args.filter((arg) => typeof arg === 'string').join(' ') });
      print(...args);
    };
  }
})()`;
const othersOf = (user: TestUser) => [...peers].filter(([other]) => other !== user).map(([, peerId]) => ({ peerId }));

async function waitForSingleSfu(user: TestUser, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await transportsOf(user.page)) === 'sfu') return;
    await sleep(200);
  }
  throw new Error(`${user.username} still runs ${await transportsOf(user.page)}`);
}

beforeAll(async () => {
  if (!SFU_SERVER_PRESENT) return;
  harness = await startSfuHarness('browser_drain', { MESH_MAX_PARTICIPANTS: '2', MESH_RETURN_AT: '1' });
  for (const name of ['dra', 'drb', 'drc']) users.push(await newUser(harness, name, name.toUpperCase()));
  const created = await inPage<{ meeting: { id: string } }>(
    users[0]!.page,
    `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Drain', access: 'link' }) }).then((res) => res.json())`,
  );
  for (const user of users) {
    await user.page.goto(
      new URL(`/meet/${created.meeting.id}?ap=0&sfuVideo=320x180@15&debug=meeting`, harness.url).toString(),
      { waitUntil: 'domcontentloaded' },
    );
    peers.set(user, await selfPeerId(user.page));
  }
}, 240_000);

afterAll(async () => {
  await second?.stop(5_000);
  await harness?.close();
});

describe.skipIf(!SFU_SERVER_PRESENT)('a media node drained under a browser SFU meeting', () => {
  it('moves every page to the other node; videos keep advancing; the drained node exits', async () => {
    for (const user of users) {
      await waitForLiveVideos(user.page, othersOf(user), 60_000);
      await waitForSingleSfu(user);
    }
    second = await startMediaNodeProcess({
      MEDIA_WORKERS: '1',
      MEDIA_RPC_PORT: String(await freePort()),
      MEDIA_RTC_PORT: String(await freePort()),
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_NODE_ID: 'browser_drain-b',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: harness.redisPrefix,
    });
    const seen = async () => {
      const health = (await fetch(`${harness.url}/health`).then((r) => r.json())) as {
        media?: { load?: Array<{ workers?: number }> };
      };
      return (health.media?.load ?? []).filter((n) => (n.workers ?? 0) > 0).length;
    };
    for (let i = 0; i < 100 && (await seen()) < 2; i++) await sleep(200);
    expect(await seen()).toBe(2);

    // The pages' own timeline of the move (their debug=meeting lines, stamped in the page), and
    // how many console events reached puppeteer (the timeline came back empty in earlier runs).
    const consoleEvents = new Map<TestUser, { all: number; meeting: number }>();
    for (const user of users) {
      // The page may have dropped ?debug=meeting from its address: the debug lines read this too.
      await inPage(user.page, `localStorage.setItem('parley.debug', 'meeting')`);
      await inPage(user.page, RECORD_MEETING_LINES);
      const counts = { all: 0, meeting: 0 };
      consoleEvents.set(user, counts);
      user.page.on('console', (message) => {
        counts.all++;
        if (message.text().startsWith('[meeting')) counts.meeting++;
      });
    }
    for (const user of users) expect(await startFreezeMonitor(user.page)).toBe(2);
    const sentAt = Date.now();
    process.kill(harness.media!.pid, 'SIGTERM');
    const exit = await Promise.race([harness.media!.exited, sleep(60_000).then(() => null)]);
    const exitedMs = Date.now() - sentAt;
    expect(exit, 'the drained node exits once empty').toEqual({ code: 0, signal: null });
    for (const user of users) await waitForSingleSfu(user);
    for (const user of users) await waitForLiveVideos(user.page, othersOf(user), 30_000);
    await sleep(1000);
    const freezes = (await Promise.all(users.map((user) => stopFreezeMonitor(user.page)))).flat();
    const longest = Math.max(...freezes.map((entry) => entry.frameGapMs ?? Infinity));
    console.log(
      `[sfu drain] 3 pages: drained node exited after ${exitedMs} ms; longest remote-video freeze ${longest} ms (goal < 500 ms); per video ${JSON.stringify(freezes.map((entry) => entry.frameGapMs))}`,
    );
    const timeline: Array<{ at: number; line: string }> = [];
    for (const user of users) {
      const lines = await inPage<Array<{ at: number; text: string }>>(user.page, 'window.__meetingLines || []');
      for (const { at, text } of lines)
        if (/migrat|draining|switch|swapped|sfu run|produced|shows|closing|reset/.test(text))
          timeline.push({ at, line: `${at - sentAt} ms ${user.username}: ${text}` });
    }
    timeline.sort((a, b) => a.at - b.at);
    console.log(
      `[sfu drain] console events per page (all / [meeting ...]): ${users.map((user) => `${user.username} ${consoleEvents.get(user)?.all}/${consoleEvents.get(user)?.meeting}`).join(', ')}`,
    );
    console.log(`[sfu drain] page timeline (ms after SIGTERM):\n${timeline.map((entry) => entry.line).join('\n')}`);
    const nameOf = (peerId: string) => [...peers].find(([, id]) => id === peerId)?.[0].username ?? peerId;
    const after = (at: number) => at - sentAt;
    console.log(
      `[sfu drain] per video (ms after SIGTERM: when the frame clock's longest gap ended, every track swap): ${freezes
        .map((entry, index) => {
          const viewer = users[Math.floor(index / 2)]!.username;
          const gapEnd = entry.frameGapEndAt === null ? 'open' : after(entry.frameGapEndAt);
          return `${viewer} sees ${nameOf(entry.peerId)}: ${entry.frameGapMs} ms ending ${gapEnd}, swaps ${entry.swapsAt.map(after).join(',')}`;
        })
        .join('; ')}`,
    );
    expect(freezes).toHaveLength(6);
    for (const entry of freezes) {
      expect(entry.replaced).toBe(0);
      expect(entry.missing).toBe(0);
    }
    expect(longest).toBeLessThan(4000);
  }, 180_000);
});
