/**
 * Headless browsers for browser tests (puppeteer-core): Debian's /usr/bin/chromium with the
 * load tester's media flags (fake camera/microphone without a permission prompt, loopback ICE
 * without mDNS, autoplay), or Debian's /usr/bin/firefox-esr over
 * WebDriver BiDi with the matching prefs (FIREFOX_PREFS). Every browser launched here is
 * tracked so an afterAll can close leftovers; screenshots go to test-output/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page, type Viewport } from 'puppeteer-core';
import { CHROMIUM_MEDIA_FLAGS } from '../../loadtest/src/browser/chromiumFlags.js';

export type { Browser, Page } from 'puppeteer-core';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const FIREFOX_PATH = '/usr/bin/firefox-esr';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'screenshots');
export const CLIENT_DIR = join(REPO_ROOT, 'client');
export const CLIENT_DIST = join(CLIENT_DIR, 'dist');

/** The load tester's media flags (loadtest/src/browser/chromiumFlags.ts). */
export const CHROMIUM_FLAGS: readonly string[] = CHROMIUM_MEDIA_FLAGS;

/**
 * The Firefox prefs that do what CHROMIUM_FLAGS do: fake camera and microphone (and a fake
 * screen for getDisplayMedia) without a permission prompt, host candidates on loopback and
 * unobfuscated (no mDNS), autoplay with sound.
 */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.default_address_only': false,
  'media.peerconnection.ice.no_host': false,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
  'media.block-autoplay-until-in-foreground': false,
  // Pages that are not in front keep their timers and rendering at full speed.
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};

export type BrowserName = 'chromium' | 'firefox';

export const DESKTOP_VIEWPORT: Viewport = { width: 1280, height: 800, deviceScaleFactor: 1 };
/** An iPhone 12-14 sized portrait screen. */
export const PHONE_VIEWPORT: Viewport = {
  width: 390,
  height: 844,
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export interface LaunchOptions {
  /** Which browser (default chromium). */
  browser?: BrowserName;
  /** Extra Firefox prefs, added to FIREFOX_PREFS. */
  prefs?: Record<string, unknown>;
  /** Extra Chromium flags, added after CHROMIUM_FLAGS. */
  args?: string[];
  executablePath?: string;
  /** Milliseconds between puppeteer operations, for watching a test. */
  slowMo?: number;
  /** Chrome DevTools protocol timeout (default 60 s). */
  protocolTimeout?: number;
}

const browsers = new Set<Browser>();
const firefoxBrowsers = new WeakSet<Browser>();

/** The browser is Firefox (launched here with `browser: 'firefox'`). */
export function isFirefox(browser: Browser): boolean {
  return firefoxBrowsers.has(browser);
}

/** Launches headless Chromium or Firefox; throws a clear install instruction when it is missing. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const which = options.browser ?? 'chromium';
  const pkg = which === 'firefox' ? 'firefox-esr' : 'chromium';
  const executablePath = options.executablePath ?? (which === 'firefox' ? FIREFOX_PATH : CHROMIUM_PATH);
  if (!existsSync(executablePath)) {
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    throw new Error(
      `${which} not found at ${executablePath}. Install it with: ` +
        (asRoot ? `apt-get install -y ${pkg}` : `sudo apt-get install -y ${pkg} (as root: apt-get install -y ${pkg})`),
    );
  }
  const common = {
    executablePath,
    headless: true,
    defaultViewport: DESKTOP_VIEWPORT,
    protocolTimeout: options.protocolTimeout ?? 60_000,
    ...(options.slowMo ? { slowMo: options.slowMo } : {}),
  };
  const browser =
    which === 'firefox'
      ? await puppeteer.launch({
          ...common,
          browser: 'firefox',
          protocol: 'webDriverBiDi',
          args: options.args ?? [],
          extraPrefsFirefox: { ...FIREFOX_PREFS, ...(options.prefs ?? {}) },
        })
      : await puppeteer.launch({ ...common, args: [...CHROMIUM_FLAGS, ...(options.args ?? [])] });
  if (which === 'firefox') firefoxBrowsers.add(browser);
  browsers.add(browser);
  browser.once('disconnected', () => browsers.delete(browser));
  return browser;
}

/** Closes every browser this process launched and has not closed yet (for afterAll). */
export async function closeAllBrowsers(): Promise<void> {
  await Promise.allSettled(
    [...browsers].map(async (browser) => {
      browsers.delete(browser);
      await browser.close();
    }),
  );
}

export interface UserPageOptions {
  /** Path to open under baseUrl (default '/'); null opens nothing. */
  path?: string | null;
  viewport?: Viewport;
  colorScheme?: 'light' | 'dark';
}

const pageProblems = new WeakMap<Page, string[]>();

/**
 * A page in its own browser context (its own cookies, so its own logged-in user), allowed to use
 * the fake camera and microphone on baseUrl, opened at `path`.
 */
export async function newUserPage(browser: Browser, baseUrl: string, options: UserPageOptions = {}): Promise<Page> {
  const context = await browser.createBrowserContext();
  // Firefox grants them by pref (media.navigator.permission.disabled).
  if (!isFirefox(browser)) await context.overridePermissions(new URL(baseUrl).origin, ['camera', 'microphone']);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(30_000);
  await page.setViewport(options.viewport ?? DESKTOP_VIEWPORT);
  if (options.colorScheme) {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: options.colorScheme }]);
  }

  const problems: string[] = [];
  pageProblems.set(page, problems);
  page.on('pageerror', (error) =>
    problems.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`),
  );
  page.on('console', (message) => {
    // Chromium logs every non-2xx response as a console error; those are expected (401, 409...).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console.error: ${message.text()}`);
    }
  });

  const path = options.path === undefined ? '/' : options.path;
  if (path !== null) await page.goto(new URL(path, baseUrl).toString(), { waitUntil: 'domcontentloaded' });
  return page;
}

/** Uncaught exceptions and console errors the page produced so far (expected HTTP errors aside). */
export function pageErrors(page: Page): string[] {
  return [...(pageProblems.get(page) ?? [])];
}

/** Saves a PNG under test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]/g, '_')}.png`) as `${string}.png`;
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

export interface Credentials {
  username: string;
  password: string;
  displayName?: string;
}

/**
 * Registers and logs in through the page's own fetch (no UI), so the page's context holds the
 * session cookie. The page must be on the app's origin. Returns the user.
 */
export async function registerInPage(
  page: Page,
  credentials: Credentials,
): Promise<{ id: string; username: string; displayName: string }> {
  // Sent as source text: a serialised function would carry transpiler helpers (esbuild's
  // __name) that do not exist in the page.
  const script = `(async (body) => {
    const init = (payload) => ({
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const registered = await fetch('/api/auth/register', init(body));
    if (registered.status !== 201) throw new Error('register ' + registered.status + ': ' + (await registered.text()));
    const loggedIn = await fetch('/api/auth/login', init({ username: body.username, password: body.password }));
    if (loggedIn.status !== 200) throw new Error('login ' + loggedIn.status + ': ' + (await loggedIn.text()));
    return (await loggedIn.json()).user;
  })(${JSON.stringify(credentials)})`;
  return (await page.evaluate(script)) as { id: string; username: string; displayName: string };
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Builds the client (`npm run build -w client`) when client/dist is missing or older than its
 * sources (client/ or protocol/src). PARLEY_SKIP_BUILD=1 skips the check.
 */
export function ensureClientBuild(): void {
  if (process.env.PARLEY_SKIP_BUILD === '1') return;
  const built = join(CLIENT_DIST, 'index.html');
  const sources = Math.max(newestMtime(CLIENT_DIR), newestMtime(join(REPO_ROOT, 'protocol', 'src')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const result = spawnSync('npm', ['run', 'build', '-w', 'client'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build -w client failed:\n${result.stdout}${result.stderr}`);
}
