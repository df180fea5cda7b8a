/**
 * The client's account pages and logged-in shell in headless Chromium, against a real server
 * process (PostgreSQL + Redis) that serves the built client: register, log out, log in, the
 * form errors (401, 409, 429, client-side schema checks), coming back to a page after login,
 * and the phone layout. Screenshots go to test-output/screenshots/auth-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHONE_VIEWPORT,
  closeAllBrowsers,
  ensureClientBuild,
  launchBrowser,
  newUserPage,
  pageErrors,
  registerInPage,
  screenshot,
  type Browser,
  type Page,
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

const LOGIN_RATE_LIMIT = 3;
const PASSWORD = 'correct horse battery';
const redisPrefix = freshRedisPrefix('browser-auth');

let db: TestDatabase | undefined;
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  ensureClientBuild();
  buildServer();
  db = await createTestDatabase('browser_auth');
  server = await startServerProcess({
    name: 'browser-auth',
    port: await portInRange(3200, 3299),
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      LOGIN_RATE_LIMIT: String(LOGIN_RATE_LIMIT),
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await closeAllBrowsers();
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
});

const byTestId = (id: string) => `[data-testid="${id}"]`;

async function fill(page: Page, testId: string, value: string): Promise<void> {
  await page.locator(byTestId(testId)).fill(value);
}

async function textOf(page: Page, testId: string): Promise<string> {
  const handle = await page.waitForSelector(byTestId(testId), { visible: true });
  return ((await handle!.evaluate((el) => el.textContent)) ?? '').trim();
}

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.waitForSelector(byTestId('username'));
  await fill(page, 'username', username);
  await fill(page, 'password', password);
  await page.click(byTestId('submit'));
}

async function loginError(page: Page): Promise<string> {
  return textOf(page, 'form-error');
}

/** Widest element edge: more than the viewport means the page scrolls sideways. */
async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

describe('account pages and shell (desktop)', () => {
  const username = 'ada';
  const displayName = 'Ada Lovelace';

  it('registers, sees the shell with the display name, logs out and logs back in', async () => {
    const page = await newUserPage(browser, server.url);
    await page.waitForSelector(byTestId('username'));
    expect(pathOf(page)).toBe('/login');
    await screenshot(page, 'auth-login-desktop');

    await page.click('a[href^="/register"]');
    await page.waitForSelector(byTestId('display-name'));
    expect(pathOf(page)).toBe('/register');
    await fill(page, 'display-name', displayName);
    await fill(page, 'username', username);
    await fill(page, 'password', PASSWORD);
    await screenshot(page, 'auth-register-desktop');
    await page.click(byTestId('submit'));

    await page.waitForSelector(byTestId('shell'));
    expect(pathOf(page)).toBe('/');
    expect(await textOf(page, 'current-user')).toBe(displayName);
    expect(await textOf(page, 'sidebar')).toMatch(/Contacts[\s\S]*Conversations/);
    expect(await page.$eval('main', (el) => el.textContent)).toContain('Pick a conversation or start a meeting');
    // The Socket.io connection authenticates with the session cookie alone.
    await page.waitForSelector(`${byTestId('connection-status')}[data-state="connected"]`);
    await screenshot(page, 'auth-shell-desktop');

    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(darkBackground).toBe('rgb(15, 17, 24)');
    await screenshot(page, 'auth-shell-desktop-dark');
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);

    await page.click(byTestId('logout'));
    await page.waitForSelector(byTestId('username'));
    expect(pathOf(page)).toBe('/login');
    // The cookie is gone: the shell is out of reach after a reload.
    await page.goto(`${server.url}/`);
    await page.waitForSelector(byTestId('username'));
    expect(pathOf(page)).toBe('/login');

    await logIn(page, username, PASSWORD);
    await page.waitForSelector(byTestId('shell'));
    expect(await textOf(page, 'current-user')).toBe(displayName);
    expect(pathOf(page)).toBe('/');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows the form error on a wrong password and stays on the login page', async () => {
    const page = await newUserPage(browser, server.url, { path: '/login' });
    await logIn(page, username, 'not the password');
    expect(await loginError(page)).toBe('Wrong username or password.');
    expect(pathOf(page)).toBe('/login');
    expect(await page.$eval(byTestId('password'), (el) => (el as HTMLInputElement).value)).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('password');
    expect(await page.$(byTestId('shell'))).toBeNull();
    await screenshot(page, 'auth-login-error-desktop');

    // Typing the right password afterwards works.
    await fill(page, 'password', PASSWORD);
    await page.click(byTestId('submit'));
    await page.waitForSelector(byTestId('shell'));
    expect(pageErrors(page)).toEqual([]);
  });

  it('reports a taken username inline on the register page', async () => {
    const page = await newUserPage(browser, server.url, { path: '/register' });
    await page.waitForSelector(byTestId('username'));
    await fill(page, 'username', username);
    await fill(page, 'password', PASSWORD);
    await page.click(byTestId('submit'));
    expect(await textOf(page, 'form-error')).toMatch(/username is taken/i);
    expect(await page.$eval(byTestId('username'), (el) => el.getAttribute('aria-invalid'))).toBe('true');
    expect(pathOf(page)).toBe('/register');
    await screenshot(page, 'auth-register-taken-desktop');
  });

  it('checks the form against the protocol schema before sending anything', async () => {
    const page = await newUserPage(browser, server.url, { path: '/register' });
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/auth/')) sent.push(request.url());
    });
    await page.waitForSelector(byTestId('username'));
    await fill(page, 'username', 'a!');
    await fill(page, 'password', 'short');
    await page.click(byTestId('submit'));
    expect(await textOf(page, 'username-error')).toMatch(/3 to 32 characters/);
    expect(await textOf(page, 'password-error')).toMatch(/at least 8 characters/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('username');
    await screenshot(page, 'auth-register-invalid-desktop');

    // Fixing a field clears its message.
    await fill(page, 'password', 'long enough now');
    await page.waitForFunction((sel) => !document.querySelector(sel), {}, byTestId('password-error'));
    expect(sent).toEqual([]);
  });

  it('tells the user to wait after too many failed logins (429)', async () => {
    const page = await newUserPage(browser, server.url, { path: '/login' });
    await registerInPage(page, { username: 'grace', password: PASSWORD });
    await page.evaluate(async () => {
      await fetch('/api/auth/logout', { method: 'POST', credentials: 'include' });
    });
    await page.goto(`${server.url}/login`);

    const attempt = async (password: string) => {
      const response = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await logIn(page, 'grace', password);
      const status = (await response).status();
      await page.waitForSelector(`${byTestId('submit')}:not([disabled])`);
      return status;
    };
    for (let n = 1; n <= LOGIN_RATE_LIMIT; n++) {
      expect(await attempt(`wrong password ${n}`)).toBe(401);
      expect(await loginError(page)).toBe('Wrong username or password.');
    }
    // Even the right password is refused now, with a message saying to wait.
    expect(await attempt(PASSWORD)).toBe(429);
    expect(await loginError(page)).toMatch(/^Too many attempts\. Try again in (a minute|\d+ minutes)\.$/);
    expect(await page.$(byTestId('shell'))).toBeNull();
    await screenshot(page, 'auth-login-rate-limited-desktop');
  });

  it('sends a logged-out visitor to login and back to the meeting link afterwards', async () => {
    const page = await newUserPage(browser, server.url, { path: '/meet/m-42' });
    await page.waitForSelector(byTestId('username'));
    expect(pathOf(page)).toBe('/login?next=%2Fmeet%2Fm-42');
    await logIn(page, username, PASSWORD);
    await page.waitForSelector(byTestId('meeting-mode'));
    expect(pathOf(page)).toBe('/meet/m-42');
    expect(await textOf(page, 'meeting-mode')).toBe('mesh');
    expect(await textOf(page, 'meeting-id')).toBe('m-42');
    await screenshot(page, 'auth-meeting-placeholder-desktop');
    expect(pageErrors(page)).toEqual([]);
  });
});

describe('phone width (390 px)', () => {
  it('fits the login page and turns the sidebar into a drawer', async () => {
    const page = await newUserPage(browser, server.url, { path: '/register', viewport: PHONE_VIEWPORT });
    await page.waitForSelector(byTestId('username'));
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    await screenshot(page, 'auth-register-phone');

    await fill(page, 'display-name', 'Katherine Johnson');
    await fill(page, 'username', 'katherine');
    await fill(page, 'password', PASSWORD);
    await page.click(byTestId('submit'));
    await page.waitForSelector(byTestId('shell'));
    expect(await textOf(page, 'current-user')).toBe('Katherine Johnson');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);

    const sidebarVisibility = () => page.$eval(byTestId('sidebar'), (el) => getComputedStyle(el).visibility);
    expect(await sidebarVisibility()).toBe('hidden');
    await screenshot(page, 'auth-shell-phone');

    await page.click(byTestId('sidebar-toggle'));
    await page.waitForFunction(
      (sel) => {
        const el = document.querySelector(sel);
        return !!el && getComputedStyle(el).visibility === 'visible' && el.getBoundingClientRect().left >= 0;
      },
      {},
      byTestId('sidebar'),
    );
    expect(await page.$eval(byTestId('sidebar-toggle'), (el) => el.getAttribute('aria-expanded'))).toBe('true');
    await screenshot(page, 'auth-shell-phone-drawer');

    await page.keyboard.press('Escape');
    await page.waitForFunction(
      (sel) => getComputedStyle(document.querySelector(sel)!).visibility === 'hidden',
      {},
      byTestId('sidebar'),
    );
    expect(await page.$eval(byTestId('sidebar-toggle'), (el) => el.getAttribute('aria-expanded'))).toBe('false');

    await page.click(byTestId('logout'));
    await page.waitForSelector(byTestId('username'));
    await logIn(page, 'katherine', 'not the password');
    expect(await loginError(page)).toBe('Wrong username or password.');
    await screenshot(page, 'auth-login-error-phone');
    expect(pageErrors(page)).toEqual([]);
  });
});
