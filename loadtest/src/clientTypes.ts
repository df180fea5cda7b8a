/**
 * The contract between the load-test runner and its two kinds of clients: a page in headless
 * Chromium (`browser/`) and an RTP bot without a browser (`bots/`). The runner only knows this.
 */

export type ClientKind = 'browser' | 'bot';
export type ClientRole = 'sender' | 'receiver';

/** Where and how a client joins; credentials are made by the runner (one user per client). */
export interface ClientSpec {
  /** Unique in the run, e.g. `m1-browser-3` or `m2-bot-7`. */
  id: string;
  kind: ClientKind;
  role: ClientRole;
  /** Base URL of the Parley under test, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  meetingId: string;
  /** The client's own account (registered by the runner before the join). */
  email: string;
  password: string;
  /** Session token from the runner's login phase; without one the client logs in itself. */
  token?: string;
  /** Requested outgoing video (senders only). */
  video: { width: number; height: number; fps: number };
  /** 1-based position among the clients of its kind and role in its meeting (bots: which tiles they show). */
  index?: number;
  /** A receiving bot with its microphone open (sends audio, no camera). */
  mic?: boolean;
}

/** Why a join failed, in words a user can act on (never a stack trace). */
export interface JoinFailure {
  ok: false;
  /** Stage that failed: login, page, join, media, timeout... */
  stage: string;
  reason: string;
}

export interface JoinSuccess {
  ok: true;
  /** ms from the start of the join to the ack of `join_meeting`. */
  joinMs: number;
  /** ms from the start of the join to the first decoded remote video frame, null if none yet. */
  firstFrameMs: number | null;
  /** `mesh` or `sfu`, as the client saw it. */
  mode: string;
}

export type JoinResult = JoinSuccess | JoinFailure;

/** One sample of a client's receive side, taken every sampling interval. */
export interface ClientSample {
  /** ms since the run started. */
  t: number;
  clientId: string;
  /** Remote video streams being received. */
  videoStreams: number;
  /** Mean received video frames per second over those streams (null: nothing received yet). */
  fps: number | null;
  /** Lowest fps of any received stream. */
  minFps: number | null;
  /** Freezes (no new frame for > 500 ms) counted since the last sample, and their total ms. */
  freezes: number;
  freezeMs: number;
  /** Fraction of packets lost since the last sample, 0..1. */
  packetLoss: number | null;
  /** ms. */
  jitterMs: number | null;
  /** ms; null where the client cannot measure it (bots without RTCP). */
  rttMs: number | null;
  /** Received bits per second, all streams. */
  bitrateIn: number | null;
  /** Sent bits per second. */
  bitrateOut: number | null;
  /** `mesh` or `sfu` now. */
  mode: string | null;
}

export interface LoadClient {
  readonly spec: ClientSpec;
  /** Logs in, joins, starts media. Resolves (never rejects) with what happened. */
  join(): Promise<JoinResult>;
  /** Measures since the previous call. Never rejects; a broken client answers nulls. */
  sample(t: number): Promise<ClientSample>;
  /** Leaves the meeting and frees everything. Idempotent, never rejects. */
  close(): Promise<void>;
}
