import type { PeerStats } from '../session/MeetingSession.js';

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

export function installDebugHook(hook: Omit<MeetingDebugHook, 'joins'>): () => void {
  const value: MeetingDebugHook = { joins, ...hook };
  window.parleyMeeting = value;
  return () => {
    if (window.parleyMeeting === value) delete window.parleyMeeting;
  };
}

export function recordJoinStart(meetingId: string): JoinTiming {
  const timing: JoinTiming = {
    meetingId,
    peerId: null,
    startedAt: performance.now(),
    ackAt: null,
    peersAtJoin: [],
    firstFrameAt: null,
    firstFramePeerId: null,
  };
  joins.push(timing);
  return timing;
}

/** A remote video element of `peerId` has its first frame. */
export function recordFirstFrame(peerId: string, at: number = performance.now()): void {
  const timing = joins[joins.length - 1];
  if (!timing || timing.firstFrameAt !== null || !timing.peersAtJoin.includes(peerId)) return;
  timing.firstFrameAt = at;
  timing.firstFramePeerId = peerId;
}
