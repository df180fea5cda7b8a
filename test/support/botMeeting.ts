/**
 * An SFU meeting of RTP bots (loadtest/src/bots) behind a real server, for the drain test and
 * `npm run bench:drain`: accounts registered over HTTP, a host socket (an observer without
 * media that records what a participant is shown, e.g. `meeting_user_left`), and `n` sending
 * and receiving bots. No vitest here (the bench uses it too).
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { BotClient } from '../../loadtest/src/bots/BotClient.js';
import type { BotShared } from '../../loadtest/src/bots/BotShared.js';

export interface BotMeeting {
  meetingId: string;
  bots: BotClient[];
  /** Invited bots that have not joined (`spare` of BotMeetingOptions); `join()` them later. */
  spares: BotClient[];
  /** Events the host socket (in the meeting, no media) received, in order. */
  hostEvents: Array<{ event: string; payload: unknown }>;
  host: Socket;
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery drain';
const JOIN_STAGGER_MS = 250;

async function register(url: string, username: string): Promise<{ id: string; token: string }> {
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, displayName: username }),
  });
  const body = (await res.json()) as { user?: { id: string }; token?: string };
  if (res.status !== 201 || !body.user || !body.token) throw new Error(`register ${username}: ${res.status}`);
  return { id: body.user.id, token: body.token };
}

async function ack(socket: Socket, event: string, payload: unknown): Promise<Record<string, unknown>> {
  const answer = (await socket.timeout(15_000).emitWithAck(event, payload)) as Record<string, unknown> | null;
  if (answer?.ok !== true) throw new Error(`${event}: ${JSON.stringify(answer)}`);
  return answer;
}

export interface BotMeetingOptions {
  /** Signalling instances the bots connect to, bot i to `botUrls[i % length]` (default: `url`). */
  botUrls?: readonly string[];
  /** Bots invited as well but not joined (newcomers for later). */
  spare?: number;
  /** Between two bots' joins (default 250 ms). */
  joinStaggerMs?: number;
}

/**
 * Starts a meeting hosted by a socket without media and joins `n` sender bots (they also
 * receive). The server must run with SFU_PLAIN_RTP=true and a MESH_MAX_PARTICIPANTS below n.
 */
export async function startBotMeeting(
  url: string,
  n: number,
  shared: BotShared,
  options: BotMeetingOptions = {},
): Promise<BotMeeting> {
  const tag = randomBytes(3).toString('hex');
  const urls = options.botUrls?.length ? options.botUrls : [url];
  const names = Array.from({ length: n + (options.spare ?? 0) }, (_, i) => `drain${tag}b${i}`);
  const hostAccount = await register(url, `drain${tag}h`);
  const accounts = await Promise.all(names.map((name) => register(url, name)));
  const host = io(url, { auth: { token: hostAccount.token }, transports: ['websocket'], reconnection: false });
  const hostEvents: BotMeeting['hostEvents'] = [];
  host.onAny((event: string, payload: unknown) => hostEvents.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    host.once('connect', () => resolve());
    host.once('connect_error', reject);
  });
  const started = await ack(host, 'start_meeting', { inviteeIds: accounts.map((a) => a.id) });
  const meetingId = String((started.meeting as { id: string }).id);
  await ack(host, 'join_meeting', { meetingId });
  const all = names.map(
    (name, i) =>
      new BotClient(
        {
          id: `drain-bot-${i}`,
          kind: 'bot',
          role: 'sender',
          baseUrl: urls[i % urls.length]!,
          meetingId,
          email: name,
          password: PASSWORD,
          video: { width: 320, height: 180, fps: 15 },
        },
        shared,
      ),
  );
  const bots = all.slice(0, n);
  const spares = all.slice(n);
  const close = async () => {
    await Promise.allSettled(all.map((b) => b.close()));
    host.close();
  };
  // Staggered: each bot logs in (password hashing) before its join; all at once can time out.
  const joined = await Promise.all(
    bots.map((b, i) =>
      new Promise((r) => setTimeout(r, i * (options.joinStaggerMs ?? JOIN_STAGGER_MS))).then(() => b.join()),
    ),
  );
  const failed = joined.filter((j) => !j.ok);
  if (failed.length > 0) {
    await close();
    throw new Error(`bots failed to join: ${JSON.stringify(failed)}`);
  }
  return { meetingId, bots, spares, hostEvents, host, close };
}

/** Whether every bot has had video frames from `others` peers since its last resetFrameGaps(). */
export function everyoneSeesEveryone(bots: readonly BotClient[], others: number, minFrames = 1): boolean {
  return bots.every((b) => [...b.frameGaps().values()].filter((g) => g.frames >= minFrames).length >= others);
}

/** Polls `check` every 100 ms; false when `timeoutMs` passed first. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** Client transports (WebRTC and plain) on a media node, from its authenticated /health. */
export async function nodeTransports(nodeUrl: string, secret: string): Promise<number> {
  const res = await fetch(`${nodeUrl}/health`, { headers: { authorization: `Bearer ${secret}` } });
  const body = (await res.json()) as { workers?: Array<{ transports: number }> };
  return (body.workers ?? []).reduce((n, w) => n + w.transports, 0);
}

/** Per receiver: the longest gap in video frames from any one sender since the reset (ms). */
export function freezesPerReceiver(bots: readonly BotClient[]): number[] {
  return bots.map((b) => Math.max(0, ...[...b.frameGaps().values()].map((g) => g.longestGapMs)));
}
