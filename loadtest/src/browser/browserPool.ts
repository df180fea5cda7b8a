/**
 * Headless browser processes for the browser clients (puppeteer-core): the system Chromium,
 * with the media flags of chromiumFlags.ts plus the ones that keep pages in the background
 * running at full speed (many pages share one browser), or Firefox ESR
 * over WebDriver BiDi with the prefs that do the same (`--browser firefox`).
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { CHROMIUM_MEDIA_FLAGS } from './chromiumFlags.js';

export const CHROMIUM_FLAGS: readonly string[] = [
  ...CHROMIUM_MEDIA_FLAGS,
  // Pages that are not in front must not be throttled: every page is a participant.
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--mute-audio',
];

/** Fake camera and microphone without a prompt, unobfuscated host candidates, no throttling. */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
  'media.block-autoplay-until-in-foreground': false,
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
  'media.volume_scale': '0.0',
};

export type BrowserKind = 'chromium' | 'firefox';

export class BrowserPool {
  private readonly launching = new Map<number, Promise<Browser>>();
  private readonly pids = new Set<number>();

  constructor(
    private readonly size: number,
    private readonly executablePath: string,
    readonly kind: BrowserKind = 'chromium',
  ) {}

  /** Which browser the n-th browser client goes to (round robin). */
  indexFor(n: number): number {
    return n % this.size;
  }

  /** The browser of that index, launched on first use. Rejects with an install hint. */
  get(index: number): Promise<Browser> {
    let browser = this.launching.get(index);
    if (!browser) {
      browser = this.launch();
      this.launching.set(index, browser);
      // A failed launch may be retried by the next client.
      browser.then(
        (b) => {
          const pid = b.process()?.pid;
          if (pid !== undefined) this.pids.add(pid);
        },
        () => this.launching.delete(index),
      );
    }
    return browser;
  }

  private async launch(): Promise<Browser> {
    if (!existsSync(this.executablePath)) {
      throw new Error(
        this.kind === 'firefox'
          ? `Firefox not found at ${this.executablePath}: install it (apt-get install -y firefox-esr) or pass --firefox <path>`
          : `Chromium not found at ${this.executablePath}: install it (apt-get install -y chromium) or pass --chromium <path>`,
      );
    }
    const browserOptions =
      this.kind === 'firefox'
        ? { browser: 'firefox' as const, protocol: 'webDriverBiDi' as const, extraPrefsFirefox: { ...FIREFOX_PREFS } }
        : { args: [...CHROMIUM_FLAGS] };
    return puppeteer.launch({
      executablePath: this.executablePath,
      headless: true,
      ...browserOptions,
      defaultViewport: { width: 640, height: 400, deviceScaleFactor: 1 },
      protocolTimeout: 120_000,
      // The runner handles Ctrl-C itself (it closes the pages and still writes the report);
      // puppeteer's own handler would exit the process at once.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  }

  /** Pids of the Chromium processes launched so far (roots of their process trees). */
  processIds(): number[] {
    return [...this.pids];
  }

  async close(): Promise<void> {
    const all = [...this.launching.values()];
    this.launching.clear();
    await Promise.allSettled(
      all.map(async (pending) => {
        const browser = await pending;
        await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
      }),
    );
  }
}
