/**
 * Meeting pages in the bed's browsers and what the tests read from them: the selected ICE
 * candidate pair of every open connection, the received video (frames decoded, picture height)
 * per remote participant, joins and the meeting's host. Page code is sent as source text
 * (transpiled functions would carry esbuild helpers the page does not have).
 */
import type { Browser, Page } from 'puppeteer-core';
import { newUserPage, registerInPage } from '../../support/browser.js';

export const PASSWORD = 'correct horse battery';

/** Records every RTCPeerConnection the page creates (window.__pcs) before the app runs. */
const TRACK_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  if (!Original || window.__pcs) return;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})()`;

export interface BedUser {
  name: string;
  page: Page;
  id: string;
  /** The server origin this user's page uses. */
  origin: string;
}

export async function inPage<T>(page: Page, source: string): Promise<T> {
  return (await page.evaluate(source)) as T;
}

/** A registered, logged-in user in its own browser context of `browser`, on `origin`. */
export async function newBedUser(browser: Browser, origin: string, name: string): Promise<BedUser> {
  const page = await newUserPage(browser, origin, { path: null });
  page.setDefaultTimeout(30_000);
  await page.evaluateOnNewDocument(TRACK_PEER_CONNECTIONS);
  await page.goto(new URL('/login', origin).toString(), { waitUntil: 'domcontentloaded' });
  const user = await registerInPage(page, { username: name, password: PASSWORD, displayName: name.toUpperCase() });
  return { name, page, id: user.id, origin };
}

export async function createMeeting(host: BedUser): Promise<string> {
  const created = await inPage<{ meeting: { id: string } }>(
    host.page,
    `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Across NATs', access: 'link' }) }).then((r) => r.json())`,
  );
  return created.meeting.id;
}

/** The meeting's host (hostId), as the server reports it to `user` (GET /api/meetings/active). */
export async function meetingHostId(user: BedUser, meetingId: string): Promise<string | null> {
  const answer = await inPage<{ meetings: Array<{ id: string; hostId: string }> }>(
    user.page,
    `fetch('/api/meetings/active').then((r) => r.json())`,
  );
  return answer.meetings.find((meeting) => meeting.id === meetingId)?.hostId ?? null;
}

/**
 * Opens the meeting (small camera: mesh 320x180, SFU 640x360 at 15 fps, audio processing off)
 * and waits until the page has joined; returns its peer id.
 */
export async function joinMeeting(user: BedUser, meetingId: string): Promise<string> {
  await user.page.goto(
    new URL(`/meet/${meetingId}?ap=0&video=320x180@15&sfuVideo=640x360@15&debug=meeting`, user.origin).toString(),
    { waitUntil: 'domcontentloaded' },
  );
  await user.page.waitForFunction('window.parleyMeeting && window.parleyMeeting.phase() === "joined"', {
    timeout: 30_000,
  });
  return inPage<string>(user.page, 'window.parleyMeeting.selfPeerId()');
}

export async function meetingMode(user: BedUser): Promise<string> {
  return inPage<string>(user.page, 'window.parleyMeeting ? window.parleyMeeting.mode() : ""');
}

export async function joinCount(user: BedUser): Promise<number> {
  return inPage<number>(user.page, 'window.parleyMeeting ? window.parleyMeeting.joins.length : 0');
}

/** join → first remote frame (ms) of the page's last join, null if none yet. */
export async function lastJoinToFirstFrame(user: BedUser): Promise<number | null> {
  return inPage<number | null>(
    user.page,
    `(() => { const j = window.parleyMeeting && window.parleyMeeting.joins.at(-1);
      return j && j.firstFrameAt !== null ? Math.round(j.firstFrameAt - j.startedAt) : null; })()`,
  );
}

export interface SelectedPair {
  local: string;
  remote: string;
  /** udp or tcp between the page and its first hop (the TURN server for a relay candidate). */
  protocol: string;
  /** For a relay candidate: how the page reaches the TURN server (udp, tcp, tls). */
  relayProtocol: string;
  remoteAddress: string;
  state: string;
}

/** The selected candidate pair of every connected RTCPeerConnection of the page. */
export async function selectedPairs(user: BedUser): Promise<SelectedPair[]> {
  return inPage<SelectedPair[]>(
    user.page,
    `(async () => {
      const out = [];
      for (const pc of (window.__pcs || []).filter((pc) => pc.connectionState === 'connected')) {
        const stats = await pc.getStats();
        stats.forEach((s) => {
          if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
          const pair = stats.get(s.selectedCandidatePairId);
          const local = stats.get(pair.localCandidateId);
          const remote = stats.get(pair.remoteCandidateId);
          out.push({ local: local.candidateType, remote: remote.candidateType, protocol: local.protocol,
            relayProtocol: local.relayProtocol || '', remoteAddress: remote.address + ':' + remote.port, state: pair.state });
        });
      }
      return out;
    })()`,
  );
}

export interface ReceivedVideo {
  peerId: string;
  framesDecoded: number;
  frameHeight: number;
}

/** Per remote camera `<video>`: the frames decoded and the picture height of its track. */
export async function receivedVideos(user: BedUser): Promise<ReceivedVideo[]> {
  return inPage<ReceivedVideo[]>(
    user.page,
    `(async () => {
      const inbound = new Map();
      for (const pc of window.__pcs || []) {
        if (pc.signalingState === 'closed') continue;
        (await pc.getStats()).forEach((entry) => {
          if (entry.type === 'inbound-rtp' && entry.kind === 'video' && entry.trackIdentifier) inbound.set(entry.trackIdentifier, entry);
        });
      }
      return [...document.querySelectorAll('video[data-peer-id]:not([data-source="screen"])')].map((video) => {
        const track = video.srcObject && video.srcObject.getVideoTracks()[0];
        const stats = track ? inbound.get(track.id) : undefined;
        return { peerId: video.getAttribute('data-peer-id'), framesDecoded: stats ? stats.framesDecoded || 0 : 0,
          frameHeight: stats ? stats.frameHeight || 0 : 0 };
      });
    })()`,
  );
}

export interface FpsSample {
  peerId: string;
  fps: number;
  frameHeight: number;
}

/** Frames decoded per second of every remote camera over `ms`, and the last picture height. */
export async function receivedFps(user: BedUser, ms: number): Promise<FpsSample[]> {
  const before = await receivedVideos(user);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await receivedVideos(user);
  const seconds = (Date.now() - started) / 1000;
  return after.map((video) => {
    const first = before.find((entry) => entry.peerId === video.peerId);
    const frames = first ? video.framesDecoded - first.framesDecoded : 0;
    return { peerId: video.peerId, fps: Math.max(0, frames) / seconds, frameHeight: video.frameHeight };
  });
}

/**
 * Waits until the page shows exactly the remote cameras of `peerIds` and every one of them
 * decodes new frames within a window of `sampleMs`; returns how long that took (ms, counting
 * the last window).
 */
export async function waitForLiveVideos(
  user: BedUser,
  peerIds: string[],
  timeoutMs = 45_000,
  sampleMs = 500,
): Promise<number> {
  const started = Date.now();
  const want = [...peerIds].sort().join(',');
  let last: FpsSample[] = [];
  while (Date.now() - started < timeoutMs) {
    last = await receivedFps(user, sampleMs);
    const seen = last
      .map((sample) => sample.peerId)
      .sort()
      .join(',');
    if (seen === want && last.every((sample) => sample.fps > 0)) return Date.now() - started;
  }
  throw new Error(
    `${user.name}: remote videos not live after ${timeoutMs} ms: want ${want}, saw ${JSON.stringify(last)}`,
  );
}

/** The connection states of the page's open RTCPeerConnections. */
export async function connectionStates(user: BedUser): Promise<string[]> {
  return inPage<string[]>(
    user.page,
    `(window.__pcs || []).filter((pc) => pc.signalingState !== 'closed').map((pc) => pc.connectionState)`,
  );
}
