/**
 * Shared set-up of the chat browser tests: one real server process (PostgreSQL + Redis, its own
 * database and key prefix, a fixed JWT secret so sessions survive a restart on the same port),
 * one headless Chromium with a context per user, and small page helpers keyed on the
 * `data-testid` hooks of client/src/chat.
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  closeAllBrowsers,
  ensureClientBuild,
  launchBrowser,
  newUserPage,
  type Browser,
  type Page,
  type UserPageOptions,
} from '../support/browser.js';
import {
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
  portInRange,
} from '../support/serverProcess.js';
import {
  TEST_REDIS_URL,
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  type TestDatabase,
} from '../support/testDatabase.js';

export const PASSWORD = 'correct horse battery';
/**
 * Polling interval of waitForFunction: the default polls on requestAnimationFrame, which never
 * fires in a background tab (a user's second tab).
 */
export const POLL_MS = 50;
export const byTestId = (id: string) => `[data-testid="${id}"]`;

export interface ChatHarness {
  readonly server: ServerProcess;
  readonly url: string;
  browser: Browser;
  /** Starts a new server process on the same port, database and Redis prefix. */
  restartServer(): Promise<ServerProcess>;
  close(): Promise<void>;
}

export async function startChatHarness(label: string): Promise<ChatHarness> {
  ensureClientBuild();
  buildServer();
  const redisPrefix = freshRedisPrefix(label);
  const db: TestDatabase = await createTestDatabase(label);
  const port = await portInRange(3500, 3599);
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: randomBytes(24).toString('hex'),
    // A killed instance's users go offline within seconds, not the default 15-20 s.
    PRESENCE_TTL_MS: '3000',
    // Tests seed history by sending a hundred messages back to back from one user, past the
    // per-event limit of 5 a second (docs/security.md); the limits have tests of their own.
    EVENT_RATE_SCALE: '100',
    // A client build of one's own (vite build --outDir), so parallel builds of client/dist do not interfere.
    ...(process.env.PARLEY_TEST_CLIENT_DIST ? { CLIENT_DIST: process.env.PARLEY_TEST_CLIENT_DIST } : {}),
  };
  let server: ServerProcess;
  let browser: Browser | undefined;
  try {
    server = await startServerProcess({ name: label, port, env });
    browser = await launchBrowser();
  } catch (error) {
    await stopAllServerProcesses();
    await db.drop();
    await clearRedisPrefix(redisPrefix);
    throw error;
  }
  return {
    get server() {
      return server;
    },
    get url() {
      return server.url;
    },
    browser,
    async restartServer() {
      server = await startServerProcess({ name: `${label}-restarted`, port, env });
      return server;
    },
    async close() {
      await closeAllBrowsers();
      await stopAllServerProcesses();
      await db.drop();
      await clearRedisPrefix(redisPrefix);
    },
  };
}

export interface ChatUser {
  id: string;
  username: string;
  displayName: string;
  page: Page;
}

/** Registers through the register form in a new browser context and waits for the live shell. */
export async function registerUser(
  harness: ChatHarness,
  username: string,
  displayName: string,
  options: UserPageOptions = {},
): Promise<ChatUser> {
  const page = await newUserPage(harness.browser, harness.url, { ...options, path: '/register' });
  await page.waitForSelector(byTestId('display-name'));
  await page.locator(byTestId('display-name')).fill(displayName);
  await page.locator(byTestId('username')).fill(username);
  await page.locator(byTestId('password')).fill(PASSWORD);
  await page.click(byTestId('submit'));
  await waitConnected(page);
  const me = (await page.evaluate(`fetch('/api/me').then((r) => r.json())`)) as { user: { id: string } };
  return { id: me.user.id, username, displayName, page };
}

/** Logs an existing user in through the login form, in a new browser context. */
export async function logInUser(harness: ChatHarness, user: ChatUser, options: UserPageOptions = {}): Promise<Page> {
  const page = await newUserPage(harness.browser, harness.url, { ...options, path: '/login' });
  await page.waitForSelector(byTestId('username'));
  await page.locator(byTestId('username')).fill(user.username);
  await page.locator(byTestId('password')).fill(PASSWORD);
  await page.click(byTestId('submit'));
  await waitConnected(page);
  user.page = page;
  return page;
}

export async function waitConnected(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForSelector(`${byTestId('connection-status')}[data-state="connected"]`, { timeout });
}

export const contactSelector = (userId: string) => `${byTestId('contact')}[data-user-id="${userId}"]`;
export const conversationSelector = (conversationId: string) =>
  `${byTestId('conversation')}[data-conversation-id="${conversationId}"]`;

/** The conversation id in the page's URL (`/c/:id`). */
export function openConversationId(page: Page): string {
  const match = /^\/c\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`no conversation open at ${page.url()}`);
  return decodeURIComponent(match[1]);
}

export interface ShownMessage {
  text: string;
  status: string;
  id: string | null;
  clientId: string;
  mine: boolean;
}

/** The messages of the open conversation, top to bottom. */
export function shownMessages(page: Page): Promise<ShownMessage[]> {
  return page.$$eval(byTestId('message'), (elements) =>
    elements.map((el) => ({
      text: el.querySelector('[data-testid="message-text"]')?.textContent ?? '',
      status: el.getAttribute('data-status') ?? '',
      id: el.getAttribute('data-message-id'),
      clientId: el.getAttribute('data-client-id') ?? '',
      mine: el.getAttribute('data-mine') === 'true',
    })),
  );
}

/** Waits until a message with exactly this text is shown with the given status. */
export async function waitForMessage(page: Page, text: string, status = 'sent', timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (wanted: string, wantedStatus: string) =>
      [...document.querySelectorAll('[data-testid="message"]')].some(
        (el) =>
          el.getAttribute('data-status') === wantedStatus &&
          el.querySelector('[data-testid="message-text"]')?.textContent === wanted,
      ),
    { timeout, polling: POLL_MS },
    text,
    status,
  );
}

/** Types into the composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.click(byTestId('composer'));
  await page.type(byTestId('composer'), text);
  await page.keyboard.press('Enter');
}

/** The unread badge number of a sidebar entry (0 when there is none). */
export function unreadOf(page: Page, entrySelector: string): Promise<number> {
  return page.$eval(entrySelector, (el) =>
    Number(el.querySelector('[data-testid="unread"]')?.getAttribute('data-count') ?? 0),
  );
}

export async function waitUnread(page: Page, entrySelector: string, count: number, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (selector: string, wanted: number) => {
      const el = document.querySelector(selector);
      return !!el && Number(el.querySelector('[data-testid="unread"]')?.getAttribute('data-count') ?? 0) === wanted;
    },
    { timeout, polling: POLL_MS },
    entrySelector,
    count,
  );
}

/** A Socket.io client of `username` from Node (to seed many messages quickly). */
export async function nodeSocket(baseUrl: string, username: string): Promise<Socket> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}
