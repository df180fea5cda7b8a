/**
 * The conversation pane under load and failure, in headless Chromium against a real server
 * process: paging history up while keeping the scroll position, following new messages only at
 * the bottom, pending messages resent after the server comes back, and a message that gets no
 * answer turning failed with a Retry that works. Screenshots: test-output/screenshots/chat-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, screenshot, type Page } from '../support/browser.js';
import {
  byTestId,
  conversationSelector,
  nodeSocket,
  POLL_MS,
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

const SEEDED = 130;
const PAGE_SIZE = 50;

let harness: ChatHarness;
let ada: ChatUser;
let bob: ChatUser;
let direct: string;

beforeAll(async () => {
  harness = await startChatHarness('browser_chat_res');
  ada = await registerUser(harness, 'ada', 'Ada Lovelace');
  bob = await registerUser(harness, 'bob', 'Bob Kahn');
  const added = (await ada.page.evaluate(
    `fetch('/api/contacts', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId: ${JSON.stringify(bob.id)} }) }).then((r) => r.json())`,
  )) as { contact: { conversationId: string } };
  direct = added.contact.conversationId;
});

afterAll(async () => {
  await harness?.close();
});

const label = (n: number) => `Message ${String(n).padStart(3, '0')}`;

/** Sends from Node, as Ada (another device of hers), and waits for each acknowledgement. */
async function sendFromNode(texts: string[]): Promise<void> {
  const socket = await nodeSocket(harness.url, 'ada');
  try {
    for (const [index, text] of texts.entries()) {
      const ack = (await socket
        .timeout(10_000)
        .emitWithAck('message', { conversationId: direct, clientId: `seed-${Date.now()}-${index}`, text })) as {
        ok: boolean;
      };
      expect(ack.ok).toBe(true);
    }
  } finally {
    socket.close();
  }
}

interface ScrollState {
  top: number;
  fromBottom: number;
}

const scrollState = (page: Page): Promise<ScrollState> =>
  page.$eval(byTestId('message-list'), (el) => ({
    top: el.scrollTop,
    fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight,
  }));

/** Where a message's text sits relative to the top of the scrolling list, in pixels. */
const offsetOf = (page: Page, messageId: string): Promise<number> =>
  page.$eval(
    byTestId('message-list'),
    (list, id) => {
      const el = list.querySelector(`[data-message-id="${id}"] [data-testid="message-text"]`);
      if (!el) throw new Error(`message ${id} not shown`);
      return el.getBoundingClientRect().top - list.getBoundingClientRect().top;
    },
    messageId,
  );

async function waitMessageCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n: number) => document.querySelectorAll('[data-testid="message"]').length === n,
    { polling: POLL_MS },
    count,
  );
}

describe('history and scrolling', () => {
  it('loads older pages when scrolled to the top and keeps what was on screen in place', async () => {
    // Bob watches them arrive (so they are read), then comes back later: a fresh page.
    await bob.page.goto(`${harness.url}/c/${encodeURIComponent(direct)}`);
    await bob.page.waitForSelector(byTestId('composer'));
    await sendFromNode(Array.from({ length: SEEDED }, (_, i) => label(i + 1)));
    await waitForMessage(bob.page, label(SEEDED));
    await waitUnread(bob.page, conversationSelector(direct), 0);
    await bob.page.reload();
    await waitForMessage(bob.page, label(SEEDED));
    await waitMessageCount(bob.page, PAGE_SIZE);
    expect((await scrollState(bob.page)).fromBottom).toBeLessThan(80);
    expect(await bob.page.$(byTestId('history-start'))).toBeNull();

    for (const expected of [2 * PAGE_SIZE, SEEDED]) {
      const shown = await shownMessages(bob.page);
      const firstId = shown[0]!.id!;
      // Where that message will be once scrolled to the very top.
      const before = (await offsetOf(bob.page, firstId)) + (await scrollState(bob.page)).top;
      await bob.page.$eval(byTestId('message-list'), (el) => el.scrollTo({ top: 0 }));
      await waitMessageCount(bob.page, expected);
      // The message that was at the top has not moved on screen.
      expect(Math.abs((await offsetOf(bob.page, firstId)) - before)).toBeLessThanOrEqual(2);
      expect((await scrollState(bob.page)).top).toBeGreaterThan(0);
    }
    await bob.page.$eval(byTestId('message-list'), (el) => el.scrollTo({ top: 0 }));
    await bob.page.waitForSelector(byTestId('history-start'), { visible: true });
    const all = await shownMessages(bob.page);
    expect(all.map((m) => m.text)).toEqual(Array.from({ length: SEEDED }, (_, i) => label(i + 1)));
    expect(new Set(all.map((m) => m.id)).size).toBe(SEEDED);
    await screenshot(bob.page, 'chat-history-top-desktop');
  });

  it('follows new messages only when already at the bottom', async () => {
    // Scrolled up in the middle of the history: a new message does not move the view.
    await bob.page.$eval(byTestId('message-list'), (el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reading = await scrollState(bob.page);
    await sendFromNode(['While you were reading']);
    await waitForMessage(bob.page, 'While you were reading');
    await bob.page.waitForSelector(byTestId('jump-to-latest'), { visible: true });
    expect(await bob.page.$eval(byTestId('jump-to-latest'), (el) => el.textContent)).toBe('1 new message');
    expect(Math.abs((await scrollState(bob.page)).top - reading.top)).toBeLessThanOrEqual(2);
    await screenshot(bob.page, 'chat-new-below-desktop');

    await bob.page.click(byTestId('jump-to-latest'));
    await bob.page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="message-list"]')!;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 5;
      },
      { polling: POLL_MS },
    );
    await bob.page.waitForSelector(byTestId('jump-to-latest'), { hidden: true });

    // At the bottom: the next one scrolls into view by itself.
    await sendFromNode(['And one more']);
    await waitForMessage(bob.page, 'And one more');
    await bob.page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="message-list"]')!;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 5;
      },
      { polling: POLL_MS, timeout: 2000 },
    );
    expect(pageErrors(bob.page)).toEqual([]);
  });
});

describe('sending through outages', () => {
  it('keeps a message pending while the server is down and sends it on reconnection', async () => {
    await ada.page.goto(`${harness.url}/c/${encodeURIComponent(direct)}`);
    await waitForMessage(ada.page, 'And one more');
    await harness.server.kill();
    await ada.page.waitForSelector(`${byTestId('connection-status')}:not([data-state="connected"])`);

    await send(ada.page, 'Sent while the server was down');
    await waitForMessage(ada.page, 'Sent while the server was down', 'pending');
    expect(await ada.page.$eval(byTestId('message-pending'), (el) => el.textContent)).toBe('Waiting for connection…');
    // The pending look fades in after half a second (quick sends never flash it).
    await new Promise((resolve) => setTimeout(resolve, 800));
    await screenshot(ada.page, 'chat-pending-desktop');

    await harness.restartServer();
    await waitConnected(ada.page, 30_000);
    await waitForMessage(ada.page, 'Sent while the server was down', 'sent', 15_000);
    await waitForMessage(bob.page, 'Sent while the server was down', 'sent', 30_000);
    const atBob = (await shownMessages(bob.page)).filter((m) => m.text === 'Sent while the server was down');
    expect(atBob).toHaveLength(1);
  });

  it('marks a message failed when no answer comes in time, and Retry sends it once', async () => {
    await waitConnected(bob.page, 30_000);
    const frozen = harness.server;
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      await send(ada.page, 'Sent to a frozen server');
      await waitForMessage(ada.page, 'Sent to a frozen server', 'pending', 2000);
      await waitForMessage(ada.page, 'Sent to a frozen server', 'failed', 20_000);
      await ada.page.waitForSelector(byTestId('retry'), { visible: true });
      await screenshot(ada.page, 'chat-failed-desktop');
    } finally {
      // The frozen process never read the message: kill it (SIGKILL works on a stopped process).
      await frozen.kill();
    }
    await harness.restartServer();
    await waitConnected(ada.page, 30_000);
    // A failed message waits for the user: the reconnection does not send it by itself.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await waitForMessage(ada.page, 'Sent to a frozen server', 'failed', 1000);

    await ada.page.click(byTestId('retry'));
    await waitForMessage(ada.page, 'Sent to a frozen server', 'sent');
    await waitForMessage(bob.page, 'Sent to a frozen server', 'sent', 30_000);
    expect((await shownMessages(bob.page)).filter((m) => m.text === 'Sent to a frozen server')).toHaveLength(1);
    expect((await shownMessages(ada.page)).filter((m) => m.text === 'Sent to a frozen server')).toHaveLength(1);
    expect(pageErrors(ada.page).filter((problem) => !/WebSocket|socket\.io/i.test(problem))).toEqual([]);
  }, 120_000);
});
