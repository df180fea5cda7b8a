/**
 * Headless Chromium inside a client host: puppeteer's executable is a small wrapper that runs
 * `/usr/bin/chromium` under `ip netns exec`, so the page, its socket and its media all leave
 * through the host's router. puppeteer talks to it over a pipe (the DevTools port inside the
 * namespace cannot be reached from outside). Pages are served over plain HTTP on bed addresses;
 * `--unsafely-treat-insecure-origin-as-secure` makes them a secure context (getUserMedia), as TLS
 * termination does in production (docs/deploy.md).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../support/browser.js';

const wrappers: string[] = [];
const browsers = new Set<Browser>();

/** Launches Chromium in namespace `ns`, treating `origins` (http://…) as secure. */
export async function launchBrowserInHost(ns: string, origins: readonly string[]): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), `parley-bed-${ns}-`));
  wrappers.push(dir);
  const wrapper = join(dir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const browser = await puppeteer.launch({
    executablePath: wrapper,
    pipe: true,
    headless: true,
    args: [
      // A real client offers no loopback candidates.
      ...CHROMIUM_FLAGS.filter((flag) => flag !== '--allow-loopback-in-peer-connection'),
      `--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`,
      // Pages of a background tab keep their timers (the tests read stats from every page).
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
    defaultViewport: { width: 1024, height: 700 },
    protocolTimeout: 60_000,
  });
  browsers.add(browser);
  browser.once('disconnected', () => browsers.delete(browser));
  return browser;
}

export async function closeBedBrowsers(): Promise<void> {
  await Promise.allSettled([...browsers].map((browser) => browser.close()));
  browsers.clear();
  for (const dir of wrappers.splice(0)) rmSync(dir, { recursive: true, force: true });
}
