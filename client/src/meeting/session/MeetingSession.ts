import type { IceServer, JoinSfuInfo, MeetingMode, Participant } from '@parley/protocol';
import type { SocketClient } from '../../api/socket.js';
import type { LocalMediaView } from '../media/LocalMedia.js';
import type { IceServerSource } from '../call/IceServerSource.js';

/**
 * The media transport of a joined meeting, whatever carries it: `MeshSession` (one
 * RTCPeerConnection per pair, signalled with `video-signal`) or `SfuSession` (../sfu/, send and
 * recv transports on a media node, signalled with `sfu:*`). The
 * call controller (call/createMeetingCall.ts) owns joining, participants and the end of the
 * meeting; a session only moves media for the participants it is told about.
 */
export interface MeetingSession {
  readonly mode: MeetingMode;
  /**
   * A participant to exchange media with. `initiate` is true for the participants listed in the
   * join acknowledgement (this page is the newcomer and offers first), false for those who join
   * later (they offer).
   */
  addPeer(participant: Participant, options: { initiate: boolean }): void;
  /** The participant left (or was replaced by a newer peer of the same user). */
  removePeer(peerId: string): void;
  /** Reactive: what this page receives from a participant, or null before anything arrived. */
  media(peerId: string): RemoteMedia | null;
  /** Connection figures per participant (for the debug hook and the load tester). */
  stats(): Promise<PeerStats[]>;
  /** Closes every connection and stops every received track. Idempotent. */
  close(): void;
  /**
   * During a switch away from this session: the page now shows the participant over the new
   * transport. The mesh session tells that peer and closes their link once the peer has moved
   * too (see PeerLink.handOff); other sessions ignore it.
   */
  handOff?(peerId: string): void;
  /** True while some participant may still show this page over this session (a switch waits). */
  holding?(): boolean;
  /**
   * Keeps `holding()` true (this page's producers sending) until the returned release is called:
   * a drain move, where the server says when the others are off them (`sfu:migrated` answer).
   */
  retain?(): () => void;
  /**
   * SFU: the producers consumed (or only those shown). A producer piped from a draining node
   * keeps its id, so the new session shows a sender's old producer while an id is in both.
   */
  consumedProducers?(shownOnly: boolean): ReadonlySet<string>;
  /**
   * During a switch to this session: the page now shows the participant over it. The mesh
   * session tells that peer (`shown`), so the peer may close its old transport.
   */
  arrived?(peerId: string): void;
  /** During a switch to this session: some participant has not yet shown this page over it. */
  awaiting?(): boolean;
  /**
   * A resumed join kept this session (the server adopted it after a deploy): tell the server
   * again what this page's own state is. SFU: a mute or unmute whose `sfu:pause_producer` /
   * `sfu:resume_producer` was lost while the socket was away is sent again.
   */
  resync?(): void;
  /** Restarts ICE on every connection (support, tests); the transport renegotiates. */
  restartConnections?(): void;
  /** The participant speaking now (SFU only), reactive; null when unknown. */
  activeSpeaker?(): string | null;
  /** The rendered tiles changed (sizes, visibility, page): SFU sessions tell the server. */
  reportTiles?(tiles: TileReport[]): void;
}

export type PeerConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface RemoteMedia {
  peerId: string;
  /** The participant's microphone and camera (one stream), null when neither arrives. */
  camera: MediaStream | null;
  /** The participant's screen share, null when not sharing. */
  screen: MediaStream | null;
  micMuted: boolean;
  cameraOff: boolean;
  state: PeerConnectionState;
}

export interface PeerStats {
  peerId: string;
  state: PeerConnectionState;
  framesDecoded: number;
  framesPerSecond: number | null;
  audioPacketsReceived: number;
  roundTripTime: number | null;
  /** Candidate types of the selected pair, e.g. "host/host" or "relay/host". */
  candidatePair: string | null;
  /** Totals over the received RTP streams (for the connection-quality indicator), when known. */
  packetsLost?: number;
  packetsReceived?: number;
  /** The largest receive jitter of the streams, in seconds. */
  jitter?: number | null;
}

/** What the page shows of a participant's video, for the SFU to pick layers (sfu:report_tiles). */
export interface TileReport {
  peerId: string;
  source: 'camera' | 'screen';
  width: number;
  height: number;
  visible: boolean;
}

export interface SessionContext {
  meetingId: string;
  selfPeerId: string;
  /** The STUN/TURN servers when the session starts (`ice.current()` when `ice` is given). */
  iceServers: IceServer[];
  /** The call's STUN/TURN servers, refreshed before their TURN credentials expire. */
  ice?: IceServerSource;
  client: SocketClient;
  local: LocalMediaView;
  /** SFU: what the join ack brought (the first run then needs no sfu:get_capabilities / create_transport). */
  sfuJoin?: JoinSfuInfo;
}

export type SessionFactory = (context: SessionContext) => MeetingSession;

const factories = new Map<MeetingMode, SessionFactory>();

/** How a transport makes itself available (registerMesh.ts and registerSfu.ts). */
export function registerSessionFactory(mode: MeetingMode, factory: SessionFactory): void {
  factories.set(mode, factory);
}

/** A session for the room's mode, or null when this client has no transport for it yet. */
export function createSession(mode: MeetingMode, context: SessionContext): MeetingSession | null {
  return factories.get(mode)?.(context) ?? null;
}
