/**
 * A load-test participant as a page of headless Chromium, in a browser context of its own
 * (own cookies, so own user). It takes the session of the runner's login phase as the session
 * cookie (or, without one, logs in through the page's fetch), then opens the real meeting
 * page `/meet/:id` with the camera size and rate in the URL and audio processing off; receivers
 * join with camera off and mic muted (prefs in localStorage), so they only receive.
 */
import type { BrowserContext, Page } from 'puppeteer-core';
import type { ClientSample, ClientSpec, JoinResult, LoadClient } from '../clientTypes.js';
import type { BrowserPool } from './browserPool.js';
import { INSTRUMENT_SCRIPT, JOIN_STATE_SCRIPT, SNAPSHOT_SCRIPT, type JoinState } from './pageScripts.js';
import { deriveSample, emptySample, type PageSnapshot } from './streamDeltas.js';

export interface BrowserClientOptions {
  pool: BrowserPool;
  browserIndex: number;
  joinTimeoutMs: number;
  firstFrameTimeoutMs: number;
}

const FINAL_FAILURES = new Set(['unavailable', 'error', 'ended', 'left', 'replaced']);
const message = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BrowserClient implements LoadClient {
  private context: BrowserContext | null = null;
  private page: Page | null = null;
  private previous: PageSnapshot | null = null;
  private closed = false;
  private readonly problems: string[] = [];

  constructor(
    readonly spec: ClientSpec,
    private readonly options: BrowserClientOptions,
  ) {}

  async join(): Promise<JoinResult> {
    let stage = 'browser';
    try {
      const browser = await this.options.pool.get(this.options.browserIndex);
      if (this.closed) return { ok: false, stage, reason: 'closed before the join' };
      const origin = new URL(this.spec.baseUrl).origin;
      const context = await browser.createBrowserContext();
      this.context = context;
      // Firefox grants them by pref (FIREFOX_PREFS).
      if (this.options.pool.kind === 'chromium') await context.overridePermissions(origin, ['camera', 'microphone']);
      const page = await context.newPage();
      this.page = page;
      page.setDefaultTimeout(this.options.joinTimeoutMs);
      page.on('pageerror', (error) => this.problems.push(message(error)));
      await page.evaluateOnNewDocument(INSTRUMENT_SCRIPT);

      stage = 'login';
      await page.goto(`${origin}/health`, { waitUntil: 'domcontentloaded' });
      if (this.spec.token) {
        // Logged in by the runner's login phase: the session cookie the login would have set.
        await context.setCookie({
          name: SESSION_COOKIE,
          value: this.spec.token,
          domain: new URL(origin).hostname,
          path: '/',
          httpOnly: true,
          sameSite: 'Lax',
        });
      } else {
        const login = (await page.evaluate(loginScript(this.spec))) as { status: number; body: string };
        if (login.status !== 200) {
          return {
            ok: false,
            stage,
            reason: `POST /api/auth/login answered ${login.status}: ${login.body.slice(0, 200)}`,
          };
        }
      }
      await page.evaluate(prefsScript(this.spec));

      stage = 'page';
      const { width, height, fps } = this.spec.video;
      const started = Date.now();
      // The same camera in SFU mode (the app's SFU default is 960x540@24): a page costs what
      // --video says, and the pages of one browser share its fake camera anyway.
      const camera = `${width}x${height}@${fps}`;
      const url = `${origin}/meet/${encodeURIComponent(this.spec.meetingId)}?video=${camera}&sfuVideo=${camera}&ap=0`;
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: this.options.joinTimeoutMs });

      stage = 'join';
      const deadline = started + this.options.joinTimeoutMs;
      let state = await this.joinState();
      while (state.phase !== 'joined' && state.ackAt === null) {
        if (state.phase && FINAL_FAILURES.has(state.phase)) {
          return {
            ok: false,
            stage,
            reason: `meeting page ended in phase "${state.phase}"${state.notice ? `: ${state.notice}` : ''}`,
          };
        }
        if (Date.now() > deadline) {
          return {
            ok: false,
            stage: 'timeout',
            reason: `not joined after ${this.options.joinTimeoutMs} ms (phase ${state.phase ?? 'none'}${state.notice ? `, "${state.notice}"` : ''}${this.problems.length ? `; page error: ${this.problems[0]}` : ''})`,
          };
        }
        await sleep(100);
        state = await this.joinState();
      }
      const joinMs = Math.max(0, (state.ackAt ?? Date.now()) - started);

      // First remote frame: only meaningful when someone was already there at the join.
      const frameDeadline = Date.now() + this.options.firstFrameTimeoutMs;
      while (state.firstFrameAt === null && state.peersAtJoin > 0 && Date.now() < frameDeadline) {
        await sleep(100);
        state = await this.joinState();
      }
      return {
        ok: true,
        joinMs,
        firstFrameMs: state.firstFrameAt === null ? null : Math.max(0, state.firstFrameAt - started),
        mode: state.mode ?? 'unknown',
      };
    } catch (error) {
      return { ok: false, stage, reason: message(error) };
    }
  }

  private async joinState(): Promise<JoinState> {
    return (await this.page!.evaluate(JOIN_STATE_SCRIPT)) as JoinState;
  }

  async sample(t: number): Promise<ClientSample> {
    if (!this.page || this.closed) return emptySample(this.spec.id, t);
    try {
      const snapshot = (await this.page.evaluate(SNAPSHOT_SCRIPT)) as PageSnapshot;
      const sample = deriveSample(this.spec.id, t, this.previous, snapshot);
      this.previous = snapshot;
      return sample;
    } catch {
      return emptySample(this.spec.id, t);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const context = this.context;
    this.page = null;
    this.context = null;
    await context?.close().catch(() => undefined);
  }
}

/** The session cookie of Parley (server/src/auth/sessionCookie.ts). */
const SESSION_COOKIE = 'parley_session';

function loginScript(spec: ClientSpec): string {
  // A server busy checking passwords answers 503 (or 429) with Retry-After: wait and retry.
  return `(async (body) => {
    let response;
    for (let attempt = 0; ; attempt++) {
      response = await fetch('/api/auth/login', {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if ((response.status !== 503 && response.status !== 429) || attempt >= 20) break;
      const wait = Number(response.headers.get('Retry-After')) || 1;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 * (1 + Math.random() / 2)));
    }
    return { status: response.status, body: response.status === 200 ? '' : await response.text() };
  })(${JSON.stringify({ username: spec.email, password: spec.password })})`;
}

/** No audio processing; receivers join with the camera off and the microphone muted. */
function prefsScript(spec: ClientSpec): string {
  const prefs =
    spec.role === 'receiver'
      ? { micMuted: true, cameraOff: true, audioDeviceId: null, videoDeviceId: null }
      : { micMuted: false, cameraOff: false, audioDeviceId: null, videoDeviceId: null };
  return `(() => {
    localStorage.setItem('parley.media.ap', '0');
    localStorage.setItem('parley.meeting.prefs', ${JSON.stringify(JSON.stringify(prefs))});
  })()`;
}
