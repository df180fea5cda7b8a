/**
 * SFU meetings in headless Chromium against a real server process and a real media node
 * process (MEDIA_WORKERS=2), MESH_MAX_PARTICIPANTS=4: three participants start in mesh; two
 * more join and every page moves to the SFU make-before-break (the longest freeze of any remote
 * video during the switch is measured and printed; goal < 500 ms; each P2P link closes only once
 * both of its ends show each other over the SFU); a sixth joins straight into
 * SFU and all six see five live remote videos; three leave (the call stays in SFU), the media
 * workers are SIGKILLed and the pages have live video again within 5 s; one more leaves and the
 * call goes back to mesh.
 *
 * The freeze is measured on each page by a frame clock in a worker: the longest time between two
 * decoded frames of the track that the participant's <video> shows (the old transport's, then
 * the new one's). The same is also sampled every 50 ms on the page's main thread and printed;
 * that figure includes the page's own main-thread stalls, during which Chromium's compositor
 * still shows new frames.
 *
 * The freeze is a figure, not a timed assertion: on the 2-core test machine five pages run mesh
 * and SFU at once during the switch and the renderer is starved (printed figures: docs/sfu.md).
 * The test fails only on a freeze long enough to mean a broken make-before-break (> 4 s: the
 * P2P links closed before the SFU media arrived). The pages run with ?debug=meeting and the
 * page log after the kill is printed when the recovery is too slow.
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
import {
  inPage,
  newUser,
  selfPeerId,
  textOf,
  waitForLiveVideos,
  type TestUser,
} from '../support/browserMeetingHarness.js';

const RUN = SFU_SERVER_PRESENT;

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
  // sfuVideo: the SFU camera stays at the mesh size here. The six pages share one browser's fake
  // camera, which cannot grow once the first page opened it (sfuSimulcast.test.ts covers the
  // default 960x540 camera, one browser per page).
  await user.page.goto(new URL(`/meet/${meetingId}?ap=0&sfuVideo=320x180@15&debug=meeting`, harness.url).toString(), {
    waitUntil: 'domcontentloaded',
  });
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
  const startedAt = deadline - timeoutMs;
  const lines = pageLog
    .filter((line) => line.at >= startedAt - 40_000)
    .map((line) => `${line.at - startedAt} ${line.user}: ${line.text}`);
  console.log(
    `[sfu] page log (ms from the wait) while ${user.username} waited for ${mode} alone:\n${lines.slice(-150).join('\n')}`,
  );
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
    const longest = Math.max(...freezes.map((entry) => entry.frameGapMs ?? Infinity));
    const sampled = Math.max(...freezes.map((entry) => entry.maxGapMs));
    console.log(
      `[sfu] mesh → sfu switch: longest remote-video freeze ${longest} ms (goal < 500 ms); per video ${JSON.stringify(freezes.map((entry) => entry.frameGapMs))}`,
    );
    console.log(
      `[sfu] the same sampled every 50 ms on the pages' main threads (their own stalls included): ${sampled} ms; per video ${JSON.stringify(freezes.map((entry) => entry.maxGapMs))}`,
    );
    console.log(
      `[sfu] switch detail (ms after the monitor started): ${JSON.stringify(freezes.map(({ maxGapMs, gapEndMs, swapAtMs }) => ({ maxGapMs, gapEndMs, swapAtMs })))}; fourth joined at ${joinedAt[0]}, fifth at ${joinedAt[1]}`,
    );
    // Make-before-break across pages: each of the first three let go of its links to the other
    // two by the hand-off (both ends moved), not by a timeout that would freeze the other end.
    for (const user of first) {
      const released = pageLog.filter(
        (line) => line.user === user.username && line.at >= monitorAt && line.text.includes('released: both ends'),
      );
      for (const other of first.filter((candidate) => candidate !== user)) {
        const short = peers.get(other)!.slice(0, 8);
        expect(
          released.some((line) => line.text.includes(`peer ${short}`)),
          `${user.username} released ${other.username}`,
        ).toBe(true);
      }
    }
    expect(freezes).toHaveLength(6);
    for (const entry of freezes) {
      expect(entry.replaced).toBe(0);
      expect(entry.missing).toBe(0);
      expect(entry.clockFrames).toBeGreaterThan(20);
    }
    expect(longest).toBeLessThan(4000);
    expect(sampled).toBeLessThan(4000);
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
    // Three stay (still SFU: MESH_RETURN_AT is 2), so that the figure measures the recovery and
    // not six browsers starving two cores.
    for (const user of users.slice(3)) await leave(user);
    const stayed = users.slice(0, 3);
    for (const user of stayed) await waitForLiveVideos(user.page, othersOf(user), 60_000);
    expect(await textOf(stayed[0]!.page, 'meeting-mode')).toBe('sfu');
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
      stayed.map(async (user) => {
        await waitForLiveVideos(user.page, othersOf(user), 30_000);
        return Date.now() - 1200 - killedAt;
      }),
    );
    // The last sample that saw frames advance started 1.2 s before it returned.
    const recovered = Date.now() - 1200 - killedAt;
    console.log(
      `[sfu] worker kill → live video on all ${stayed.length} pages: ${recovered} ms (per page ${JSON.stringify(perPage)})`,
    );
    const lines = pageLog
      .filter((line) => line.at >= killedAt)
      .map((line) => `+${line.at - killedAt} ${line.user}: ${line.text}`);
    if (recovered >= 5000) console.log(`[sfu] page log after the kill:\n${lines.slice(0, 150).join('\n')}`);
    expect(workerPids(mediaPid).length).toBe(2);
    expect(recovered).toBeLessThan(5000);
  }, 120_000);

  it('goes back to mesh when people leave down to two', async () => {
    const [ada, bob] = users as [TestUser, TestUser];
    await Promise.all([ada, bob].map((user) => startFreezeMonitor(user.page)));
    const monitorAt = Date.now();
    await leave(users[2]!);
    await waitForMode(ada, 'mesh', 30_000);
    await waitForMode(bob, 'mesh', 30_000);
    await waitForSingleTransport(ada, 'mesh');
    await waitForSingleTransport(bob, 'mesh');
    for (const user of [ada, bob]) {
      const samples = await waitForLiveVideos(user.page, othersOf(user), 30_000);
      expect(samples).toHaveLength(1);
    }
    // The one remaining remote video of each page, across the whole return (hold and switch).
    const freezes = await Promise.all(
      [ada, bob].map(async (user) => {
        const other = othersOf(user)[0]!.peerId;
        return (await stopFreezeMonitor(user.page)).find((entry) => entry.peerId === other)!;
      }),
    );
    console.log(
      `[sfu] sfu → mesh return: longest remote-video freeze ${Math.max(...freezes.map((f) => f.frameGapMs ?? Infinity))} ms; per video ${JSON.stringify(freezes.map((f) => f.frameGapMs))}, main-thread sample ${JSON.stringify(freezes.map((f) => f.maxGapMs))}`,
    );
    for (const entry of freezes) {
      expect(entry.clockFrames).toBeGreaterThan(20);
      expect(entry.replaced).toBe(0);
    }
    // Each page heard over the new mesh link that the other shows it there (the hand-off back).
    for (const user of [ada, bob]) {
      const shown = pageLog.filter(
        (line) =>
          line.user === user.username && line.at >= monitorAt && line.text.includes('shows this page from this link'),
      );
      expect(shown.length, `${user.username} heard no 'shown'`).toBe(1);
    }
  }, 120_000);
});
