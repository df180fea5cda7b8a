/**
 * Meetings in P2P mesh, in headless Chromium against a real server process: three participants
 * see each other's live video, a reload (F5) comes back with a new peer and no duplicate, a
 * screen share (two at once: glare) shows as its own tile, mute and camera-off reach the others,
 * and when the host ends the meeting every page shows it ended with no live track and no open
 * RTCPeerConnection. Prints the join → first remote frame figures. Screenshots:
 * test-output/screenshots/meeting-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, screenshot, type Page } from '../support/browser.js';
import {
  byTestId,
  clickTestId,
  inPage,
  joinToFirstFrame,
  leftovers,
  newUser,
  percentile,
  rememberStreams,
  sampleRemoteVideos,
  selfPeerId,
  startMeetingHarness,
  textOf,
  waitForLiveVideos,
  type MeetingHarness,
  type TestUser,
} from '../support/browserMeetingHarness.js';

let harness: MeetingHarness;
let ada: TestUser; // host
let bob: TestUser;
let cy: TestUser;
let meetingId = '';
const peers = new Map<TestUser, string>();
const firstFrameTimes: number[] = [];

/** Join timings live in the page: collect them before a reload throws them away. */
async function collectTimings(user: TestUser): Promise<void> {
  firstFrameTimes.push(...(await joinToFirstFrame(user.page)));
}

function othersOf(user: TestUser): { peerId: string }[] {
  return [...peers].filter(([other]) => other !== user).map(([, peerId]) => ({ peerId }));
}

async function cameraVideoCount(page: Page): Promise<number> {
  return inPage<number>(page, `document.querySelectorAll('video[data-peer-id]:not([data-source="screen"])').length`);
}

beforeAll(async () => {
  harness = await startMeetingHarness('browser_meeting');
  ada = await newUser(harness, 'ada', 'Ada Lovelace');
  bob = await newUser(harness, 'bob', 'Bob Kahn');
  cy = await newUser(harness, 'cyd', 'Cyd Young');
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

describe('a mesh meeting of three', () => {
  it('starts a link meeting from home, and three participants see two live remote videos each', async () => {
    await ada.page.goto(new URL('/', harness.url).toString());
    await clickTestId(ada.page, 'new-meeting');
    const card = await ada.page.waitForSelector(byTestId('new-meeting-card'));
    meetingId = (await card!.evaluate((element) => element.getAttribute('data-meeting-id'))) ?? '';
    expect(meetingId).not.toBe('');
    const link = await ada.page.$eval(byTestId('meeting-link'), (element) => (element as HTMLInputElement).value);
    expect(link).toBe(`${harness.url}/meet/${meetingId}`);
    await screenshot(ada.page, 'meeting-new-link-desktop');

    await clickTestId(ada.page, 'join-new-meeting');
    await ada.page.waitForSelector('video[data-local]');
    expect(new URL(ada.page.url()).pathname).toBe(`/meet/${meetingId}`);
    peers.set(ada, await selfPeerId(ada.page));

    // Bob turns the audio processing off with the URL flag, Cy with the localStorage setting.
    await bob.page.goto(new URL(`/meet/${meetingId}?ap=0`, harness.url).toString());
    await inPage(cy.page, `localStorage.setItem('parley.media.ap', '0')`);
    await cy.page.goto(new URL(`/meet/${meetingId}`, harness.url).toString());
    peers.set(bob, await selfPeerId(bob.page));
    peers.set(cy, await selfPeerId(cy.page));
    expect(new Set(peers.values()).size).toBe(3);

    for (const user of [ada, bob, cy]) {
      const samples = await waitForLiveVideos(user.page, othersOf(user));
      expect(samples).toHaveLength(2);
      expect(await textOf(user.page, 'meeting-mode')).toBe('mesh');
    }

    // The local preview is muted; the camera is small; audio processing follows the setting.
    const local = await inPage<{ muted: boolean; attr: boolean; width: number; height: number; frameRate: number }[]>(
      ada.page,
      `[...document.querySelectorAll('video[data-local]')].map((video) => {
        const settings = video.srcObject.getVideoTracks()[0].getSettings();
        return { muted: video.muted, attr: video.hasAttribute('muted'), width: settings.width, height: settings.height, frameRate: settings.frameRate };
      })`,
    );
    expect(local).toEqual([{ muted: true, attr: true, width: 320, height: 180, frameRate: 15 }]);
    const echo = `window.parleyMeeting.localTracks().find((track) => track.kind === 'audio').getSettings().echoCancellation`;
    expect(await inPage(ada.page, echo)).toBe(true);
    expect(await inPage(bob.page, echo)).toBe(false);
    expect(await inPage(cy.page, echo)).toBe(false);

    await ada.page.bringToFront();
    await screenshot(ada.page, 'meeting-three-desktop');

    // The list of people: everyone once, with the host marked.
    await clickTestId(ada.page, 'toggle-participants');
    await ada.page.waitForSelector(byTestId('participant-panel'));
    const rows = await inPage<string[]>(
      ada.page,
      `[...document.querySelectorAll('[data-testid="participant"]')].map((row) => row.getAttribute('data-peer-id'))`,
    );
    expect([...rows].sort()).toEqual([...peers.values()].sort());
    expect(
      await inPage(
        ada.page,
        `document.querySelector('[data-testid="participant"][data-user-id="${bob.id}"]').textContent`,
      ),
    ).toContain('Bob Kahn');
    await screenshot(ada.page, 'meeting-participants-desktop');
    await clickTestId(ada.page, 'toggle-participants');
  }, 180_000);

  it('comes back after a reload with a new peer, and nobody sees a duplicate', async () => {
    for (const round of [cy, bob]) {
      const oldPeerId = peers.get(round)!;
      await collectTimings(round);
      await round.page.reload({ waitUntil: 'domcontentloaded' });
      const newPeerId = await selfPeerId(round.page);
      expect(newPeerId).not.toBe(oldPeerId);
      peers.set(round, newPeerId);

      for (const user of [ada, bob, cy]) {
        await waitForLiveVideos(user.page, othersOf(user));
      }
      // Late events must not bring the old peer back.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const user of [ada, bob, cy]) {
        const ids = (await sampleRemoteVideos(user.page, 200)).map((sample) => sample.peerId);
        expect(ids).not.toContain(oldPeerId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(await cameraVideoCount(user.page)).toBe(2);
        expect(
          await inPage<number>(
            user.page,
            `document.querySelectorAll('[data-testid="tile"][data-kind="camera"]').length`,
          ),
        ).toBe(2);
      }
    }
  }, 180_000);

  it('shows screen shares as their own tiles at the others, two at once included', async () => {
    // Bob and Cy start sharing at the same moment: both renegotiate (glare on their pair).
    await Promise.all([clickTestId(bob.page, 'toggle-screen'), clickTestId(cy.page, 'toggle-screen')]);
    const bobPeer = peers.get(bob)!;
    const cyPeer = peers.get(cy)!;
    await waitForLiveVideos(ada.page, [
      { peerId: bobPeer },
      { peerId: cyPeer },
      { peerId: bobPeer, source: 'screen' },
      { peerId: cyPeer, source: 'screen' },
    ]);
    await waitForLiveVideos(bob.page, [
      { peerId: peers.get(ada)! },
      { peerId: cyPeer },
      { peerId: cyPeer, source: 'screen' },
    ]);
    await waitForLiveVideos(cy.page, [
      { peerId: peers.get(ada)! },
      { peerId: bobPeer },
      { peerId: bobPeer, source: 'screen' },
    ]);
    expect(await inPage<number>(bob.page, `document.querySelectorAll('video[data-local-screen]').length`)).toBe(1);
    await ada.page.bringToFront();
    await screenshot(ada.page, 'meeting-screen-share-desktop');

    await clickTestId(cy.page, 'toggle-screen');
    await waitForLiveVideos(ada.page, [{ peerId: bobPeer }, { peerId: cyPeer }, { peerId: bobPeer, source: 'screen' }]);
    await clickTestId(bob.page, 'toggle-screen');
    for (const user of [ada, bob, cy]) await waitForLiveVideos(user.page, othersOf(user));
  }, 180_000);

  it('shows the others when someone mutes or turns the camera off, and the camera comes back', async () => {
    const bobPeer = peers.get(bob)!;
    const tile = `[data-testid="tile"][data-tile-peer="${bobPeer}"][data-kind="camera"]`;
    await clickTestId(bob.page, 'toggle-mic');
    await ada.page.waitForFunction(`!!document.querySelector('${tile}[data-mic-muted]')`, { timeout: 20_000 });
    await clickTestId(bob.page, 'toggle-camera');
    await ada.page.waitForFunction(`!!document.querySelector('${tile}[data-video-off]')`, { timeout: 20_000 });
    // Camera off releases the device.
    const liveCameras = `window.parleyMeeting.localTracks().filter((track) => track.kind === 'video' && track.readyState === 'live' && !track.label.startsWith('screen')).length`;
    expect(await inPage(bob.page, liveCameras)).toBe(0);

    await clickTestId(bob.page, 'toggle-camera');
    await clickTestId(bob.page, 'toggle-mic');
    await ada.page.waitForFunction(`!!document.querySelector('${tile}:not([data-video-off]):not([data-mic-muted])')`, {
      timeout: 20_000,
    });
    await waitForLiveVideos(ada.page, othersOf(ada));
    expect(await inPage(bob.page, liveCameras)).toBe(1);
  }, 120_000);

  it('switches microphone and camera with replaceTrack: the others keep live video', async () => {
    await clickTestId(bob.page, 'device-settings');
    await bob.page.waitForSelector(byTestId('device-panel'));
    const before = await inPage<string[]>(
      bob.page,
      `window.parleyMeeting.localTracks().filter((t) => t.readyState === 'live').map((t) => t.id)`,
    );
    // Pick another microphone when there is one, and the camera again (a new track either way).
    const picked = await inPage<{ microphones: number; cameras: number }>(
      bob.page,
      `(() => {
        const choose = (testId, pickOther) => {
          const select = document.querySelector('[data-testid="' + testId + '"]');
          const options = [...select.options].filter((option) => option.value);
          const other = options.find((option) => option.value !== select.value);
          select.value = (pickOther && other ? other : options[0]).value;
          select.dispatchEvent(new Event('change', { bubbles: true }));
          return options.length;
        };
        return { microphones: choose('select-microphone', true), cameras: choose('select-camera', false) };
      })()`,
    );
    expect(picked.cameras).toBeGreaterThan(0);
    expect(picked.microphones).toBeGreaterThan(0);
    await bob.page.waitForFunction(
      `(() => { const live = window.parleyMeeting.localTracks().filter((t) => t.readyState === 'live' && !t.label.startsWith('screen'));
        return live.length === 2 && live.every((t) => !${JSON.stringify(before)}.includes(t.id)); })()`,
      { timeout: 20_000 },
    );
    expect(
      await inPage(
        bob.page,
        `window.parleyMeeting.localTracks().filter((t) => ${JSON.stringify(before)}.includes(t.id)).every((t) => t.readyState === 'ended')`,
      ),
    ).toBe(true);
    for (const user of [ada, cy]) await waitForLiveVideos(user.page, othersOf(user));
    await inPage(bob.page, `document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))`);
  }, 120_000);

  it('renegotiates from every side at once (ICE restart everywhere) and keeps every picture', async () => {
    await Promise.all([ada, bob, cy].map((user) => inPage(user.page, 'window.parleyMeeting.restartIce()')));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const user of [ada, bob, cy]) {
      await waitForLiveVideos(user.page, othersOf(user));
      const states = await inPage<string[]>(
        user.page,
        `window.parleyMeeting.stats().then((all) => all.map((entry) => entry.state))`,
      );
      expect(states).toEqual(['connected', 'connected']);
    }
  }, 120_000);

  it('ends for everyone when the host stops it: no live track, no open connection', async () => {
    for (const user of [ada, bob, cy]) {
      expect(await rememberStreams(user.page)).toBeGreaterThanOrEqual(3);
      await collectTimings(user);
    }
    expect(await inPage<number>(bob.page, `document.querySelectorAll('${byTestId('stop-meeting')}').length`)).toBe(0);
    await clickTestId(ada.page, 'stop-meeting');

    for (const user of [ada, bob, cy]) {
      await user.page.waitForSelector(byTestId('meeting-ended'), { timeout: 20_000 });
      const report = await leftovers(user.page);
      expect(report.remembered).toBeGreaterThan(0);
      expect(report.localTracks).toBeGreaterThan(0);
      expect(report.peerConnections).toBeGreaterThan(0);
      expect(report).toMatchObject({ liveRemembered: 0, liveInElements: 0, liveLocal: 0, openPeerConnections: 0 });
      expect(
        await inPage<number>(user.page, `document.querySelectorAll('video[data-peer-id], video[data-local]').length`),
      ).toBe(0);
    }
    expect(
      await inPage(bob.page, `document.querySelector('${byTestId('meeting-ended')}').getAttribute('data-reason')`),
    ).toBe('stopped');
    await bob.page.bringToFront();
    await screenshot(bob.page, 'meeting-ended-desktop');

    for (const user of [ada, bob, cy]) expect(pageErrors(user.page)).toEqual([]);

    expect(firstFrameTimes.length).toBeGreaterThanOrEqual(4);
    const p50 = Math.round(percentile(firstFrameTimes, 50));
    const max = Math.round(Math.max(...firstFrameTimes));
    console.log(`mesh join->first frame: p50 ${p50} ms, max ${max} ms (n=${firstFrameTimes.length})`);
  }, 120_000);
});
