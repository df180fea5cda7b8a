/**
 * SFU meetings in headless Chromium against a real server process and a real media node
 * process (MEDIA_WORKERS=2), MESH_MAX_PARTICIPANTS=4: three participants start in mesh; two
 * more join and every page moves to the SFU make-before-break (the longest freeze of any remote
 * video during the switch is measured and printed; goal < 500 ms); a sixth joins straight into
 * SFU and all six see five live remote videos; the media workers are SIGKILLed and the pages
 * have live video again within 5 s; people leave down to two and the call goes back to mesh.
 * Heavy (6 send+receive clients on 2 cores): run it on its own.
 *
 * Skipped while the server side of SFU mode (helper H: server/src/sfu, realtime/sfuHandlers.ts)
 * is missing, and unless PARLEY_TEST_SFU_BROWSER=1. The DTLS crash of the worker is fixed
 * (media-workers/test/dtls.test.ts), but on the 2-core test machine two cases still miss their
 * limits on timing (2026-11-21, 6 runs): the switch freeze measured 1.76-3.1 s (limit 1.5 s,
 * goal < 500 ms; both videos of a page stall together, i.e. the renderer is starved while every
 * page runs mesh + SFU at once) and the recovery after the worker kill 6.0-8.4 s (limit 5 s;
 * each signalling round trip takes ~1 s under that load). The pages run with ?debug=meeting and
 * the page log after the kill is printed when the recovery is too slow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill } from 'node:process';
import { screenshot } from '../support/browser.js';
import {
  SFU_SERVER_PRESENT,
  startFreezeMonitor,
  startSfuHarness,
  stopFreezeMonitor,
  transportsOf,
  workerPids,
  type SfuHarness,
} from '../support/sfuHarness.js';
import { inPage, newUser, selfPeerId, textOf, waitForLiveVideos, type TestUser } from './meetingHarness.js';

const RUN = SFU_SERVER_PRESENT && process.env.PARLEY_TEST_SFU_BROWSER === '1';

let harness: SfuHarness;
const users: TestUser[] = [];
const peers = new Map<TestUser, string>();
let meetingId = '';
/** The pages' `[meeting …]` console lines (printed when the recovery is too slow). */
const pageLog: { at: number; user: string; text: string }[] = [];

const names = ['ada', 'bob', 'cyd', 'dee', 'eve', 'fay'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function othersOf(user: TestUser): { peerId: string }[] {
  return [...peers].filter(([other]) => other !== user).map(([, peerId]) => ({ peerId }));
}

async function join(user: TestUser): Promise<void> {
  await user.page.goto(new URL(`/meet/${meetingId}?ap=0&debug=meeting`, harness.url).toString(), { waitUntil: 'domcontentloaded' });
  peers.set(user, await selfPeerId(user.page));
}

async function leave(user: TestUser): Promise<void> {
  await user.page.goto(new URL('/', harness.url).toString(), { waitUntil: 'domcontentloaded' });
  peers.delete(user);
}

async function waitForMode(user: TestUser, mode: 'mesh' | 'sfu', timeoutMs = 30_000): Promise<void> {
  await user.page.waitForFunction(
    `document.querySelector('[data-testid="meeting-mode"]')?.textContent.trim() === ${JSON.stringify(mode)}`,
    { timeout: timeoutMs },
  );
}

/** Until the page runs only the transport of `mode` (the old one of a switch is closed). */
async function waitForSingleTransport(user: TestUser, mode: 'mesh' | 'sfu', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await transportsOf(user.page)) === mode) return;
    await sleep(200);
  }
  throw new Error(`${user.username} still runs ${await transportsOf(user.page)} after ${timeoutMs} ms`);
}

beforeAll(async () => {
  if (!RUN) return;
  harness = await startSfuHarness('browser_sfu', {
    MESH_MAX_PARTICIPANTS: '4',
    MESH_RETURN_AT: '2',
    MESH_RETURN_HOLD_MS: '1500',
  });
  for (const name of names) users.push(await newUser(harness, name, name.toUpperCase()));
  for (const user of users) {
    user.page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('[meeting')) pageLog.push({ at: Date.now(), user: user.username, text: text.slice(0, 300) });
    });
  }
  const created = await inPage<{ meeting: { id: string } }>(
    users[0]!.page,
    `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Big call', access: 'link' }) }).then((res) => res.json())`,
  );
  meetingId = created.meeting.id;
}, 240_000);

afterAll(async () => {
  await harness?.close();
});

describe.skipIf(!RUN)('a meeting that grows past the mesh limit', () => {
  it('starts with three in mesh', async () => {
    for (const user of users.slice(0, 3)) await join(user);
    for (const user of users.slice(0, 3)) {
      await waitForLiveVideos(user.page, othersOf(user));
      expect(await textOf(user.page, 'meeting-mode')).toBe('mesh');
    }
  }, 120_000);

  it('moves every page to the SFU when the fifth joins, with the <video> elements reused and short freezes', async () => {
    const first = users.slice(0, 3);
    for (const user of first) expect(await startFreezeMonitor(user.page)).toBe(2);
    const monitorAt = Date.now();
    const joinedAt: number[] = [];
    await join(users[3]!);
    joinedAt.push(Date.now() - monitorAt);
    await join(users[4]!);
    joinedAt.push(Date.now() - monitorAt);
    for (const user of users.slice(0, 5)) await waitForMode(user, 'sfu');
    for (const user of users.slice(0, 5)) await waitForLiveVideos(user.page, othersOf(user), 60_000);
    for (const user of first) await waitForSingleTransport(user, 'sfu');
    await sleep(1000);
    const freezes = (await Promise.all(first.map((user) => stopFreezeMonitor(user.page)))).flat();
    const longest = Math.max(...freezes.map((entry) => entry.maxGapMs));
    console.log(`[sfu] mesh → sfu switch: longest remote-video freeze ${longest} ms (goal < 500 ms); per video ${JSON.stringify(freezes.map((entry) => entry.maxGapMs))}`);
    console.log(`[sfu] switch detail (ms after the monitor started): ${JSON.stringify(freezes.map(({ maxGapMs, gapEndMs, swapAtMs }) => ({ maxGapMs, gapEndMs, swapAtMs })))}; fourth joined at ${joinedAt[0]}, fifth at ${joinedAt[1]}`);
    expect(freezes).toHaveLength(6);
    for (const entry of freezes) {
      expect(entry.replaced).toBe(0);
      expect(entry.missing).toBe(0);
    }
    expect(longest).toBeLessThan(1500);
  }, 180_000);

  it('lets a sixth join straight into SFU mode: six pages see five live remote videos each', async () => {
    await join(users[5]!);
    await waitForMode(users[5]!, 'sfu');
    for (const user of users) {
      const samples = await waitForLiveVideos(user.page, othersOf(user), 60_000);
      expect(samples).toHaveLength(5);
      expect(await textOf(user.page, 'meeting-mode')).toBe('sfu');
    }
    await users[0]!.page.bringToFront();
    await screenshot(users[0]!.page, 'sfu-six-desktop');
  }, 240_000);

  it('has live video on every page again within 5 s after the media workers are killed', async () => {
    const mediaPid = harness.media!.pid;
    const pids = workerPids(mediaPid);
    expect(pids.length).toBe(2);
    const killedAt = Date.now();
    for (const pid of pids) {
      try {
        kill(pid, 'SIGKILL');
      } catch {
        // already replaced by the pool
      }
    }
    // Give the pages a moment to notice (frames stop), then wait for all of them to be live.
    await sleep(500);
    const perPage = await Promise.all(
      users.map(async (user) => {
        await waitForLiveVideos(user.page, othersOf(user), 30_000);
        return Date.now() - 1200 - killedAt;
      }),
    );
    // The last sample that saw frames advance started 1.2 s before it returned.
    const recovered = Date.now() - 1200 - killedAt;
    console.log(`[sfu] worker kill → live video on all ${users.length} pages: ${recovered} ms (per page ${JSON.stringify(perPage)})`);
    const lines = pageLog.filter((line) => line.at >= killedAt).map((line) => `+${line.at - killedAt} ${line.user}: ${line.text}`);
    if (recovered >= 5000) console.log(`[sfu] page log after the kill:\n${lines.slice(0, 150).join('\n')}`);
    expect(workerPids(mediaPid).length).toBe(2);
    expect(recovered).toBeLessThan(5000);
  }, 120_000);

  it('goes back to mesh when people leave down to two', async () => {
    for (const user of users.slice(2)) await leave(user);
    const [ada, bob] = users as [TestUser, TestUser];
    await waitForMode(ada, 'mesh', 30_000);
    await waitForMode(bob, 'mesh', 30_000);
    await waitForSingleTransport(ada, 'mesh');
    await waitForSingleTransport(bob, 'mesh');
    for (const user of [ada, bob]) {
      const samples = await waitForLiveVideos(user.page, othersOf(user), 30_000);
      expect(samples).toHaveLength(1);
    }
  }, 120_000);
});
