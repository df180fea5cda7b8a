import {
  type Meeting,
  type IceServer,
  type MeetingEndReason,
  type MeetingMode,
  type Participant,
  type RoomFeatureState,
} from '@parley/protocol';
import { batch, createSignal, onCleanup } from 'solid-js';
import { ApiError } from '../../api/ApiError.js';
import { socketConnectedAt, type SocketClient } from '../../api/socket.js';
import { LocalMedia } from '../media/LocalMedia.js';
import { meetingLog } from '../meetingLog.js';
import { meetingsApi } from '../meetingsApi.js';
import { createSession } from '../session/MeetingSession.js';
import '../session/registerMesh.js';
import { preloadSfu } from '../session/registerSfu.js';
import { cameraFollowsTransports, preloadSfuWhenLikely } from './callEffects.js';
import {
  beginJoinTimeline,
  installDebugHook,
  markJoin,
  onJoinComplete,
  recordJoinAck,
  recordJoinStart,
} from './debugHooks.js';
import { IceServerSource } from './IceServerSource.js';
import { listenToMeeting } from './meetingListeners.js';
import { ModeSwitch } from './ModeSwitch.js';
import { describeCallFailure } from './callFailure.js';
import { createQualitySampler } from './qualitySampler.js';
import { ServerRestartResume } from './ServerRestartResume.js';
import { SessionSwitches } from './SessionSwitches.js';
import type { CallPhase, MeetingCall } from './MeetingCall.js';
import { normaliseParticipants, removeParticipant, upsertParticipant } from './participants.js';

export type { CallPhase, MeetingCall } from './MeetingCall.js';

const LIVE: readonly CallPhase[] = ['starting', 'media', 'joining', 'lobby', 'joined', 'reconnecting'];
/** A join may wait in a locked meeting's lobby (60 s on the server) before it is answered. */
const JOIN_TIMEOUT_MS = 75_000;
/** Longest the previous transport keeps running after a mode switch (make-before-break). */
const SWITCH_TIMEOUT_MS = 8000;
/** How often the connection-quality figures are sampled. */
const QUALITY_INTERVAL_MS = 2000;

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
  const [room, setRoom] = createSignal<RoomFeatureState | null>(null);

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
    const { phase: next, message, unexpected } = describeCallFailure(failure, phase() === 'lobby');
    if (message) setError(message);
    if (unexpected) log.warn('join failed', failure);
    finish(next);
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
      const sfu = info.mode === 'sfu';
      // The SFU code (mediasoup-client) loads while the camera opens and the join runs.
      if (sfu) void preloadSfu().catch(() => undefined);
      // An SFU meeting: open the camera at the SFU size right away (three simulcast layers).
      const media = new LocalMedia(undefined, sfu ? 'sfu' : 'mesh');
      setLocal(media);
      const capture = media.start().then(() => markJoin('capture'));
      // SFU: the others' pictures need no local media, so the join does not wait for the camera
      // (the SFU publisher sends each track once it is there). Mesh offers carry the tracks: first the camera.
      if (!sfu) await capture;
      if (attempt !== generation) return media.stop();
      await Promise.all([join(), capture]);
    } catch (failure) {
      if (attempt === generation) fail(failure);
    }
  }

  async function join(): Promise<void> {
    const attempt = generation;
    const media = local();
    if (!media) return;
    const resumePeerId = resume.take();
    // A deploy hand-over keeps the call on screen ('reconnecting') until the resumed join is in.
    if (!(resumePeerId && phase() === 'reconnecting')) setPhase('joining');
    queued = [];
    const timing = recordJoinStart(meetingId);
    const ack = await client.request(
      'join_meeting',
      // An SFU meeting: the transports come with the join.
      { meetingId, ...(resumePeerId ? { resumePeerId } : {}), ...(mode() === 'sfu' ? { sfuTransports: true } : {}) },
      { timeoutMs: JOIN_TIMEOUT_MS },
    );
    if (attempt !== generation) {
      // The page gave up while the join waited (in a lobby): do not stay in the room unseen.
      if (!isLive()) void client.request('leave_meeting', { meetingId }).catch(() => undefined);
      return;
    }
    const listed = normaliseParticipants(ack.participants, { peerId: ack.selfPeerId, userId: selfUserId });
    const resumed = ack.selfPeerId === resumePeerId;
    // Resumed: those still there keep their entries (and tiles); the others are as listed.
    const others = resumed ? ServerRestartResume.keepEntries(participants(), listed) : listed;
    const kept = current();
    if (resumed && kept?.mode === 'mesh' && ack.mode === 'mesh') {
      // Resumed after a server restart: the mesh links never stopped.
      ServerRestartResume.reconcile(kept, participants(), others);
      batch(() => void [setMeeting(ack.meeting), setParticipants(others), setPhase('joined')]);
      return;
    }
    ice?.close();
    ice = new IceServerSource(ack.iceServers, ack.iceServersTtl, () => meetingsApi.iceServers());
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
      ...(ack.sfu ? { sfuJoin: ack.sfu } : {}),
    });
    // An SFU session's first requests (sfu:consume_many) go out before the tiles render.
    if (session?.mode === 'sfu') await new Promise((resolve) => setTimeout(resolve, 0));
    if (attempt !== generation) return session?.close();
    batch(() => {
      setSelfPeerId(ack.selfPeerId);
      setMeeting(ack.meeting);
      setMode(ack.mode);
      setParticipants(others);
      setRoom(ack.room ?? null);
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

  function onUserLeft(peerId: string, reason: string, byHost?: boolean): void {
    if (peerId === selfPeerId()) {
      if (reason === 'removed') finish(byHost ? 'removed' : 'replaced');
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

  const switches = new SessionSwitches({
    client,
    meetingId,
    transports,
    selfPeerId,
    local,
    participants,
    iceServers,
    ice: () => ice,
    joined: () => phase() === 'joined',
    setMode,
    setError,
    log,
  });

  preloadSfuWhenLikely(() => phase() === 'joined', mode, participants);
  cameraFollowsTransports(local, sessions);

  const quality = createQualitySampler(
    () => (phase() === 'joined' ? (current()?.stats() ?? null) : null),
    QUALITY_INTERVAL_MS,
  );

  const stopListening = listenToMeeting(client, meetingId, {
    userJoined: (participant) => whenJoined(() => onUserJoined(participant)),
    userLeft: (peerId, reason, byHost) => whenJoined(() => onUserLeft(peerId, reason, byHost)),
    ended: (reason) => {
      if (!isLive()) return;
      setEndReason(reason);
      finish('ended');
    },
    invitationInactive: (value) => {
      if (!isLive()) return;
      setMeeting(value);
      finish('ended');
    },
    hostChanged: (hostId) => {
      const value = meeting();
      if (value) setMeeting({ ...value, hostId });
    },
    lobby: () => {
      if (phase() === 'joining') setPhase('lobby');
    },
    modeChanged: (next) => whenJoined(() => switches.switchMode(next)),
  });

  // The server forgets this page's peer when the socket drops: join again once it is back.
  const resume = new ServerRestartResume(client, selfPeerId);
  const onDisconnect = () => {
    if (phase() !== 'joined' && phase() !== 'joining' && phase() !== 'lobby') return;
    const handOver = resume.expected && phase() === 'joined';
    if (handOver && current()?.mode === 'mesh') {
      // A deploy: keep the mesh links and the participants; the next join resumes this peer.
      setPhase('reconnecting');
      return;
    }
    generation++;
    queued = null;
    // SFU in a deploy: new transports after the resumed join, the participants stay listed.
    closeSessions();
    batch(() => {
      if (!handOver) setParticipants([]);
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
    stopListening();
    switches.close();
    client.raw.off('disconnect', onDisconnect);
    client.raw.off('connect', onConnect);
    resume.close();
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
    room,
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
