/**
 * The camera in SFU mode is sent in three VP8 simulcast layers (issue #5) and each receiver gets
 * the layer its tile needs, in headless Chromium against a real server and a real media node,
 * with the default camera profiles (no ?video= / ?sfuVideo=): mesh 320x180@15, SFU 960x540@24.
 *
 * MESH_MAX_PARTICIPANTS=2: two pages start in mesh, the third join moves the call to the SFU
 * (make-before-break). Then:
 * - every publisher's send transport has outbound-rtp r0, r1, r2 with frames advancing, about
 *   135, 270 and 540 lines high;
 * - in the speaker view of one page, the participant on the stage (a tile taller than 360 px)
 *   arrives at >= 540 lines and the one in the strip (a tile of 180 px or less) at a low layer;
 * - a P2P (mesh) sender never encodes more than the mesh size, also while the camera captures
 *   the SFU size during the mesh → SFU switch;
 * - camera off/on, a camera switch and a screen share keep working, the camera at 540 lines;
 * - when the call is down to one page (MESH_RETURN_AT=1) it returns to mesh and the camera to
 *   320x180.
 *
 * Each page runs in its own Chromium: pages of one browser share its fake camera, whose
 * capture format the first page fixes (applyConstraints cannot grow a shared source; one
 * person's camera in one tab can).
 *
 * The figures seen are printed (`[simulcast] ...`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { SFU_SERVER_PRESENT, startSfuHarness, transportsOf, type SfuHarness } from '../support/sfuHarness.js';
import {
  byTestId,
  clickTestId,
  inPage,
  newUser,
  selfPeerId,
  waitForLiveVideos,
  type TestUser,
} from '../support/browserMeetingHarness.js';
import {
  layerFor,
  near,
  receivedVideos as receivedOn,
  sentLayers as sentOn,
  type Layer,
  type Received,
} from './simulcastProbes.js';

const sentLayers = (user: TestUser) => sentOn(user.page);
const receivedVideos = (user: TestUser) => receivedOn(user.page);

const RUN = SFU_SERVER_PRESENT;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let harness: SfuHarness;
const users: TestUser[] = [];
const peers = new Map<TestUser, string>();
let meetingId = '';

/**
 * Records, every 200 ms, the largest picture any P2P (mesh) connection of the page encodes:
 * outbound-rtp video without a rid on a connection that is not the SFU's send transport
 * (mediasoup-client's connections carry a 'probator' receiver or rids; mesh ones a data channel).
 */
async function startMeshSenderMonitor(user: TestUser): Promise<void> {
  await inPage(
    user.page,
    `(() => {
      if (window.__meshMax) return;
      const state = { maxHeight: 0, samples: 0 };
      window.__meshMax = state;
      setInterval(async () => {
        for (const pc of window.__pcs || []) {
          if (pc.signalingState === 'closed' || !pc.sctp) continue;
          try {
            (await pc.getStats()).forEach((entry) => {
              if (entry.type === 'outbound-rtp' && entry.kind === 'video' && !entry.rid && entry.frameHeight) {
                state.samples++;
                state.maxHeight = Math.max(state.maxHeight, entry.frameHeight);
              }
            });
          } catch {}
        }
      }, 200);
    })()`,
  );
}

async function meshSenderMax(user: TestUser): Promise<{ maxHeight: number; samples: number }> {
  return inPage(user.page, `({ maxHeight: window.__meshMax.maxHeight, samples: window.__meshMax.samples })`);
}

async function cameraSize(user: TestUser): Promise<{ height: number; frameRate: number } | null> {
  return inPage(
    user.page,
    `(() => {
      const track = window.parleyMeeting.localTracks().find((t) => t.kind === 'video' && t.readyState === 'live' && !t.contentHint);
      if (!track) return null;
      const { height, frameRate } = track.getSettings();
      return { height, frameRate };
    })()`,
  );
}

/**
 * Waits until the page sends r0, r1, r2 at about 135, 270 and 540 lines, each with new frames
 * within a second; prints what it saw. Returns null, or what was wrong at the end.
 */
async function threeLayers(user: TestUser, timeoutMs = 45_000): Promise<string | null> {
  const startedAt = Date.now();
  let first: Layer[] = [];
  let last: Layer[] = [];
  const complaint = await eventually(async () => {
    first = await sentLayers(user);
    await sleep(1000);
    last = await sentLayers(user);
    if (last.map((layer) => layer.rid).join() !== 'r0,r1,r2') return `rids ${last.map((layer) => layer.rid).join()}`;
    const heights = last.map((layer) => layer.frameHeight);
    const wanted = [135, 270, 540];
    if (heights.some((height, i) => Math.abs(height - wanted[i]!) > 4)) return `heights ${heights.join('/')}`;
    const stalled = last.filter((layer, i) => layer.framesEncoded <= (first[i]?.framesEncoded ?? 0));
    if (stalled.length > 0) return `no new frames on ${stalled.map((layer) => layer.rid).join()}`;
    return null;
  }, timeoutMs);
  const layers = last.map(
    (l) =>
      `${l.rid} ${l.frameHeight}p ${Math.round(l.framesPerSecond)} fps (+${l.framesEncoded - (first.find((f) => f.rid === l.rid)?.framesEncoded ?? 0)} frames/s, limit ${l.limit})`,
  );
  console.log(
    `[simulcast] ${user.username} sends ${layers.join(', ')}; estimate ${last[0]?.kbps ?? 0} kbit/s; after ${Date.now() - startedAt} ms`,
  );
  return complaint;
}

function othersOf(user: TestUser): { peerId: string }[] {
  return [...peers].filter(([other]) => other !== user).map(([, peerId]) => ({ peerId }));
}

async function join(user: TestUser): Promise<void> {
  await user.page.goto(new URL(`/meet/${meetingId}?ap=0`, harness.url).toString(), { waitUntil: 'domcontentloaded' });
  peers.set(user, await selfPeerId(user.page));
  await startMeshSenderMonitor(user);
}

async function waitForTransports(user: TestUser, wanted: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await transportsOf(user.page)) === wanted) return;
    await sleep(200);
  }
  throw new Error(`${user.username} runs ${await transportsOf(user.page)}, not ${wanted}`);
}

/** Polls `check` until it returns null (done) or the time is up; returns the last complaint. */
async function eventually(check: () => Promise<string | null>, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let complaint: string | null = 'not checked';
  while (Date.now() < deadline) {
    complaint = await check();
    if (complaint === null) return null;
    await sleep(500);
  }
  return complaint;
}

beforeAll(async () => {
  if (!RUN) return;
  harness = await startSfuHarness('browser_sfu_simulcast', {
    MESH_MAX_PARTICIPANTS: '2',
    MESH_RETURN_AT: '1',
    MESH_RETURN_HOLD_MS: '1500',
  });
  for (const name of ['sia', 'tom', 'uma']) {
    users.push(await newUser({ ...harness, browser: await launchBrowser() }, name, name.toUpperCase()));
  }
  const created = await inPage<{ meeting: { id: string } }>(
    users[0]!.page,
    `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access: 'link' }) }).then((res) => res.json())`,
  );
  meetingId = created.meeting.id;
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

describe.skipIf(!RUN)('the camera in SFU mode', () => {
  it('starts in mesh at the mesh size, then moves to the SFU when the third joins', async () => {
    const [sia, tom, uma] = users as [TestUser, TestUser, TestUser];
    await join(sia);
    await join(tom);
    for (const user of [sia, tom]) await waitForLiveVideos(user.page, othersOf(user));
    expect(await cameraSize(sia)).toMatchObject({ height: 180 });
    await join(uma);
    for (const user of users) await waitForTransports(user, 'sfu');
    for (const user of users) await waitForLiveVideos(user.page, othersOf(user), 60_000);
  }, 180_000);

  it('sends three layers (r0, r1, r2) of about 135, 270 and 540 lines from every page', async () => {
    for (const user of users) {
      expect(await cameraSize(user)).toMatchObject({ height: 540 });
      expect(await threeLayers(user)).toBeNull();
    }
  }, 180_000);

  it('sends the participant on the stage at >= 540 lines and the strip at a low layer', async () => {
    const [sia, tom, uma] = users as [TestUser, TestUser, TestUser];
    // Only sia speaks: the stage keeps the first participant (the speaker view features the
    // active speaker, or the first one when that is this page itself).
    for (const user of [tom, uma]) await clickTestId(user.page, 'toggle-mic');
    await sia.page.bringToFront();
    await clickTestId(sia.page, 'speaker-view-toggle');
    await sia.page.waitForSelector(`${byTestId('speaker-stage')} video[data-peer-id]`, { timeout: 10_000 });
    let seen: Received[] = [];
    const complaint = await eventually(async () => {
      seen = await receivedVideos(sia);
      const stage = seen.filter((video) => video.place === 'stage');
      const strip = seen.filter((video) => video.place === 'strip');
      if (stage.length !== 1 || strip.length !== 1) return `layout ${JSON.stringify(seen)}`;
      if (stage[0]!.tileHeight <= 360 || strip[0]!.tileHeight > 360) return `tile heights ${JSON.stringify(seen)}`;
      if (stage[0]!.frameHeight < 536) return `stage at ${stage[0]!.frameHeight}p`;
      const { frameHeight, tileHeight } = strip[0]!;
      if (frameHeight === 0 || frameHeight > 274 || !near(frameHeight, layerFor(tileHeight)))
        return `strip (tile ${tileHeight} px) at ${frameHeight}p`;
      return null;
    }, 30_000);
    console.log(
      `[simulcast] ${sia.username} receives ${seen.map((v) => `${v.place} (tile ${v.tileHeight} px): ${v.frameHeight}p ${Math.round(v.framesPerSecond)} fps`).join(', ')}`,
    );
    expect(complaint).toBeNull();

    // Back to the grid: each remote tile gets the layer of its height.
    await clickTestId(sia.page, 'speaker-view-toggle');
    await sia.page.waitForFunction(`!document.querySelector('${byTestId('speaker-stage')}')`, { timeout: 10_000 });
    const gridComplaint = await eventually(async () => {
      seen = await receivedVideos(sia);
      const right = seen.every((video) => near(video.frameHeight, layerFor(video.tileHeight)));
      return seen.length === 2 && right ? null : `grid ${JSON.stringify(seen)}`;
    }, 30_000);
    console.log(
      `[simulcast] ${sia.username} grid: ${seen.map((v) => `tile ${v.tileHeight} px: ${v.frameHeight}p`).join(', ')}`,
    );
    expect(gridComplaint).toBeNull();
  }, 120_000);

  it('keeps three layers through camera off/on and a camera switch, and shows a screen share', async () => {
    const [sia, tom, uma] = users as [TestUser, TestUser, TestUser];
    const tomTile = `[data-testid="tile"][data-tile-peer="${peers.get(tom)!}"][data-kind="camera"]`;
    await clickTestId(tom.page, 'toggle-camera');
    await sia.page.waitForFunction(`!!document.querySelector('${tomTile}[data-video-off]')`, { timeout: 20_000 });
    expect(await cameraSize(tom)).toBeNull();
    await clickTestId(tom.page, 'toggle-camera');
    await sia.page.waitForFunction(`!!document.querySelector('${tomTile}:not([data-video-off])')`, { timeout: 20_000 });
    expect(await cameraSize(tom)).toMatchObject({ height: 540 });
    expect(await threeLayers(tom)).toBeNull();
    await waitForLiveVideos(sia.page, othersOf(sia), 30_000);

    // The same camera picked again in the settings: a new track (replaceTrack), at 540 lines.
    const before = await inPage<string>(
      tom.page,
      `window.parleyMeeting.localTracks().find((t) => t.kind === 'video' && t.readyState === 'live').id`,
    );
    await clickTestId(tom.page, 'device-settings');
    await tom.page.waitForSelector(byTestId('device-panel'));
    await inPage(
      tom.page,
      `(() => {
        const select = document.querySelector('[data-testid="select-camera"]');
        select.value = [...select.options].find((option) => option.value).value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      })()`,
    );
    await tom.page.waitForFunction(
      `window.parleyMeeting.localTracks().some((t) => t.kind === 'video' && t.readyState === 'live' && t.id !== ${JSON.stringify(before)})`,
      { timeout: 20_000 },
    );
    await inPage(tom.page, `document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))`);
    expect(await cameraSize(tom)).toMatchObject({ height: 540 });
    expect(await threeLayers(tom)).toBeNull();

    await clickTestId(uma.page, 'toggle-screen');
    const umaPeer = peers.get(uma)!;
    await waitForLiveVideos(sia.page, [...othersOf(sia), { peerId: umaPeer, source: 'screen' }], 30_000);
    expect(await cameraSize(uma)).toMatchObject({ height: 540 });
    await clickTestId(uma.page, 'toggle-screen');
    for (const user of users) await waitForLiveVideos(user.page, othersOf(user), 30_000);
  }, 240_000);

  it('kept every P2P sender at the mesh size (<= 180 lines) during the mesh → SFU switch', async () => {
    for (const user of users.slice(0, 2)) {
      const mesh = await meshSenderMax(user);
      console.log(
        `[simulcast] ${user.username}: largest P2P picture sent ${mesh.maxHeight}p (${mesh.samples} samples)`,
      );
      expect(mesh.samples).toBeGreaterThan(0);
      expect(mesh.maxHeight).toBeLessThanOrEqual(184);
    }
  });

  it('returns to mesh and the camera to the mesh size when the call is down to one', async () => {
    const [sia, tom, uma] = users as [TestUser, TestUser, TestUser];
    for (const user of [tom, uma]) {
      await user.page.goto(new URL('/', harness.url).toString(), { waitUntil: 'domcontentloaded' });
      peers.delete(user);
    }
    await waitForTransports(sia, 'mesh');
    const complaint = await eventually(async () => {
      const size = await cameraSize(sia);
      return size?.height === 180 && size.frameRate <= 15 ? null : `camera ${JSON.stringify(size)}`;
    }, 10_000);
    expect(complaint).toBeNull();
  }, 120_000);
});
