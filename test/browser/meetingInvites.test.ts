/**
 * Starting meetings and being invited, in headless Chromium against a real server process: the
 * "Meet" button of a group conversation invites its members, whose incoming-meeting toast
 * (live `meeting_invitation`) joins them; a member who logs in later gets the toast too
 * (catch-up) and can decline it for good; the toasts and the ongoing list disappear when the
 * meeting ends. The phone layout of a call is checked on the way. Screenshots:
 * test-output/screenshots/meeting-invite-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_VIEWPORT, newUserPage, pageErrors, screenshot, type Page } from '../support/browser.js';
import {
  PASSWORD,
  byTestId,
  clickTestId,
  inPage,
  leftovers,
  newUser,
  rememberStreams,
  selfPeerId,
  startMeetingHarness,
  waitForLiveVideos,
  type MeetingHarness,
  type TestUser,
} from '../support/browserMeetingHarness.js';

let harness: MeetingHarness;
let ada: TestUser;
let bob: TestUser;
let cydId = '';
let cydPage: Page;
let conversationId = '';

const toast = (meetingId: string) => `${byTestId('meeting-toast')}[data-meeting-id="${meetingId}"]`;

async function post<T>(page: Page, path: string, body: unknown): Promise<T> {
  return inPage<T>(
    page,
    `fetch(${JSON.stringify(path)}, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(body))} })
      .then(async (response) => { if (!response.ok) throw new Error(response.status + ' ' + (await response.text())); return response.json(); })`,
  );
}

/** Ada opens the conversation and presses "Meet"; returns the meeting id once she is in. */
async function adaStartsMeeting(): Promise<string> {
  await ada.page.goto(new URL(`/c/${conversationId}`, harness.url).toString());
  await clickTestId(ada.page, 'start-meeting');
  await ada.page.waitForFunction('location.pathname.startsWith("/meet/")', { timeout: 20_000 });
  await selfPeerId(ada.page);
  return decodeURIComponent(new URL(ada.page.url()).pathname.split('/')[2] ?? '');
}

beforeAll(async () => {
  harness = await startMeetingHarness('browser_meeting_invites');
  ada = await newUser(harness, 'ada', 'Ada Lovelace');
  bob = await newUser(harness, 'bob', 'Bob Kahn');
  // Cyd has an account but logs in only once the meeting is running.
  const response = await fetch(new URL('/api/auth/register', harness.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'cyd', password: PASSWORD, displayName: 'Cyd Young' }),
  });
  expect(response.status).toBe(201);
  cydId = ((await response.json()) as { user: { id: string } }).user.id;

  await post(ada.page, '/api/contacts', { userId: bob.id });
  await post(ada.page, '/api/contacts', { userId: cydId });
  const { conversation } = await post<{ conversation: { id: string } }>(ada.page, '/api/conversations', {
    title: 'Analytical engine',
    memberIds: [bob.id, cydId],
  });
  conversationId = conversation.id;
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

describe('meeting invitations', () => {
  let meetingId = '';

  it('"Meet" in a conversation invites its members; the toast joins them (phone layout)', async () => {
    await bob.page.setViewport(PHONE_VIEWPORT);
    await bob.page.goto(new URL('/', harness.url).toString());
    await bob.page.waitForSelector(byTestId('shell'));

    meetingId = await adaStartsMeeting();
    expect(meetingId).not.toBe('');

    await bob.page.waitForSelector(toast(meetingId), { visible: true, timeout: 20_000 });
    expect(await inPage(bob.page, `document.querySelector('${toast(meetingId)}').textContent`)).toContain(
      'Analytical engine',
    );
    await screenshot(bob.page, 'meeting-invite-toast-phone');
    await clickTestId(bob.page, 'toast-join');
    await bob.page.waitForFunction(`location.pathname === ${JSON.stringify(`/meet/${meetingId}`)}`);
    const bobPeer = await selfPeerId(bob.page);
    const adaPeer = await inPage<string>(ada.page, 'window.parleyMeeting.selfPeerId()');
    await waitForLiveVideos(bob.page, [{ peerId: adaPeer }]);
    await waitForLiveVideos(ada.page, [{ peerId: bobPeer }]);

    // Phone: two tiles stacked in one column, nothing wider than the screen.
    expect(
      await inPage(bob.page, `document.querySelector('${byTestId('camera-grid')}').getAttribute('data-columns')`),
    ).toBe('1');
    expect(await inPage<number>(bob.page, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE_VIEWPORT.width,
    );
    await bob.page.bringToFront();
    await screenshot(bob.page, 'meeting-invite-call-phone');
    await ada.page.bringToFront();
    await screenshot(ada.page, 'meeting-invite-call-desktop');
  }, 180_000);

  it('shows the toast after a later login (catch-up); Decline hides it for good, the home list keeps it', async () => {
    cydPage = await newUserPage(harness.browser, harness.url, { path: '/login' });
    await cydPage.waitForSelector(byTestId('username'));
    await cydPage.locator(byTestId('username')).fill('cyd');
    await cydPage.locator(byTestId('password')).fill(PASSWORD);
    await clickTestId(cydPage, 'submit');
    await cydPage.waitForSelector(toast(meetingId), { visible: true, timeout: 20_000 });
    await cydPage.bringToFront();
    await screenshot(cydPage, 'meeting-invite-toast-desktop');

    await clickTestId(cydPage, 'toast-decline');
    await cydPage.waitForSelector(toast(meetingId), { hidden: true });
    await cydPage.reload({ waitUntil: 'domcontentloaded' });
    await cydPage.waitForSelector(`${byTestId('ongoing-meeting')}[data-meeting-id="${meetingId}"]`, {
      timeout: 20_000,
    });
    // The catch-up invitation arrives again on the new connection, but stays declined.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await cydPage.$(toast(meetingId))).toBeNull();
  }, 120_000);

  it('leaves with nothing left running, and rejoins', async () => {
    const bobPeer = await inPage<string>(bob.page, 'window.parleyMeeting.selfPeerId()');
    await rememberStreams(bob.page);
    await clickTestId(bob.page, 'leave-meeting');
    await bob.page.waitForSelector(byTestId('meeting-left'), { timeout: 20_000 });
    expect(await leftovers(bob.page)).toMatchObject({
      liveRemembered: 0,
      liveInElements: 0,
      liveLocal: 0,
      openPeerConnections: 0,
    });
    await ada.page.waitForFunction(`!document.querySelector('video[data-peer-id="${bobPeer}"]')`, { timeout: 20_000 });

    await clickTestId(bob.page, 'rejoin');
    const again = await selfPeerId(bob.page);
    expect(again).not.toBe(bobPeer);
    await waitForLiveVideos(ada.page, [{ peerId: again }]);
  }, 120_000);

  it('takes the toasts and the ongoing list away when the meeting ends', async () => {
    await clickTestId(ada.page, 'stop-meeting');
    await bob.page.waitForSelector(byTestId('meeting-ended'), { timeout: 20_000 });
    await cydPage.waitForSelector(`${byTestId('ongoing-meeting')}[data-meeting-id="${meetingId}"]`, {
      hidden: true,
      timeout: 20_000,
    });

    // A second meeting: both members get a toast; it goes away when Ada ends it unanswered.
    await bob.page.goto(new URL('/', harness.url).toString());
    const second = await adaStartsMeeting();
    expect(second).not.toBe(meetingId);
    await bob.page.waitForSelector(toast(second), { visible: true, timeout: 20_000 });
    await cydPage.waitForSelector(toast(second), { visible: true, timeout: 20_000 });
    await clickTestId(ada.page, 'stop-meeting');
    await ada.page.waitForSelector(byTestId('meeting-ended'), { timeout: 20_000 });
    await bob.page.waitForSelector(toast(second), { hidden: true, timeout: 20_000 });
    await cydPage.waitForSelector(toast(second), { hidden: true, timeout: 20_000 });

    for (const page of [ada.page, bob.page, cydPage]) expect(pageErrors(page)).toEqual([]);
  }, 120_000);
});
