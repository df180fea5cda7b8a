/**
 * Waits of the simulcast browser tests: poll a page check until it holds, and the check that a
 * page sends its camera in three layers (r0, r1, r2 at about 135, 270 and 540 lines), each with
 * new frames. Firefox and Chromium alike (getStats outbound-rtp per rid, see simulcastProbes).
 */
import type { Page } from '../support/browser.js';
import { sentLayers, type Layer } from './simulcastProbes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns null (done) or the time is up; returns the last complaint. */
export async function eventually(check: () => Promise<string | null>, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let complaint: string | null = 'not checked';
  while (Date.now() < deadline) {
    complaint = await check();
    if (complaint === null) return null;
    await sleep(500);
  }
  return complaint;
}

export interface ThreeLayers {
  /** null when r0, r1, r2 had the right heights and new frames within a second; else what was wrong. */
  complaint: string | null;
  /** The layers at the end, with the frames each encoded in that second. */
  layers: (Layer & { newFrames: number })[];
  waitedMs: number;
}

/** Waits until the page sends r0, r1, r2 at about 135, 270 and 540 lines, each advancing. */
export async function waitForThreeLayers(page: Page, timeoutMs = 45_000): Promise<ThreeLayers> {
  const startedAt = Date.now();
  let first: Layer[] = [];
  let last: Layer[] = [];
  const complaint = await eventually(async () => {
    first = await sentLayers(page);
    await sleep(1000);
    last = await sentLayers(page);
    if (last.map((layer) => layer.rid).join() !== 'r0,r1,r2') return `rids ${last.map((layer) => layer.rid).join()}`;
    const heights = last.map((layer) => layer.frameHeight);
    if (heights.some((height, i) => Math.abs(height - [135, 270, 540][i]!) > 4)) return `heights ${heights.join('/')}`;
    const stalled = last.filter((layer, i) => layer.framesEncoded <= (first[i]?.framesEncoded ?? 0));
    if (stalled.length > 0) return `no new frames on ${stalled.map((layer) => layer.rid).join()}`;
    return null;
  }, timeoutMs);
  const layers = last.map((layer) => ({
    ...layer,
    newFrames: layer.framesEncoded - (first.find((f) => f.rid === layer.rid)?.framesEncoded ?? 0),
  }));
  return { complaint, layers, waitedMs: Date.now() - startedAt };
}

/** `r0 135p 24 fps (+24 frames/s), ...` for the test output. */
export function describeLayers(layers: ThreeLayers['layers']): string {
  return layers
    .map((l) => `${l.rid} ${l.frameHeight}p ${Math.round(l.framesPerSecond)} fps (+${l.newFrames} frames/s)`)
    .join(', ');
}
