/**
 * The join runs of `npm run bench:join`: one page joins a meeting where the others already are,
 * either by opening `/meet/:id` (the app not loaded yet) or by pressing a Join link on a loaded
 * page of the app (client-side navigation), and the page's own join timeline (window.parleyMeeting
 * joins, client/src/meeting/call/debugHooks.ts) says when every remote video had its first frame.
 */
import type { Page } from '../../test/support/browser.js';
import { inPage } from '../../test/support/browserMeetingHarness.js';

/** A join's steps in ms: from navigation (`nav`) or from pressing Join (`press`). */
export interface JoinRun {
  /** ms from the start (navigation or the press) until every remote video had a frame. */
  allFrames: number;
  /** Every step of the join, ms from the same start (navigation steps included for `nav`). */
  marks: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the latest join of the page to have all its frames; returns its marks from `zero`. */
async function completedJoin(page: Page, zero: number, timeoutMs = 30_000): Promise<JoinRun> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const join = await inPage<{
      startedAt: number;
      allFramesAt: number | null;
      marks: Record<string, number>;
      peers: number;
    } | null>(
      page,
      `(() => {
        const joins = window.parleyMeeting ? window.parleyMeeting.joins : [];
        const join = joins[joins.length - 1];
        return join ? { startedAt: join.startedAt, allFramesAt: join.allFramesAt, marks: join.marks, peers: join.peersAtJoin.length } : null;
      })()`,
    );
    if (join && join.startedAt >= zero && join.peers > 0 && join.allFramesAt !== null) {
      const marks = Object.fromEntries(
        Object.entries(join.marks).map(([name, at]) => [name, Math.max(0, Math.round(at - zero))]),
      );
      return { allFrames: Math.round(join.allFramesAt - zero), marks };
    }
    await sleep(20);
  }
  throw new Error(`the join did not show every remote video within ${timeoutMs} ms`);
}

/** Opens `/meet/:id` in a page that has no app loaded (about:blank first). */
export async function joinByNavigation(page: Page, meetingUrl: string): Promise<JoinRun> {
  await page.goto('about:blank');
  await page.goto(meetingUrl, { waitUntil: 'domcontentloaded' });
  const run = await completedJoin(page, 0);
  const navigation = await inPage<{ html: number; app: number }>(
    page,
    `(() => { const n = performance.getEntriesByType('navigation')[0]; return { html: Math.round(n.responseEnd), app: Math.round(n.domContentLoadedEventEnd) }; })()`,
  );
  return { ...run, marks: { html: navigation.html, appLoaded: navigation.app, ...run.marks } };
}

/**
 * On a loaded page of the app, presses a link to `/meet/:id` (client-side navigation); `reload`
 * loads the home page first even when it is already open (another client is served now).
 */
export async function joinByPress(
  page: Page,
  baseUrl: string,
  meetingId: string,
  options: { reload?: boolean } = {},
): Promise<JoinRun> {
  if (options.reload || new URL(page.url()).pathname !== '/') {
    await page.goto(new URL('/', baseUrl).toString(), { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="connection-status"][data-state="connected"]', { timeout: 20_000 });
  }
  const pressedAt = await inPage<number>(
    page,
    `(() => {
      const link = document.createElement('a');
      link.href = '/meet/${meetingId}?ap=0&sfuVideo=320x180@15';
      link.textContent = 'Join';
      document.body.appendChild(link);
      const at = performance.now();
      link.click();
      link.remove();
      return at;
    })()`,
  );
  return completedJoin(page, pressedAt);
}

/** Leaves the meeting with a client-side navigation back home (the app stays loaded). */
export async function leaveToHome(page: Page): Promise<void> {
  await inPage(
    page,
    `(() => { const link = document.createElement('a'); link.href = '/'; document.body.appendChild(link); link.click(); link.remove(); })()`,
  );
  await page.waitForFunction(`location.pathname === '/' && !window.parleyMeeting`, { timeout: 10_000 });
}

/** Waits until the page shows `count` remote camera videos with frames. */
export async function waitForRemoteVideos(page: Page, count: number, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    `[...document.querySelectorAll('video[data-peer-id]:not([data-source="screen"])')].filter((v) => v.readyState >= 2).length === ${count}`,
    { timeout: timeoutMs, polling: 50 },
  );
}

export function percentileOf(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** The run with the median allFrames (the lower middle one for an even count). */
export function medianRun(runs: JoinRun[]): JoinRun | undefined {
  const sorted = [...runs].sort((a, b) => a.allFrames - b.allFrames);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
