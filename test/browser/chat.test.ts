/**
 * Chat in headless Chromium against a real server process: two users register, one finds and
 * adds the other, they chat both ways (text stays text), unread badges and mark-read, the
 * typing indicator, other tabs (read events, no duplicates), a group, presence going offline
 * and online again, and a reload keeping the history. Screenshots: test-output/screenshots/chat-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, PHONE_VIEWPORT, screenshot, type Page } from '../support/browser.js';
import {
  byTestId,
  contactSelector,
  conversationSelector,
  logInUser,
  openConversationId,
  registerUser,
  send,
  shownMessages,
  startChatHarness,
  waitConnected,
  waitForMessage,
  waitUnread,
  type ChatHarness,
  type ChatUser,
} from './chatHarness.js';

let harness: ChatHarness;
let ada: ChatUser;
let bob: ChatUser;
let carol: ChatUser;
let direct: string;

beforeAll(async () => {
  harness = await startChatHarness('browser_chat');
  ada = await registerUser(harness, 'ada', 'Ada Lovelace');
  bob = await registerUser(harness, 'bob', 'Bob Kahn');
  carol = await registerUser(harness, 'carol', 'Carol Shaw');
});

afterAll(async () => {
  await harness?.close();
});

/** Lets CSS transitions (colour scheme, drawer) finish before a screenshot. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

const online = (page: Page, userId: string) =>
  page.$eval(contactSelector(userId), (el) => el.getAttribute('data-online'));

async function waitOnline(page: Page, userId: string, value: 'true' | 'false', timeout = 15_000): Promise<void> {
  await page.waitForSelector(`${contactSelector(userId)}[data-online="${value}"]`, { timeout });
}

describe('chat between two people', () => {
  it('finds a user by username prefix, adds them and opens the direct conversation', async () => {
    const page = ada.page;
    await page.waitForSelector(byTestId('contacts-empty'));
    await page.type(byTestId('user-search'), 'bo');
    const result = `${byTestId('search-result')}[data-user-id="${bob.id}"]`;
    await page.waitForSelector(result);
    // Prefix search, the caller excluded.
    const found = await page.$$eval(byTestId('search-result'), (els) =>
      els.map((el) => el.getAttribute('data-user-id')),
    );
    expect(found).toEqual([bob.id]);
    await screenshot(page, 'chat-search-desktop');

    await page.click(`${result} ${byTestId('add-contact')}`);
    await page.waitForSelector(byTestId('conversation-pane'));
    direct = openConversationId(page);
    expect(await page.$eval(byTestId('conversation-title'), (el) => el.textContent)).toBe('Bob Kahn');
    // Bob is logged in: online straight from the contact answer.
    expect(await online(page, bob.id)).toBe('true');
    expect(await page.$eval(byTestId('conversation-subtitle'), (el) => el.textContent)).toBe('Online');
    expect(await page.$eval(byTestId('user-search'), (el) => (el as HTMLInputElement).value)).toBe('');
  });

  it('delivers messages both ways, as text, with unread badges cleared by reading', async () => {
    const hostile = 'Hi Bob <b>not bold</b> <img src=x onerror="window.__xss=1">';
    await send(ada.page, hostile);
    await waitForMessage(ada.page, hostile, 'sent');

    // Bob was added while online: the first message brings the conversation and the contact.
    await bob.page.waitForSelector(conversationSelector(direct));
    await waitUnread(bob.page, conversationSelector(direct), 1);
    await waitUnread(bob.page, contactSelector(ada.id), 1);
    await waitOnline(bob.page, ada.id, 'true');
    expect(
      await bob.page.$eval(
        `${conversationSelector(direct)} ${byTestId('conversation-preview')}`,
        (el) => el.textContent,
      ),
    ).toBe(hostile);
    await screenshot(bob.page, 'chat-unread-desktop');

    await bob.page.click(conversationSelector(direct));
    await waitForMessage(bob.page, hostile, 'sent');
    await waitUnread(bob.page, conversationSelector(direct), 0);
    await waitUnread(bob.page, contactSelector(ada.id), 0);
    // Rendered as text, never as HTML.
    expect(await bob.page.$$eval(`${byTestId('message')} b, ${byTestId('message')} img`, (els) => els.length)).toBe(0);
    expect(await bob.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    await send(bob.page, 'Hello Ada! See https://example.org/docs.');
    await waitForMessage(bob.page, 'Hello Ada! See https://example.org/docs.', 'sent');
    await waitForMessage(ada.page, 'Hello Ada! See https://example.org/docs.', 'sent');
    expect(await ada.page.$eval(`${byTestId('message')} a`, (el) => el.getAttribute('href'))).toBe(
      'https://example.org/docs',
    );
    // Ada has the conversation open: it is read at once, no badge.
    await waitUnread(ada.page, conversationSelector(direct), 0);
    // Shift+Enter makes a new line inside one message.
    await ada.page.type(byTestId('composer'), 'Line one');
    await ada.page.keyboard.down('Shift');
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.up('Shift');
    await ada.page.type(byTestId('composer'), 'line two');
    await ada.page.keyboard.press('Enter');
    await waitForMessage(ada.page, 'Line one\nline two', 'sent');

    const adaSees = await shownMessages(ada.page);
    expect(adaSees.map((m) => [m.mine, m.status])).toEqual([
      [true, 'sent'],
      [false, 'sent'],
      [true, 'sent'],
    ]);
    expect(adaSees[2]!.clientId).toMatch(/^[0-9a-f-]{36}$/);
    await screenshot(ada.page, 'chat-conversation-desktop');
  });

  it('shows "Bob is typing…" while Bob types and hides it when he sends', async () => {
    await bob.page.type(byTestId('composer'), 'Typing something lon');
    await ada.page.waitForSelector(byTestId('typing-indicator'));
    expect(await ada.page.$eval(byTestId('typing-indicator'), (el) => el.textContent)).toBe('Bob Kahn is typing…');
    await ada.page.waitForFunction(
      (sel: string) => document.querySelector(sel)?.textContent === 'typing…',
      {},
      `${conversationSelector(direct)} ${byTestId('conversation-preview')}`,
    );
    await screenshot(ada.page, 'chat-typing-desktop');
    await bob.page.type(byTestId('composer'), 'g');
    await bob.page.keyboard.press('Enter');
    await ada.page.waitForSelector(byTestId('typing-indicator'), { hidden: true, timeout: 3000 });
    await waitForMessage(ada.page, 'Typing something long');
  });

  it('keeps other tabs in step: read marks move their badges, own messages show once', async () => {
    // A second tab of Ada's (same cookie), on the home page.
    const second = await ada.page.browserContext().newPage();
    await second.goto(`${harness.url}/`);
    await waitConnected(second);
    await ada.page.goto(`${harness.url}/`);
    await waitConnected(ada.page);

    await send(bob.page, 'Are you there?');
    await waitUnread(ada.page, conversationSelector(direct), 1);
    await waitUnread(second, conversationSelector(direct), 1);

    // Reading it in the first tab clears the badge in the second (`read` event).
    await ada.page.bringToFront();
    await ada.page.click(contactSelector(bob.id));
    await waitForMessage(ada.page, 'Are you there?');
    await waitUnread(second, conversationSelector(direct), 0);

    // The second tab opens the conversation too; a message sent in the first shows once in both.
    await second.bringToFront();
    await second.click(conversationSelector(direct));
    await waitForMessage(second, 'Are you there?');
    await ada.page.bringToFront();
    await send(ada.page, 'Yes, two tabs open');
    await waitForMessage(second, 'Yes, two tabs open');
    await waitForMessage(ada.page, 'Yes, two tabs open');
    for (const page of [ada.page, second]) {
      const copies = (await shownMessages(page)).filter((m) => m.text === 'Yes, two tabs open');
      expect(copies).toHaveLength(1);
    }
    expect(pageErrors(second)).toEqual([]);
    await second.close();
  });

  it('creates a group with chosen contacts; the members get it with its first message', async () => {
    // Carol becomes a contact of Ada's first.
    await ada.page.type(byTestId('user-search'), 'car');
    await ada.page.waitForSelector(`${byTestId('search-result')}[data-user-id="${carol.id}"]`);
    await ada.page.click(`${byTestId('search-result')}[data-user-id="${carol.id}"] ${byTestId('add-contact')}`);
    await ada.page.waitForFunction((id: string) => location.pathname !== `/c/${id}`, {}, direct);

    await ada.page.click(byTestId('new-group'));
    await ada.page.waitForSelector(byTestId('group-title'), { visible: true });
    await ada.page.click(byTestId('create-group'));
    await ada.page.waitForSelector(byTestId('group-title-error'));
    await ada.page.type(byTestId('group-title'), 'Launch plan');
    await ada.page.click(`${byTestId('group-member')}[data-user-id="${bob.id}"]`);
    await ada.page.click(`${byTestId('group-member')}[data-user-id="${carol.id}"]`);
    await screenshot(ada.page, 'chat-new-group-desktop');
    await ada.page.click(byTestId('create-group'));
    await ada.page.waitForSelector(byTestId('new-group-dialog'), { hidden: true });
    await ada.page.waitForFunction(
      () => document.querySelector('[data-testid="conversation-title"]')?.textContent === 'Launch plan',
    );
    const group = openConversationId(ada.page);
    expect(await ada.page.$eval(byTestId('conversation-subtitle'), (el) => el.textContent)).toBe(
      '3 members · You, Bob Kahn and Carol Shaw',
    );

    await send(ada.page, 'Kick-off tomorrow at 10');
    for (const member of [bob, carol]) {
      await member.page.waitForSelector(conversationSelector(group));
      await waitUnread(member.page, conversationSelector(group), 1);
    }
    await carol.page.click(conversationSelector(group));
    await waitForMessage(carol.page, 'Kick-off tomorrow at 10');
    await send(carol.page, 'Works for me');
    await waitForMessage(ada.page, 'Works for me');
    await screenshot(carol.page, 'chat-group-desktop');
    // The newest conversation is on top of the list.
    const order = await bob.page.$$eval(byTestId('conversation'), (els) =>
      els.map((el) => el.getAttribute('data-conversation-id')),
    );
    expect(order[0]).toBe(group);
  });

  it('shows presence going offline when Bob closes his page and online when he is back', async () => {
    await ada.page.click(conversationSelector(direct));
    await ada.page.waitForSelector(byTestId('composer'));
    // Bob starts typing and vanishes: his indicator expires on its own (5 s).
    await bob.page.click(conversationSelector(direct));
    await bob.page.type(byTestId('composer'), 'Gotta g');
    await ada.page.waitForSelector(byTestId('typing-indicator'));
    const bobContext = bob.page.browserContext();
    expect(pageErrors(bob.page)).toEqual([]);
    await bobContext.close();

    await waitOnline(ada.page, bob.id, 'false');
    await ada.page.waitForFunction(() =>
      /^Last seen (just now|1 min ago)$/.test(
        document.querySelector('[data-testid="conversation-subtitle"]')?.textContent ?? '',
      ),
    );
    await ada.page.waitForSelector(byTestId('typing-indicator'), { hidden: true, timeout: 8000 });
    await screenshot(ada.page, 'chat-offline-desktop');

    await logInUser(harness, bob);
    await waitOnline(ada.page, bob.id, 'true');
    expect(await ada.page.$eval(byTestId('conversation-subtitle'), (el) => el.textContent)).toBe('Online');
  });

  it('keeps the history after a reload', async () => {
    const before = await shownMessages(ada.page);
    expect(before.length).toBeGreaterThanOrEqual(6);
    await ada.page.reload();
    await waitConnected(ada.page);
    await waitForMessage(ada.page, before[before.length - 1]!.text);
    const after = await shownMessages(ada.page);
    expect(after.map((m) => [m.id, m.text, m.status])).toEqual(before.map((m) => [m.id, m.text, 'sent']));
    expect(await ada.page.$(byTestId('history-start'))).not.toBeNull();
    await ada.page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await settle();
    await screenshot(ada.page, 'chat-conversation-desktop-dark');
    await ada.page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    expect(pageErrors(ada.page)).toEqual([]);
  });

  it('fits a phone: the conversation fills the screen, the sidebar is a drawer', async () => {
    const phone = await logInUser(harness, { ...carol }, { viewport: PHONE_VIEWPORT });
    await phone.goto(`${harness.url}/c/${encodeURIComponent(direct)}`);
    await phone.waitForSelector(byTestId('conversation-missing'));
    await phone.click(byTestId('sidebar-toggle'));
    await phone.waitForSelector(`${byTestId('sidebar')}[data-open="true"]`);
    await settle();
    await screenshot(phone, 'chat-sidebar-phone');
    await phone.click(byTestId('conversation'));
    await phone.waitForSelector(byTestId('composer'), { visible: true });
    await phone.waitForSelector(`${byTestId('sidebar')}[data-open="false"]`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    await send(phone, 'Sent from my phone');
    await waitForMessage(phone, 'Sent from my phone');
    await screenshot(phone, 'chat-conversation-phone');
    expect(pageErrors(phone)).toEqual([]);
  });
});
