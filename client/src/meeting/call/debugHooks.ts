import type { JoinMark } from '@parley/protocol';
import type { PeerStats } from '../session/MeetingSession.js';

/** The steps of a join (JOIN_MARKS of the protocol), in ms since the page's navigation started. */
export type { JoinMark };

/** One `join_meeting` of this page, timed with performance.now(). */
export interface JoinTiming {
  meetingId: string;
  peerId: string | null;
  startedAt: number;
  ackAt: number | null;
  /** The peers already in the meeting when the join was acknowledged. */
  peersAtJoin: string[];
  /** When the first video frame of one of them was ready to show, or null. */
  firstFrameAt: number | null;
  firstFramePeerId: string | null;
  /** When the first frame of every one of peersAtJoin was ready, or null. */
  allFramesAt: number | null;
  /** The join's timeline (ms since navigation), JOIN_MARKS as they happened. */
  marks: Partial<Record<JoinMark, number>>;
}

export interface MeetingDebugHook {
  joins: JoinTiming[];
  phase: () => string;
  mode: () => string;
  selfPeerId: () => string | null;
  /** Every local track this page opened during the current call. */
  localTracks: () => MediaStreamTrack[];
  stats: () => Promise<PeerStats[]>;
  /** The modes of the running transports, the shown one first (two during a mode switch). */
  transports?: () => string[];
  /** The participant speaking now (SFU mode), or null. */
  activeSpeaker?: () => string | null;
  /** Restarts ICE on every connection of the call (support; tests of renegotiation). */
  restartIce?: () => void;
}

declare global {
  interface Window {
    /** Read-only view of the current call for tests, the load tester and support. */
    parleyMeeting?: MeetingDebugHook;
  }
}

/** Keeps the join timings across calls of the same page (e.g. rejoin after a reconnection). */
const joins: JoinTiming[] = [];
/** Marks of the join being prepared (before join_meeting is sent). */
let preparing: Partial<Record<JoinMark, number>> = {};
/** Participants of the latest join whose first frame is in. */
const framed = new Set<string>();
let onComplete: ((timing: JoinTiming) => void) | null = null;
/** The join that join_meeting was sent for last (null while the next one is prepared). */
let current: JoinTiming | null = null;

export function installDebugHook(hook: Omit<MeetingDebugHook, 'joins'>): () => void {
  const value: MeetingDebugHook = { joins, ...hook };
  window.parleyMeeting = value;
  return () => {
    if (window.parleyMeeting === value) delete window.parleyMeeting;
  };
}

/** A new join is being prepared: marks from now on belong to it. */
export function beginJoinTimeline(): void {
  preparing = {};
  current = null;
}

/** Notes `mark` of the join being prepared or running (the first time only). */
export function markJoin(mark: JoinMark, at: number = performance.now()): void {
  // After the join is complete (a later mesh → SFU switch, say) nothing belongs to it.
  if (current?.allFramesAt != null) return;
  const marks = current ? current.marks : preparing;
  if (marks[mark] === undefined) marks[mark] = Math.round(at);
}

/** Called once per join when every participant there at the join shows a frame. */
export function onJoinComplete(listener: ((timing: JoinTiming) => void) | null): void {
  onComplete = listener;
}

export function recordJoinStart(meetingId: string): JoinTiming {
  const startedAt = performance.now();
  const timing: JoinTiming = {
    meetingId,
    peerId: null,
    startedAt,
    ackAt: null,
    peersAtJoin: [],
    firstFrameAt: null,
    firstFramePeerId: null,
    allFramesAt: null,
    marks: { ...preparing, joinSent: Math.round(startedAt) },
  };
  preparing = {};
  framed.clear();
  current = timing;
  joins.push(timing);
  return timing;
}

/** The join was acknowledged with these participants already there. */
export function recordJoinAck(timing: JoinTiming, peerId: string, peersAtJoin: string[]): void {
  timing.ackAt = performance.now();
  timing.marks.joinAck = Math.round(timing.ackAt);
  timing.peerId = peerId;
  timing.peersAtJoin = peersAtJoin;
}

/** A remote video element of `peerId` has its first frame. */
export function recordFirstFrame(peerId: string, at: number = performance.now()): void {
  const timing = joins[joins.length - 1];
  if (!timing || !timing.peersAtJoin.includes(peerId) || framed.has(peerId)) return;
  framed.add(peerId);
  if (timing.firstFrameAt === null) {
    timing.firstFrameAt = at;
    timing.firstFramePeerId = peerId;
    timing.marks.firstFrame = Math.round(at);
  }
  if (timing.allFramesAt === null && timing.peersAtJoin.every((id) => framed.has(id))) {
    timing.allFramesAt = at;
    timing.marks.allFrames = Math.round(at);
    onComplete?.(timing);
  }
}
