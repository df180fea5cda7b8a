/**
 * The large-meeting UI of the meeting page (client/src/meeting/layout) in headless Chromium,
 * with three participants in a mesh call (no media node needed): every remote tile carries a
 * connection-quality indicator computed from getStats, and the speaker-view toggle moves one
 * participant to a large stage and the others to a strip and back, with the remote videos
 * still live. The paging rules and the tile report are covered by client/test/sfuLogic.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { startSfuHarness, type SfuHarness } from '../support/sfuHarness.js';
import {
  byTestId,
  clickTestId,
  inPage,
  newUser,
  selfPeerId,
  waitForLiveVideos,
  type TestUser,
} from '../support/browserMeetingHarness.js';

let harness: SfuHarness;
const users: TestUser[] = [];
const peers = new Map<TestUser, string>();

function othersOf(user: TestUser): { peerId: string }[] {
  return [...peers].filter(([other]) => other !== user).map(([, peerId]) => ({ peerId }));
}

beforeAll(async () => {
  harness = await startSfuHarness('browser_sfu_layout', {}, { media: false });
  for (const name of ['lia', 'max', 'noa']) users.push(await newUser(harness, name, name.toUpperCase()));
  const created = await inPage<{ meeting: { id: string } }>(
    users[0]!.page,
    `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access: 'link' }) }).then((res) => res.json())`,
  );
  for (const user of users) {
    await user.page.goto(new URL(`/meet/${created.meeting.id}?ap=0`, harness.url).toString(), {
      waitUntil: 'domcontentloaded',
    });
    peers.set(user, await selfPeerId(user.page));
  }
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

describe('the meeting stage', () => {
  it('shows a connection-quality indicator on every remote tile', async () => {
    for (const user of users) await waitForLiveVideos(user.page, othersOf(user));
    const [lia] = users as [TestUser];
    await lia.page.waitForFunction(`document.querySelectorAll('${byTestId('connection-quality')}').length === 2`, {
      timeout: 20_000,
    });
    const badges = await inPage<{ peer: string | null; level: string | null; title: string | null }[]>(
      lia.page,
      `[...document.querySelectorAll('${byTestId('connection-quality')}')].map((badge) => ({
        peer: badge.closest('[data-tile-peer]').getAttribute('data-tile-peer'),
        level: badge.getAttribute('data-level'),
        title: badge.getAttribute('title'),
      }))`,
    );
    expect(badges.map((badge) => badge.peer).sort()).toEqual(
      othersOf(lia)
        .map((entry) => entry.peerId)
        .sort(),
    );
    for (const badge of badges) {
      expect(['good', 'fair', 'poor']).toContain(badge.level);
      expect(badge.title).toMatch(/^Connection (good|fair|poor): \d+ % loss/);
    }
    // No pager with three people (a page holds 9 tiles).
    expect(await inPage<number>(lia.page, `document.querySelectorAll('${byTestId('grid-pager')}').length`)).toBe(0);
  }, 120_000);

  it('switches to the speaker view and back, with the remote videos still live', async () => {
    const [lia] = users as [TestUser];
    await lia.page.bringToFront();
    await clickTestId(lia.page, 'speaker-view-toggle');
    await lia.page.waitForSelector(`${byTestId('speaker-stage')} video[data-peer-id]`, { timeout: 10_000 });
    const layout = await inPage<{ stage: number; strip: number; local: number }>(
      lia.page,
      `({
        stage: document.querySelectorAll('${byTestId('speaker-stage')} video[data-peer-id]').length,
        strip: document.querySelectorAll('${byTestId('camera-grid')} video[data-peer-id]').length,
        local: document.querySelectorAll('${byTestId('camera-grid')} video[data-local]').length,
      })`,
    );
    expect(layout).toEqual({ stage: 1, strip: 1, local: 1 });
    await waitForLiveVideos(lia.page, othersOf(lia));
    await screenshot(lia.page, 'sfu-layout-speaker-view');

    await clickTestId(lia.page, 'speaker-view-toggle');
    await lia.page.waitForFunction(`!document.querySelector('${byTestId('speaker-stage')}')`, { timeout: 10_000 });
    expect(
      await inPage<number>(
        lia.page,
        `document.querySelectorAll('${byTestId('camera-grid')} video[data-peer-id]').length`,
      ),
    ).toBe(2);
    await waitForLiveVideos(lia.page, othersOf(lia));
  }, 120_000);
});
