/**
 * Firefox ESR (WebDriver BiDi, fake devices by pref) beside Chromium, against one real server
 * process and one real media node (MESH_MAX_PARTICIPANTS=4, the media node listening as in
 * development: loopback and the first external IPv4), one Chromium and one Firefox browser:
 * - chat and login through the forms in Firefox, with a Chromium user on the other end;
 * - a mesh call of two Chromium pages and one Firefox page: every page sees every video with
 *   frames advancing, and a screen share from Firefox (a canvas stream stands in for Firefox's
 *   screen picker, which no pref answers);
 * - two Chromium pages join and every page moves to the SFU: the freeze of the switch is
 *   measured as for Chromium and printed; a second Firefox page joins the SFU meeting;
 * - the SFU meeting of six with two Firefox pages: Firefox's simulcast layers as its getStats
 *   reports them (the page that joined in SFU mode; the one that joined in mesh is printed), the
 *   layer a Chromium page receives from Firefox follows its tile size (two window sizes), mute,
 *   and camera off/on (a new camera track) from Firefox;
 * - the load tester with `--browser firefox` against the same server.
 * Chromium pages use the mesh camera size in SFU mode (?sfuVideo=320x180@15: they share one
 * browser's fake camera); the Firefox pages send the default SFU camera (960x540, simulcast).
 * Firefox paints only the tab in front: the helpers bring a Firefox page to the front before
 * counting its frames. Figures are printed (`[firefox] ...`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../../loadtest/src/reportTypes.js';
import { REPO_ROOT, launchBrowser, pageErrors, screenshot, type Browser } from '../support/browser.js';
import {
  SFU_SERVER_PRESENT,
  startFreezeMonitor,
  startSfuHarness,
  stopFreezeMonitor,
  transportsOf,
  type SfuHarness,
} from '../support/sfuHarness.js';
import {
  byTestId,
  conversationSelector,
  logInUser,
  openConversationId,
  registerUser,
  send,
  waitForMessage,
  type ChatHarness,
} from './chatHarness.js';
import {
  clickTestId,
  inPage,
  newUser,
  selfPeerId,
  waitForLiveVideos,
  type TestUser,
} from '../support/meetingHarness.js';
import { sentLayers, type Layer } from './simulcastProbes.js';

const RUN = SFU_SERVER_PRESENT;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let harness: SfuHarness;
let firefox: Browser;
let meetingId = '';
const peers = new Map<TestUser, string>();
const firefoxUsers = new Set<TestUser>();
let ada: TestUser; // Chromium, host
let bob: TestUser; // Chromium
let fox: TestUser; // Firefox
let cyd: TestUser; // Chromium
let dee: TestUser; // Chromium
let fen: TestUser; // Firefox, joins the meeting already in SFU mode

function othersOf(user: TestUser): { peerId: string }[] {
  return [...peers].filter(([other]) => other !== user).map(([, peerId]) => ({ peerId }));
}

async function join(user: TestUser): Promise<void> {
  const sfuVideo = firefoxUsers.has(user) ? '' : '&sfuVideo=320x180@15';
  await user.page.goto(new URL(`/meet/${meetingId}?ap=0${sfuVideo}`, harness.url).toString(), {
    waitUntil: 'domcontentloaded',
  });
  peers.set(user, await selfPeerId(user.page));
}

async function waitForTransports(user: TestUser, wanted: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await transportsOf(user.page)) === wanted) return;
    await sleep(200);
  }
  throw new Error(`${user.username} runs ${await transportsOf(user.page)}, not ${wanted}`);
}

/** Firefox's simulcast as its getStats reports it: rids with frames advancing. */
async function firefoxLayers(user: TestUser): Promise<{ first: Layer[]; last: Layer[] }> {
  const first = await sentLayers(user.page);
  await sleep(1000);
  return { first, last: await sentLayers(user.page) };
}

beforeAll(async () => {
  if (!RUN) return;
  harness = await startSfuHarness(
    'browser_firefox',
    {
      MESH_MAX_PARTICIPANTS: '4',
      MESH_RETURN_AT: '2',
      MESH_RETURN_HOLD_MS: '1500',
    },
    // The default listening of a development media node: loopback and this host's first
    // external IPv4 (Firefox gathers no loopback candidates).
    { mediaEnv: { MEDIA_LISTEN_IP: undefined } },
  );
  firefox = await launchBrowser({ browser: 'firefox' });
}, 240_000);

afterAll(async () => {
  await harness?.close();
});

describe.skipIf(!RUN)('Firefox', () => {
  it('registers, logs in and chats with a Chromium user', async () => {
    const chromeSide = { url: harness.url, browser: harness.browser } as ChatHarness;
    const firefoxSide = { url: harness.url, browser: firefox } as ChatHarness;
    const chromeUser = await registerUser(chromeSide, 'chloe', 'Chloe Chromium');
    const foxUser = await registerUser(firefoxSide, 'felix', 'Felix Firefox');
    // A second Firefox context logs in through the form.
    await foxUser.page.browserContext().close();
    await logInUser(firefoxSide, foxUser);

    const page = foxUser.page;
    await page.type(byTestId('user-search'), 'chl');
    const result = `${byTestId('search-result')}[data-user-id="${chromeUser.id}"]`;
    await page.waitForSelector(result);
    await page.click(`${result} ${byTestId('add-contact')}`);
    await page.waitForSelector(byTestId('conversation-pane'));
    await send(page, 'Hello from Firefox');
    await waitForMessage(page, 'Hello from Firefox', 'sent');

    const conversation = conversationSelector(openConversationId(page));
    await chromeUser.page.waitForSelector(conversation);
    await chromeUser.page.click(conversation);
    await waitForMessage(chromeUser.page, 'Hello from Firefox', 'sent');
    await send(chromeUser.page, 'Hello from Chromium');
    await waitForMessage(page, 'Hello from Chromium', 'sent');
    await screenshot(page, 'firefox-chat');
    expect(pageErrors(page)).toEqual([]);
    await chromeUser.page.browserContext().close();
    await page.browserContext().close();
  }, 120_000);

  it('meets in mesh with two Chromium pages: every page sees every video, and a screen share from Firefox', async () => {
    ada = await newUser(harness, 'ada', 'Ada');
    bob = await newUser(harness, 'bob', 'Bob');
    fox = await newUser({ ...harness, browser: firefox }, 'fox', 'Fox');
    firefoxUsers.add(fox);
    const created = await inPage<{ meeting: { id: string } }>(
      ada.page,
      `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access: 'link' }) }).then((res) => res.json())`,
    );
    meetingId = created.meeting.id;
    for (const user of [ada, bob, fox]) await join(user);
    for (const user of [ada, bob, fox]) {
      const samples = await waitForLiveVideos(user.page, othersOf(user));
      expect(samples).toHaveLength(2);
      expect(await transportsOf(user.page)).toBe('mesh');
    }

    // Firefox shows its own screen picker to getDisplayMedia, which no pref answers: a canvas
    // stream stands in for the chosen screen (what the app does with it is what is tested).
    await inPage(
      fox.page,
      `navigator.mediaDevices.getDisplayMedia = async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 640;
        canvas.height = 360;
        const context = canvas.getContext('2d');
        setInterval(() => { context.fillStyle = 'hsl(' + (Date.now() / 20) % 360 + ', 60%, 50%)'; context.fillRect(0, 0, 640, 360); }, 66);
        return canvas.captureStream(15);
      }`,
    );
    await clickTestId(fox.page, 'toggle-screen');
    const screen = { peerId: peers.get(fox)!, source: 'screen' as const };
    for (const user of [ada, bob]) await waitForLiveVideos(user.page, [...othersOf(user), screen], 30_000);
    await screenshot(ada.page, 'firefox-mesh-screen');
    await clickTestId(fox.page, 'toggle-screen');
    for (const user of [ada, bob, fox]) await waitForLiveVideos(user.page, othersOf(user), 30_000);
  }, 180_000);

  it('moves to the SFU when the fifth joins, a Firefox page among them, freeze measured; a second Firefox page joins', async () => {
    cyd = await newUser(harness, 'cyd', 'Cyd');
    dee = await newUser(harness, 'dee', 'Dee');
    fen = await newUser({ ...harness, browser: firefox }, 'fen', 'Fen');
    firefoxUsers.add(fen);
    // Firefox paints only the tab in front: fox's, to measure its freeze.
    await fox.page.bringToFront();
    for (const user of [ada, bob, fox]) await startFreezeMonitor(user.page);
    await join(cyd);
    await join(dee);
    const five = [ada, bob, fox, cyd, dee];
    for (const user of five) await waitForTransports(user, 'sfu', 60_000);
    for (const user of five) await waitForLiveVideos(user.page, othersOf(user), 60_000);
    const monitored = [];
    for (const user of [ada, bob, fox]) monitored.push({ user, freezes: await stopFreezeMonitor(user.page) });
    // The second Firefox page opens the meeting already in SFU mode (its camera at the SFU size).
    await join(fen);
    for (const user of [...five, fen]) await waitForLiveVideos(user.page, othersOf(user), 60_000);
    for (const { user, freezes } of monitored) {
      const worst = Math.max(...freezes.map((f) => f.frameGapMs ?? f.maxGapMs));
      console.log(
        `[firefox] switch freeze on ${user.username}: ${freezes.map((f) => `${f.maxGapMs} ms (clock ${f.frameGapMs ?? '-'})`).join(', ')}`,
      );
      expect(freezes.every((f) => f.replaced === 0)).toBe(true);
      expect(worst).toBeLessThan(4000);
    }
  }, 240_000);

  it('mutes, and turns the camera off and on (a new track) in Firefox', async () => {
    const foxTile = `[data-testid="tile"][data-tile-peer="${peers.get(fox)!}"][data-kind="camera"]`;
    await clickTestId(fox.page, 'toggle-mic');
    await ada.page.waitForSelector(`${foxTile}[data-mic-muted]`, { timeout: 20_000 });
    await clickTestId(fox.page, 'toggle-mic');
    await ada.page.waitForSelector(`${foxTile}:not([data-mic-muted])`, { timeout: 20_000 });

    // The camera of fen off and on again: a new track, still three layers.
    const fenTile = `[data-testid="tile"][data-tile-peer="${peers.get(fen)!}"][data-kind="camera"]`;
    const before = await inPage<string>(
      fen.page,
      `window.parleyMeeting.localTracks().find((t) => t.kind === 'video' && t.readyState === 'live').id`,
    );
    await clickTestId(fen.page, 'toggle-camera');
    await ada.page.waitForSelector(`${fenTile}[data-video-off]`, { timeout: 20_000 });
    await clickTestId(fen.page, 'toggle-camera');
    await ada.page.waitForSelector(`${fenTile}:not([data-video-off])`, { timeout: 20_000 });
    await fen.page.waitForFunction(
      `window.parleyMeeting.localTracks().some((t) => t.kind === 'video' && t.readyState === 'live' && t.id !== ${JSON.stringify(before)})`,
      { timeout: 20_000 },
    );
    for (const user of [ada, fox]) await waitForLiveVideos(user.page, othersOf(user), 30_000);
    const { last } = await firefoxLayers(fen);
    expect(last.map((layer) => layer.rid).join()).toBe('r0,r1,r2');
    for (const user of [fox, fen]) expect(pageErrors(user.page)).toEqual([]);
  }, 120_000);

  it('is the browser of the load tester with --browser firefox', async () => {
    const outDir = mkdtempSync(joinPath(tmpdir(), 'parley-loadtest-firefox-'));
    try {
      const cli = joinPath(REPO_ROOT, 'loadtest', 'src', 'cli.ts');
      const args = ['--target', harness.url, '--browser', 'firefox', '-s', '2', '-d', '4', '--join-rate', '5'];
      const run = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', cli, ...args, '--progress', 'none', '--out', outDir, '-t', 'failed<=0'],
        { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } },
      ).catch((error: { code?: number; stdout?: string; stderr?: string }) => error);
      expect(run.stdout).toMatch(/thresholds: PASSED/);
      const report = JSON.parse(readFileSync(joinPath(outDir, 'report.json'), 'utf8')) as LoadReport;
      expect(report.summary).toMatchObject({ clients: 2, joined: 2, failed: 0 });
      for (const client of report.clients) expect(client.fpsMean, client.id).toBeGreaterThan(0);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 150_000);
});
