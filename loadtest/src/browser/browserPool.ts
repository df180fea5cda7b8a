/**
 * Headless Chromium processes for the browser clients (puppeteer-core + the system Chromium),
 * with the flags measured in /work/shared/notes/headless-chromium.md plus the ones that keep
 * pages in the background running at full speed (many pages share one browser).
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
  // Pages that are not in front must not be throttled: every page is a participant.
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--mute-audio',
];

export class BrowserPool {
  private readonly launching = new Map<number, Promise<Browser>>();
  private readonly pids = new Set<number>();

  constructor(
    private readonly size: number,
    private readonly executablePath: string,
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
        `Chromium not found at ${this.executablePath}: install it (apt-get install -y chromium) or pass --chromium <path>`,
      );
    }
    return puppeteer.launch({
      executablePath: this.executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
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
