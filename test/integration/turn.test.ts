import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IceServer, User } from '@parley/protocol';
import { turnCredential } from '../../server/src/ice/turnCredentials.js';
import { closeAllBrowsers, launchBrowser, newUserPage, type Browser, type Page } from '../support/browser.js';
import { startCoturn, stopAllCoturn, type CoturnProcess } from '../support/coturn.js';
import {
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
} from '../support/serverProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { request, uniqueName } from './_http.js';

/**
 * TURN for real: Debian's coturn on 127.0.0.1 with a test secret, a Parley server handing out
 * TURN REST credentials, and two RTCPeerConnections in headless Chromium restricted to relay
 * candidates. Credentials from GET /api/ice-servers allocate and carry a data channel through
 * coturn; a wrong or expired credential gathers no relay candidate and never connects.
 */
const SECRET = `turn-test-${Date.now()}`;
let turn: CoturnProcess;
let server: ServerProcess;
let db: TestDatabase;
let browser: Browser;
let page: Page;
let token: string;
let userId: string;

beforeAll(async () => {
  buildServer();
  turn = await startCoturn({ secret: SECRET, port: 3479 });
  db = await createTestDatabase('turn');
  server = await startServerProcess({
    port: 3421,
    name: 'turn',
    env: { DATABASE_URL: db.url, TURN_SECRET: SECRET, TURN_URLS: turn.turnUrls.join(','), TURN_TTL: '300' },
  });
  const username = uniqueName('turn');
  const registered = await request<{ user: User; token: string }>(`${server.url}/api/auth/register`, {
    json: { username, password: 'correct horse battery' },
  });
  expect(registered.status).toBe(201);
  token = registered.body.token;
  userId = registered.body.user.id;
  browser = await launchBrowser();
  // Any page of the server's origin (127.0.0.1) will do: the check is injected.
  page = await newUserPage(browser, server.url, { path: '/health' });
});

afterAll(async () => {
  await closeAllBrowsers();
  await stopAllServerProcesses();
  await db?.drop();
  await stopAllCoturn();
});

interface RelayCheck {
  result: 'open' | 'timeout';
  message: string | null;
  localType: string | null;
  remoteType: string | null;
  relayCandidates: number;
  errors: Array<{ code: number; text: string; url: string }>;
  state: string;
}

/** Plain JavaScript (a string, so no bundler helper leaks into the page). */
const RELAY_CHECK = `async ({ iceServers, timeoutMs }) => {
  const config = { iceServers, iceTransportPolicy: 'relay' };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  const candidates = [];
  const errors = [];
  for (const [pc, other] of [[a, b], [b, a]]) {
    pc.onicecandidate = (e) => {
      if (!e.candidate) return;
      candidates.push(e.candidate.candidate);
      other.addIceCandidate(e.candidate).catch(() => {});
    };
    pc.onicecandidateerror = (e) => errors.push({ code: e.errorCode, text: e.errorText, url: e.url });
  }
  const channel = a.createDataChannel('check');
  const received = new Promise((resolve) => {
    b.ondatachannel = (e) => { e.channel.onmessage = (m) => resolve(m.data); };
  });
  const opened = new Promise((resolve) => { channel.onopen = () => resolve('open'); });
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const timeout = (ms) => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));
  const result = await Promise.race([opened, timeout(timeoutMs)]);
  let message = null;
  let localType = null;
  let remoteType = null;
  if (result === 'open') {
    channel.send('hello through coturn');
    const got = await Promise.race([received, timeout(5000)]);
    message = got === 'timeout' ? null : got;
    const stats = await a.getStats();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    if (pair) {
      localType = stats.get(pair.localCandidateId)?.candidateType ?? null;
      remoteType = stats.get(pair.remoteCandidateId)?.candidateType ?? null;
    }
  }
  const state = a.connectionState;
  a.close();
  b.close();
  return {
    result, message, localType, remoteType, state, errors,
    relayCandidates: candidates.filter((c) => / typ relay/.test(c)).length,
  };
}`;

function relayCheck(iceServers: IceServer[], timeoutMs: number): Promise<RelayCheck> {
  return page.evaluate(`(${RELAY_CHECK})(${JSON.stringify({ iceServers, timeoutMs })})`) as Promise<RelayCheck>;
}

async function fetchIceServers(): Promise<IceServer[]> {
  const res = await request<{ iceServers: IceServer[] }>(`${server.url}/api/ice-servers`, { token });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return res.body.iceServers;
}

describe('TURN through coturn with credentials from GET /api/ice-servers', () => {
  it('hands out TURN REST credentials for the caller, and only to a logged-in user', async () => {
    const iceServers = await fetchIceServers();
    expect(iceServers).toHaveLength(1);
    const [entry] = iceServers;
    expect(entry!.urls).toEqual(turn.turnUrls);
    expect(entry!.username).toMatch(new RegExp(`^\\d+:${userId}$`));
    expect((await request(`${server.url}/api/ice-servers`)).status).toBe(401);
  });

  it('allocates on coturn and connects two relay-only peers through it', async () => {
    const iceServers = await fetchIceServers();
    const check = await relayCheck(iceServers, 15_000);
    expect(check.relayCandidates, JSON.stringify(check)).toBeGreaterThan(0);
    expect(check.result, JSON.stringify(check)).toBe('open');
    expect(check.message).toBe('hello through coturn');
    expect(check.localType).toBe('relay');
    expect(check.remoteType).toBe('relay');
    // coturn itself allocated for this user's credential.
    expect(turn.logTail(5000)).toContain(
      `user <${iceServers[0]!.username}>: incoming packet ALLOCATE processed, success`,
    );
  });

  it('gathers no relay candidate and never connects with a wrong credential', async () => {
    const [entry] = await fetchIceServers();
    const wrong = [{ ...entry!, credential: Buffer.from('not the right one').toString('base64') }];
    const check = await relayCheck(wrong, 4000);
    expect(check.relayCandidates).toBe(0);
    expect(check.result).toBe('timeout');
    expect(check.localType).toBeNull();
    expect(check.errors.length, JSON.stringify(check)).toBeGreaterThan(0);
    expect(
      check.errors.some((e) => e.code === 401),
      JSON.stringify(check.errors),
    ).toBe(true);
  });

  it('gathers no relay candidate and never connects with an expired credential', async () => {
    const [entry] = await fetchIceServers();
    // Correctly signed with the shared secret, but its expiry is an hour ago.
    const expired = turnCredential(SECRET, userId, -3600);
    const check = await relayCheck(
      [{ urls: entry!.urls, username: expired.username, credential: expired.credential }],
      4000,
    );
    expect(check.relayCandidates).toBe(0);
    expect(check.result).toBe('timeout');
    expect(check.localType).toBeNull();
    expect(
      check.errors.some((e) => e.code === 401),
      JSON.stringify(check.errors),
    ).toBe(true);
    const log = turn.logTail(5000);
    expect(log).toContain(`Cannot find credentials of user <${expired.username}>`);
    expect(log).not.toContain(`user <${expired.username}>: incoming packet ALLOCATE processed, success`);
  });
});
