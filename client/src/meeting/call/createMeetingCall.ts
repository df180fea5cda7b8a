import {
  ServerEvents,
  type Meeting,
  type IceServer,
  type MeetingEndReason,
  type MeetingHostChangedEvent,
  type MeetingMode,
  type Participant,
} from '@parley/protocol';
import { batch, createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import { ApiError } from '../../api/ApiError.js';
import { socketConnectedAt, type SocketClient } from '../../api/socket.js';
import { LocalMedia } from '../media/LocalMedia.js';
import { meetingLog } from '../meetingLog.js';
import { meetingsApi } from '../meetingsApi.js';
import type { ConnectionQuality } from '../layout/quality.js';
import { createSession, type RemoteMedia, type TileReport } from '../session/MeetingSession.js';
import '../session/registerMesh.js';
import { preloadSfu } from '../session/registerSfu.js';
import {
  beginJoinTimeline,
  installDebugHook,
  markJoin,
  onJoinComplete,
  recordJoinAck,
  recordJoinStart,
} from './debugHooks.js';
import { IceServerSource } from './IceServerSource.js';
import { ModeSwitch } from './ModeSwitch.js';
import { createQualitySampler } from './qualitySampler.js';
import { normaliseParticipants, removeParticipant, upsertParticipant } from './participants.js';

export type CallPhase =
  | 'starting' // checking the meeting (get_room_info)
  | 'media' // opening camera and microphone
  | 'joining' // join_meeting sent
  | 'joined'
  | 'reconnecting' // the socket dropped; joins again when it is back
  | 'left' // this page left
  | 'ended' // the meeting ended (stopped, empty)
  | 'replaced' // the same user joined from another tab or device
  | 'unavailable' // no such meeting, or not invited
  | 'error';

export interface MeetingCall {
  readonly phase: Accessor<CallPhase>;
  readonly meeting: Accessor<Meeting | null>;
  readonly mode: Accessor<MeetingMode>;
  readonly selfPeerId: Accessor<string | null>;
  /** The other participants, one per user, in joining order. */
  readonly participants: Accessor<Participant[]>;
  readonly local: Accessor<LocalMedia | null>;
  readonly error: Accessor<string | null>;
  readonly endReason: Accessor<MeetingEndReason | null>;
  readonly isHost: Accessor<boolean>;
  /** Reactive: what this page receives from a participant. */
  media(peerId: string): RemoteMedia | null;
  /** Reactive: the participant speaking now (SFU mode), or null. */
  activeSpeaker(): string | null;
  /** Reactive: a participant's connection quality (sampled every few seconds), or null. */
  quality(peerId: string): ConnectionQuality | null;
  /** The page's remote tiles (size, visible) changed: the SFU picks layers from them. */
  reportTiles(tiles: TileReport[]): void;
  leave(): Promise<void>;
  /** Ends the meeting for everyone (host only). */
  stop(): Promise<void>;
  /** Starts over after leaving, an error or being replaced by another tab. */
  rejoin(): void;
}

const LIVE: readonly CallPhase[] = ['starting', 'media', 'joining', 'joined', 'reconnecting'];
/** Longest the previous transport keeps running after a mode switch (make-before-break). */
const SWITCH_TIMEOUT_MS = 8000;
/** How often the connection-quality figures are sampled. */
const QUALITY_INTERVAL_MS = 2000;
/** A mesh call with this many other participants loads the SFU code ahead, after this delay. */
const SFU_PRELOAD_OTHERS = 2;
const SFU_PRELOAD_DELAY_MS = 1500;

/**
 * One meeting on this page: checks it, opens local media, joins, follows participants through
 * the meeting events, runs the transport for the room's mode (MeshSession now), joins again
 * after a reconnection, and stops every track and connection when the call is over. Call it
 * inside a component: it ends the call (leave_meeting) when the component goes away.
 */
export function createMeetingCall(meetingId: string, client: SocketClient, selfUserId: string): MeetingCall {
  const log = meetingLog.child(meetingId.slice(0, 8));
  const [phase, setPhase] = createSignal<CallPhase>('starting');
  const [meeting, setMeeting] = createSignal<Meeting | null>(null);
  const [mode, setMode] = createSignal<MeetingMode>('mesh');
  const [selfPeerId, setSelfPeerId] = createSignal<string | null>(null);
  const [participants, setParticipants] = createSignal<Participant[]>([]);
  const transports = new ModeSwitch({ timeoutMs: SWITCH_TIMEOUT_MS });
  const sessions = transports.sessions;
  /** The STUN/TURN servers of the last join, kept fresh (also for the transport of a switch). */
  let ice: IceServerSource | null = null;
  const iceServers = (): IceServer[] => ice?.current() ?? [];
  const [local, setLocal] = createSignal<LocalMedia | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [endReason, setEndReason] = createSignal<MeetingEndReason | null>(null);

  /** Bumped whenever a call attempt ends, so stale async steps of it stop. */
  let generation = 0;
  /** Meeting events that arrive while join_meeting is in flight, applied after its ack. */
  let queued: (() => void)[] | null = null;

  const isLive = () => LIVE.includes(phase());
  const current = () => transports.current();

  function closeSessions(): void {
    transports.closeAll();
  }

  /** The call is over for this page: every connection closed, every local track stopped. */
  function finish(next: CallPhase): void {
    generation++;
    queued = null;
    closeSessions();
    ice?.close();
    ice = null;
    local()?.stop();
    batch(() => {
      setParticipants([]);
      setPhase(next);
    });
  }

  function fail(failure: unknown): void {
    const code = failure instanceof ApiError ? failure.code : null;
    if (code === 'not_found' || code === 'forbidden' || code === 'bad_request') {
      setError(code === 'forbidden' ? 'You are not invited to this meeting.' : 'This meeting does not exist.');
      finish('unavailable');
    } else if (code === 'conflict') {
      finish('ended');
    } else {
      setError(failure instanceof ApiError ? failure.message : 'Could not join the meeting.');
      log.warn('join failed', failure);
      finish('error');
    }
  }

  async function start(): Promise<void> {
    const attempt = ++generation;
    batch(() => {
      setError(null);
      setEndReason(null);
      setPhase('starting');
    });
    beginJoinTimeline();
    markJoin('start');
    const connectedAt = socketConnectedAt();
    if (connectedAt !== null) markJoin('socket', connectedAt);
    try {
      const info = await client.request('get_room_info', { meetingId });
      markJoin('socket', socketConnectedAt() ?? performance.now());
      markJoin('roomInfo');
      if (attempt !== generation) return;
      batch(() => {
        setMeeting(info.meeting);
        setMode(info.mode);
      });
      if (info.meeting.status !== 'active') return finish('ended');
      setPhase('media');
      // An SFU meeting: open the camera at the SFU size right away (three simulcast layers).
      const media = new LocalMedia(undefined, info.mode === 'sfu' ? 'sfu' : 'mesh');
      setLocal(media);
      await media.start();
      markJoin('capture');
      if (attempt !== generation) return media.stop();
      await join();
    } catch (failure) {
      if (attempt === generation) fail(failure);
    }
  }

  async function join(): Promise<void> {
    const attempt = generation;
    const media = local();
    if (!media) return;
    setPhase('joining');
    queued = [];
    const timing = recordJoinStart(meetingId);
    const ack = await client.request('join_meeting', { meetingId }, { timeoutMs: 15_000 });
    if (attempt !== generation) return;
    ice?.close();
    ice = new IceServerSource(ack.iceServers, ack.iceServersTtl, () => meetingsApi.iceServers());
    const others = normaliseParticipants(ack.participants, { peerId: ack.selfPeerId, userId: selfUserId });
    recordJoinAck(
      timing,
      ack.selfPeerId,
      others.map((participant) => participant.peerId),
    );
    const session = createSession(ack.mode, {
      meetingId,
      selfPeerId: ack.selfPeerId,
      iceServers: ack.iceServers,
      ice,
      client,
      local: media,
    });
    batch(() => {
      setSelfPeerId(ack.selfPeerId);
      setMeeting(ack.meeting);
      setMode(ack.mode);
      setParticipants(others);
      transports.reset(session);
      setPhase('joined');
    });
    if (!session) {
      setError(`This version of Parley cannot take part in ${ack.mode} meetings yet.`);
      return;
    }
    for (const participant of others) session.addPeer(participant, { initiate: true });
    const pending = queued ?? [];
    queued = null;
    for (const apply of pending) apply();
  }

  /** Applies a meeting event now, or after the join ack when a join is in flight. */
  function whenJoined(apply: () => void): void {
    if (queued) queued.push(apply);
    else if (phase() === 'joined') apply();
  }

  function onUserJoined(participant: Participant): void {
    if (participant.peerId === selfPeerId() || participant.user.id === selfUserId) return;
    const { list, replaced } = upsertParticipant(participants(), participant);
    setParticipants(list);
    for (const session of sessions()) {
      for (const peerId of replaced) session.removePeer(peerId);
      session.addPeer(participant, { initiate: false });
    }
  }

  function onUserLeft(peerId: string, reason: string): void {
    if (peerId === selfPeerId()) {
      if (reason === 'removed') finish('replaced');
      else if (phase() === 'joined') void rejoinAfterDrop();
      return;
    }
    setParticipants(removeParticipant(participants(), peerId));
    for (const session of sessions()) session.removePeer(peerId);
  }

  /** The server dropped this page's peer (its connection looked gone): join again. */
  async function rejoinAfterDrop(): Promise<void> {
    generation++;
    closeSessions();
    setParticipants([]);
    try {
      await join();
    } catch (failure) {
      fail(failure);
    }
  }

  function switchMode(next: MeetingMode): void {
    setMode(next);
    const active = current();
    const media = local();
    const self = selfPeerId();
    if (!active || active.mode === next || !media || !self) return;
    // The camera grows to the SFU size before the SFU producer exists (it waits for this).
    if (next === 'sfu') void media.setCameraMode('sfu');
    // Make before break: the new transport starts, the old one keeps playing each participant
    // until the new one shows that participant's video (see ModeSwitch).
    const session = createSession(next, {
      meetingId,
      selfPeerId: self,
      iceServers: iceServers(),
      ...(ice ? { ice } : {}),
      client,
      local: media,
    });
    if (!session) {
      setError(`This version of Parley cannot take part in ${next} meetings yet.`);
      return;
    }
    log.info(`switching to ${next}`);
    for (const participant of participants()) session.addPeer(participant, { initiate: true });
    transports.switchTo(session, () => participants().map((participant) => participant.peerId));
  }

  // A mesh call of three or more may soon move to the SFU (MESH_MAX_PARTICIPANTS, default 4):
  // load the SFU code now, while nothing else runs, rather than during the switch.
  createEffect(() => {
    if (phase() !== 'joined' || mode() !== 'mesh' || participants().length < SFU_PRELOAD_OTHERS) return;
    const timer = setTimeout(() => void preloadSfu().catch(() => undefined), SFU_PRELOAD_DELAY_MS);
    onCleanup(() => clearTimeout(timer));
  });

  // The camera has the SFU size while any SFU transport runs (the mesh links scale it down),
  // and the mesh size again once the last one closed (after a switch back to mesh).
  createEffect(() => {
    const media = local();
    const running = sessions();
    if (!media || running.length === 0) return;
    void media.setCameraMode(running.some((session) => session.mode === 'sfu') ? 'sfu' : 'mesh');
  });

  const quality = createQualitySampler(
    () => (phase() === 'joined' ? (current()?.stats() ?? null) : null),
    QUALITY_INTERVAL_MS,
  );

  /** Parley's own events that api/socketEvents.ts does not type (yet). */
  const onRaw = <T>(event: string, handler: (payload: T) => void) => {
    client.raw.on(event, handler);
    return () => void client.raw.off(event, handler);
  };

  const stopListening = [
    client.on(ServerEvents.meetingUserJoined, (event) => {
      if (event.meetingId === meetingId) whenJoined(() => onUserJoined({ peerId: event.peerId, user: event.user }));
    }),
    client.on(ServerEvents.meetingUserLeft, (event) => {
      if (event.meetingId === meetingId) whenJoined(() => onUserLeft(event.peerId, event.reason));
    }),
    client.on(ServerEvents.meetingEnded, (event) => {
      if (event.meetingId !== meetingId || !isLive()) return;
      setEndReason(event.reason);
      finish('ended');
    }),
    client.on(ServerEvents.meetingInvitation, (event) => {
      if (event.meeting.id !== meetingId || event.status !== 'inactive' || !isLive()) return;
      setMeeting(event.meeting);
      finish('ended');
    }),
    onRaw<MeetingHostChangedEvent>(ServerEvents.meetingHostChanged, (event) => {
      const value = meeting();
      if (event.meetingId === meetingId && value) setMeeting({ ...value, hostId: event.hostId });
    }),
    client.on(ServerEvents.meetingMode, (event) => {
      if (event.meetingId === meetingId) whenJoined(() => switchMode(event.mode));
    }),
  ];

  // The server forgets this page's peer when the socket drops: join again once it is back.
  const onDisconnect = () => {
    if (phase() !== 'joined' && phase() !== 'joining') return;
    generation++;
    queued = null;
    closeSessions();
    batch(() => {
      setParticipants([]);
      setPhase('reconnecting');
    });
  };
  const onConnect = () => {
    if (phase() === 'reconnecting') join().catch(fail);
  };
  client.raw.on('disconnect', onDisconnect);
  client.raw.on('connect', onConnect);

  async function leave(): Promise<void> {
    if (!isLive()) return;
    const wasInRoom = selfPeerId() !== null;
    finish('left');
    if (wasInRoom) await client.request('leave_meeting', { meetingId }, { timeoutMs: 5000 }).catch(() => undefined);
  }

  async function stop(): Promise<void> {
    try {
      await client.request('stop_meeting', { meetingId });
      if (isLive()) {
        setEndReason('stopped');
        finish('ended');
      }
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not end the meeting.');
    }
  }

  const removeHook = installDebugHook({
    phase,
    mode,
    selfPeerId,
    localTracks: () => local()?.allTracks() ?? [],
    stats: async () => (await Promise.all(sessions().map((session) => session.stats()))).flat(),
    transports: () => sessions().map((session) => session.mode),
    activeSpeaker: () => current()?.activeSpeaker?.() ?? null,
    restartIce: () => {
      for (const session of sessions()) session.restartConnections?.();
    },
  });

  // The page's join timeline goes to the server's metrics once every remote video shows.
  onJoinComplete((timing) => {
    client
      .request('meeting_join_timeline', { meetingId: timing.meetingId, marks: timing.marks })
      .catch(() => undefined);
  });

  onCleanup(() => {
    onJoinComplete(null);
    void leave();
    for (const stopOne of stopListening) stopOne();
    client.raw.off('disconnect', onDisconnect);
    client.raw.off('connect', onConnect);
    removeHook();
    quality.stop();
  });

  void start();

  return {
    phase,
    meeting,
    mode,
    selfPeerId,
    participants,
    local,
    error,
    endReason,
    isHost: () => meeting()?.hostId === selfUserId,
    media: (peerId) => transports.media(peerId),
    activeSpeaker: () => current()?.activeSpeaker?.() ?? null,
    quality: (peerId) => quality.qualities().get(peerId) ?? null,
    reportTiles: (tiles) => {
      for (const session of sessions()) session.reportTiles?.(tiles);
    },
    leave,
    stop,
    rejoin: () => {
      if (!isLive()) void start();
    },
  };
}
