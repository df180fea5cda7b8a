import type { Meeting, MeetingEndReason, MeetingMode, Participant, RoomFeatureState } from '@parley/protocol';
import { batch, createSignal, onCleanup } from 'solid-js';
import type { SocketClient } from '../../api/socket.js';
import type { LocalMedia } from '../media/LocalMedia.js';
import { meetingLog } from '../meetingLog.js';
import { cameraFollowsTransports, preloadSfuWhenLikely } from './callEffects.js';
import { createCallPorts, type CallResources } from './callPorts.js';
import { listenToConnection } from './connectionListeners.js';
import { installDebugHook, onJoinComplete } from './debugHooks.js';
import { CallMachine } from './machine/CallMachine.js';
import type { CallEvent } from './machine/CallEvent.js';
import { isLive, phaseOf } from './machine/CallState.js';
import { listenToMeeting } from './meetingListeners.js';
import type { CallPhase, MeetingCall } from './MeetingCall.js';
import { ModeSwitch } from './ModeSwitch.js';
import { createQualitySampler } from './qualitySampler.js';
import { SessionSwitches } from './SessionSwitches.js';

export type { CallPhase, MeetingCall } from './MeetingCall.js';

/** Longest the previous transport keeps running after a mode switch (make-before-break). */
const SWITCH_TIMEOUT_MS = 8000;
/** How often the connection-quality figures are sampled. */
const QUALITY_INTERVAL_MS = 2000;

/**
 * One meeting on this page, as solid signals over the call's state machine (machine/): the
 * machine checks the meeting, opens local media, joins, follows participants through the meeting
 * events, runs the transport for the room's mode, joins again after a reconnection, and stops
 * every track and connection when the call is over; its ports (callPorts.ts) drive the socket,
 * the local media and the sessions. Call it inside a component: it ends the call (leave_meeting)
 * when the component goes away.
 */
export function createMeetingCall(meetingId: string, client: SocketClient, selfUserId: string): MeetingCall {
  const log = meetingLog.child(meetingId.slice(0, 8));
  const machine = new CallMachine({ selfUserId }, log);
  const [phase, setPhase] = createSignal<CallPhase>(phaseOf(machine.state.step));
  const [meeting, setMeeting] = createSignal<Meeting | null>(null);
  const [mode, setMode] = createSignal<MeetingMode>('mesh');
  const [selfPeerId, setSelfPeerId] = createSignal<string | null>(null);
  const [participants, setParticipants] = createSignal<Participant[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [endReason, setEndReason] = createSignal<MeetingEndReason | null>(null);
  const [room, setRoom] = createSignal<RoomFeatureState | null>(null);
  const [local, setLocal] = createSignal<LocalMedia | null>(null);
  const stopMirroring = machine.subscribe(({ step, data }) =>
    batch(() => {
      setMeeting(data.meeting);
      setMode(data.mode);
      setSelfPeerId(data.selfPeerId);
      setParticipants(data.participants);
      setError(data.error);
      setEndReason(data.endReason);
      setRoom(data.room);
      setPhase(phaseOf(step));
    }),
  );
  const dispatch = (event: CallEvent) => void machine.dispatch(event);

  const transports = new ModeSwitch({ timeoutMs: SWITCH_TIMEOUT_MS });
  const sessions = transports.sessions;
  const current = () => transports.current();
  const resources: CallResources = { ice: null, local, setLocal: (media) => void setLocal(media) };
  const switches = new SessionSwitches({
    client,
    meetingId,
    transports,
    selfPeerId: () => machine.state.data.selfPeerId,
    local,
    participants: () => machine.state.data.participants,
    iceServers: () => resources.ice?.current() ?? [],
    ice: () => resources.ice,
    switched: () => dispatch({ type: 'switched' }),
    unsupported: (next) => dispatch({ type: 'sessionUnsupported', mode: next }),
    log,
  });
  machine.connect(
    createCallPorts({
      meetingId,
      client,
      transports,
      switches,
      resources,
      attempt: () => machine.state.data.attempt,
      dispatch,
      log,
    }),
  );

  preloadSfuWhenLikely(() => phase() === 'joined', mode, participants);
  cameraFollowsTransports(local, sessions);

  const quality = createQualitySampler(
    () => (phase() === 'joined' ? (current()?.stats() ?? null) : null),
    QUALITY_INTERVAL_MS,
  );

  const stopListening = listenToMeeting(client, meetingId, {
    userJoined: (participant) => dispatch({ type: 'userJoined', participant }),
    userLeft: (peerId, reason, byHost) =>
      dispatch({ type: 'userLeft', peerId, reason, ...(byHost === undefined ? {} : { byHost }) }),
    ended: (reason) => dispatch({ type: 'meetingEnded', reason }),
    invitationInactive: (value) => dispatch({ type: 'invitationInactive', meeting: value }),
    hostChanged: (hostId) => dispatch({ type: 'hostChanged', hostId }),
    lobby: () => dispatch({ type: 'lobby' }),
    modeChanged: (next) => dispatch({ type: 'modeChanged', mode: next }),
    migrate: () => dispatch({ type: 'migrate' }),
  });
  // The server forgets this page's peer when the socket drops: join again once it is back.
  const stopConnection = listenToConnection(client, {
    disconnected: () => dispatch({ type: 'disconnected' }),
    connected: () => dispatch({ type: 'connected' }),
    serverRestarting: () => dispatch({ type: 'serverRestarting' }),
  });

  const leave = (): Promise<void> => machine.dispatch({ type: 'leave' });

  async function stop(): Promise<void> {
    try {
      await client.request('stop_meeting', { meetingId });
      dispatch({ type: 'stopped' });
    } catch (failure) {
      dispatch({ type: 'stopFailed', failure });
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
    stopConnection();
    stopMirroring();
    removeHook();
    quality.stop();
  });

  dispatch({ type: 'start' });

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
      if (!isLive(machine.state.step)) dispatch({ type: 'start' });
    },
  };
}
