import type { MeetingMode } from '@parley/protocol';
import { socketConnectedAt, type SocketClient } from '../../api/socket.js';
import { LocalMedia } from '../media/LocalMedia.js';
import type { MeetingLogger } from '../meetingLog.js';
import { meetingsApi } from '../meetingsApi.js';
import { createSession } from '../session/MeetingSession.js';
import '../session/registerMesh.js';
import { preloadSfu } from '../session/registerSfu.js';
import { beginJoinTimeline, markJoin, recordJoinAck, recordJoinStart, type JoinTiming } from './debugHooks.js';
import { IceServerSource } from './IceServerSource.js';
import type { CallEvent } from './machine/CallEvent.js';
import type { CallPorts } from './machine/CallPorts.js';
import type { ModeSwitch } from './ModeSwitch.js';
import { reconcileKeptSession } from './ServerRestartResume.js';
import type { SessionSwitches } from './SessionSwitches.js';

/** A join may wait in a locked meeting's lobby (60 s on the server) before it is answered. */
const JOIN_TIMEOUT_MS = 75_000;

/** What the call's ports work on; the ICE source and the local media are theirs to replace. */
export interface CallResources {
  /** The STUN/TURN servers of the last join, kept fresh (also for the transport of a switch). */
  ice: IceServerSource | null;
  local(): LocalMedia | null;
  setLocal(media: LocalMedia): void;
}

export interface CallPortDeps {
  meetingId: string;
  client: SocketClient;
  transports: ModeSwitch;
  switches: SessionSwitches;
  resources: CallResources;
  /** The attempt the call is at now (a camera opened for an older one is stopped). */
  attempt: () => number;
  dispatch: (event: CallEvent) => void;
  log: Pick<MeetingLogger, 'warn'>;
}

/** The ports of one call: socket requests, local media, sessions (see machine/CallPorts.ts). */
export function createCallPorts(deps: CallPortDeps): CallPorts {
  const { meetingId, client, transports, switches, resources, dispatch } = deps;
  /** The timing of the join whose answer is being applied. */
  let joinTiming: JoinTiming | null = null;
  const fail = (attempt: number) => (failure: unknown) => dispatch({ type: 'failed', attempt, failure });

  return {
    beginTimeline: () => {
      beginJoinTimeline();
      markJoin('start');
      const connectedAt = socketConnectedAt();
      if (connectedAt !== null) markJoin('socket', connectedAt);
    },
    requestRoomInfo: ({ attempt }) => {
      client.request('get_room_info', { meetingId }).then((info) => {
        markJoin('socket', socketConnectedAt() ?? performance.now());
        markJoin('roomInfo');
        dispatch({ type: 'roomInfo', attempt, meeting: info.meeting, mode: info.mode });
      }, fail(attempt));
    },
    // The SFU code (mediasoup-client) loads while the camera opens and the join runs.
    preloadSfu: () => void preloadSfu().catch(() => undefined),
    openMedia: ({ attempt, mode, reportReady }) => {
      // An SFU meeting: the camera opens at the SFU size right away (three simulcast layers).
      const media = new LocalMedia(undefined, mode === 'sfu' ? 'sfu' : 'mesh');
      resources.setLocal(media);
      media.start().then(() => {
        markJoin('capture');
        if (!reportReady) return;
        if (deps.attempt() !== attempt) media.stop();
        else dispatch({ type: 'mediaReady', attempt });
      }, fail(attempt));
    },
    sendJoin: ({ attempt, resumePeerId, sfuTransports }) => {
      const timing = recordJoinStart(meetingId);
      client
        .request(
          'join_meeting',
          // An SFU meeting: the transports come with the join.
          { meetingId, ...(resumePeerId ? { resumePeerId } : {}), ...(sfuTransports ? { sfuTransports: true } : {}) },
          { timeoutMs: JOIN_TIMEOUT_MS },
        )
        .then((ack) => {
          joinTiming = timing;
          dispatch({ type: 'joinAck', attempt, ack });
        }, fail(attempt));
    },
    startSession: ({ ack, participants }) => {
      const media = resources.local();
      resources.ice?.close();
      const ice = new IceServerSource(ack.iceServers, ack.iceServersTtl, () => meetingsApi.iceServers());
      resources.ice = ice;
      if (joinTiming)
        recordJoinAck(
          joinTiming,
          ack.selfPeerId,
          participants.map((participant) => participant.peerId),
        );
      const session = media
        ? createSession(ack.mode, {
            meetingId,
            selfPeerId: ack.selfPeerId,
            iceServers: ack.iceServers,
            ice,
            client,
            local: media,
            ...(ack.sfu ? { sfuJoin: ack.sfu } : {}),
          })
        : null;
      transports.reset(session);
      if (!session) return dispatch({ type: 'sessionUnsupported', mode: ack.mode });
      for (const participant of participants) session.addPeer(participant, { initiate: true });
    },
    reconcileKept: ({ before, now }) => {
      const kept = transports.current();
      if (kept) reconcileKeptSession(kept, before, now);
    },
    addPeer: ({ participant, replaced }) => {
      for (const session of transports.sessions()) {
        for (const peerId of replaced) session.removePeer(peerId);
        session.addPeer(participant, { initiate: false });
      }
    },
    removePeer: ({ peerId }) => {
      for (const session of transports.sessions()) session.removePeer(peerId);
    },
    switchMode: ({ mode }: { mode: MeetingMode }) => switches.switchMode(mode),
    migrate: () => switches.migrate(),
    closeTransports: () => transports.closeAll(),
    releaseMedia: () => {
      resources.ice?.close();
      resources.ice = null;
      resources.local()?.stop();
    },
    leaveRoom: ({ timeoutMs }) =>
      client.request('leave_meeting', { meetingId }, timeoutMs ? { timeoutMs } : undefined).then(
        () => undefined,
        () => undefined,
      ),
    warn: ({ message, detail }) => deps.log.warn(message, detail),
  };
}
