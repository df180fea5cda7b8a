/**
 * The meeting room features in headless Chromium, one server and one media node, a host and two
 * guests (mesh with two, SFU from the third: MESH_MAX_PARTICIPANTS=2):
 * the in-meeting chat reaches the others and stays after a reload (a late joiner reads it),
 * the host locks the meeting and admits a guest from the lobby, a raised hand shows on the
 * other pages, the host mutes a guest (the others' tile shows it muted, no more audio packets of
 * it arrive — the server paused its producer — and the guest's microphone goes off) and removes a guest (its page shows it was removed, also after a reload).
 * Screenshots: test-output/screenshots/meeting-room-{chat,lobby-guest,lobby-host,hands}.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type Page } from '../support/browser.js';
import { startSfuHarness, type SfuHarness } from '../support/sfuHarness.js';
import {
  byTestId,
  clickTestId,
  inPage,
  newUser,
  selfPeerId,
  textOf,
  type TestUser,
} from '../support/browserMeetingHarness.js';

let harness: SfuHarness;
let ada: TestUser; // host
let bob: TestUser;
let cy: TestUser;
let meetingId = '';
const peer = new Map<TestUser, string>();

const CHAT_TEXT = 'Hello from the meeting chat';

beforeAll(async () => {
  harness = await startSfuHarness('browser_meeting_room', {
    MESH_MAX_PARTICIPANTS: '2',
    MESH_RETURN_AT: '1',
  });
  ada = await newUser(harness, 'ada', 'Ada Host');
  bob = await newUser(harness, 'bob', 'Bob Guest');
  cy = await newUser(harness, 'cyd', 'Cyd Guest');
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

const goToMeeting = (user: TestUser) => user.page.goto(new URL(`/meet/${meetingId}`, harness.url).toString());

async function messagesIn(page: Page): Promise<string[]> {
  return inPage<string[]>(
    page,
    `[...document.querySelectorAll('[data-testid="meeting-chat"] [data-testid="message-text"]')].map((e) => e.textContent.trim())`,
  );
}

async function openChatAndWaitFor(page: Page, text: string): Promise<void> {
  if (!(await page.$(byTestId('meeting-chat')))) await clickTestId(page, 'toggle-chat');
  await page.waitForFunction(
    `[...document.querySelectorAll('[data-testid="meeting-chat"] [data-testid="message-text"]')].some((e) => e.textContent.includes(${JSON.stringify(text)}))`,
    { timeout: 20_000 },
  );
}

/** Audio packets this page has received from `peerId` so far (SFU session stats). */
async function audioPacketsFrom(page: Page, peerId: string): Promise<number> {
  return inPage<number>(
    page,
    `window.parleyMeeting.stats().then((all) => all.filter((s) => s.peerId === ${JSON.stringify(peerId)}).reduce((n, s) => n + s.audioPacketsReceived, 0))`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The host's row action in the people panel for `user`. */
async function hostAction(user: TestUser, action: string): Promise<void> {
  if (!(await ada.page.$(byTestId('participant-panel')))) await clickTestId(ada.page, 'toggle-participants');
  const selector = `[data-testid="participant"][data-user-id="${user.id}"] [data-testid="${action}"]`;
  await ada.page.waitForSelector(selector, { timeout: 20_000 });
  await inPage(ada.page, `document.querySelector(${JSON.stringify(selector)}).click()`);
}

describe('the meeting room', () => {
  it('chats beside the video: a message reaches the others', async () => {
    await ada.page.goto(new URL('/', harness.url).toString());
    await clickTestId(ada.page, 'new-meeting');
    const card = await ada.page.waitForSelector(byTestId('new-meeting-card'));
    meetingId = (await card!.evaluate((element) => element.getAttribute('data-meeting-id'))) ?? '';
    await clickTestId(ada.page, 'join-new-meeting');
    peer.set(ada, await selfPeerId(ada.page));
    await goToMeeting(bob);
    peer.set(bob, await selfPeerId(bob.page));

    await clickTestId(bob.page, 'toggle-chat');
    await bob.page.waitForSelector(`${byTestId('meeting-chat')} ${byTestId('composer')}`, { timeout: 20_000 });
    await bob.page.type(`${byTestId('meeting-chat')} ${byTestId('composer')}`, CHAT_TEXT);
    await bob.page.keyboard.press('Enter');
    await openChatAndWaitFor(bob.page, CHAT_TEXT);

    // The host sees the unread count on the Chat button, then the message in the panel.
    await ada.page.waitForFunction(
      `(document.querySelector('[data-testid="toggle-chat"]')?.textContent ?? '').includes('1')`,
      { timeout: 20_000 },
    );
    await openChatAndWaitFor(ada.page, CHAT_TEXT);
    expect(await messagesIn(ada.page)).toEqual([CHAT_TEXT]);
    // The sender is named (the host's page learnt that bob joined the meeting's conversation).
    await ada.page.waitForFunction(
      `(document.querySelector('[data-testid="meeting-chat"] [data-testid="message"]')?.textContent ?? '').includes('Bob Guest')`,
      { timeout: 20_000 },
    );
    await ada.page.bringToFront();
    await screenshot(ada.page, 'meeting-room-chat');
  });

  it('locks the meeting and admits a third from the lobby', async () => {
    await clickTestId(ada.page, 'toggle-participants');
    await ada.page.waitForSelector(byTestId('lock-meeting'));
    await inPage(ada.page, `document.querySelector('[data-testid="lock-meeting"]').click()`);
    await ada.page.waitForFunction(`document.querySelector('[data-testid="lock-meeting"]').checked === true`);

    await goToMeeting(cy);
    await cy.page.waitForSelector(byTestId('meeting-lobby'), { timeout: 30_000 });
    await cy.page.bringToFront();
    await screenshot(cy.page, 'meeting-room-lobby-guest');
    await ada.page.waitForSelector(`${byTestId('lobby-request')}[data-user-id="${cy.id}"]`, { timeout: 20_000 });
    await ada.page.bringToFront();
    await screenshot(ada.page, 'meeting-room-lobby-host');
    await clickTestId(ada.page, 'lobby-admit');
    peer.set(cy, await selfPeerId(cy.page));
    await ada.page.waitForSelector(`[data-testid="participant"][data-user-id="${cy.id}"]`, { timeout: 20_000 });

    // A late joiner reads what was said before.
    await openChatAndWaitFor(cy.page, CHAT_TEXT);
  });

  it('shows a raised hand on the other pages', async () => {
    await clickTestId(cy.page, 'toggle-hand');
    for (const user of [ada, bob]) {
      await user.page.waitForSelector(`[data-testid="tile"][data-tile-peer="${peer.get(cy)}"][data-hand="1"]`, {
        timeout: 20_000,
      });
    }
    // Hands first in the host's people panel.
    const first = await inPage<string | null>(
      ada.page,
      `document.querySelector('[data-testid="participant"]')?.getAttribute('data-user-id') ?? null`,
    );
    expect(first).toBe(cy.id);
    await ada.page.bringToFront();
    await screenshot(ada.page, 'meeting-room-hands');
  });

  it('mutes a guest: the others see the tile muted, no more of its audio arrives, and its microphone goes off', async () => {
    // Three participants: the meeting runs on the SFU now.
    for (const user of [ada, bob, cy]) {
      await user.page.waitForFunction(
        `document.querySelector('[data-testid="meeting-mode"]')?.textContent.trim() === 'sfu' && window.parleyMeeting.transports().join() === 'sfu'`,
        { timeout: 45_000 },
      );
    }
    expect(await textOf(cy.page, 'meeting-mode')).toBe('sfu');
    // Bob's audio reaches cy over the SFU.
    const start = await audioPacketsFrom(cy.page, peer.get(bob)!);
    await cy.page.waitForFunction(
      `window.parleyMeeting.stats().then((all) => all.filter((s) => s.peerId === ${JSON.stringify(peer.get(bob))}).reduce((n, s) => n + s.audioPacketsReceived, 0) > ${start + 20})`,
      { timeout: 30_000, polling: 500 },
    );
    expect(
      await inPage(bob.page, `window.parleyMeeting.localTracks().some((t) => t.kind === 'audio' && t.enabled)`),
    ).toBe(true);
    await hostAction(bob, 'mute-audio');
    await cy.page.waitForSelector(`[data-testid="tile"][data-tile-peer="${peer.get(bob)}"][data-mic-muted]`, {
      timeout: 20_000,
    });
    // The server paused bob's audio producer: after what was in flight, nothing more arrives.
    await sleep(1000);
    const afterMute = await audioPacketsFrom(cy.page, peer.get(bob)!);
    await sleep(2000);
    expect(await audioPacketsFrom(cy.page, peer.get(bob)!)).toBe(afterMute);
    await bob.page.waitForSelector(byTestId('room-notice'), { timeout: 20_000 });
    await bob.page.waitForFunction(
      `window.parleyMeeting.localTracks().filter((t) => t.kind === 'audio').every((t) => !t.enabled)`,
      { timeout: 20_000 },
    );
    // It stays muted on the others' pages (now from what bob's page reports).
    await ada.page.waitForSelector(`[data-testid="tile"][data-tile-peer="${peer.get(bob)}"][data-mic-muted]`, {
      timeout: 20_000,
    });
  });

  it('keeps the chat after a reload', async () => {
    await bob.page.reload();
    peer.set(bob, await selfPeerId(bob.page));
    await openChatAndWaitFor(bob.page, CHAT_TEXT);
    expect(await messagesIn(bob.page)).toEqual([CHAT_TEXT]);
  });

  it('removes a guest: its page shows it was removed, also after a reload', async () => {
    await hostAction(cy, 'remove-participant');
    await cy.page.waitForSelector(byTestId('meeting-removed'), { timeout: 20_000 });
    await ada.page.waitForFunction(`!document.querySelector('[data-testid="participant"][data-user-id="${cy.id}"]')`, {
      timeout: 20_000,
    });
    await cy.page.reload();
    await cy.page.waitForSelector(byTestId('meeting-removed'), { timeout: 30_000 });
  });
});
