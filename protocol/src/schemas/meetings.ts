import { z } from 'zod';
import type { IceServer, LeaveReason, Meeting, MeetingEndReason, MeetingMode, Participant, User } from '../types.js';
import { Id } from './common.js';
import type { RoomFeatureState } from './room.js';
import type { JoinSfuInfo } from './sfu.js';
import { MultiLine, SingleLine } from './text.js';

export const MeetingAccessSchema = z.enum(['invited', 'link']);

export const StartMeeting = z.object({
  title: SingleLine().trim().min(1).max(100).optional(),
  /** The server's MEETING_MAX_INVITEES (default 500) applies below this ceiling. */
  inviteeIds: z.array(Id).max(1000).optional(),
  conversationId: Id.optional(),
  access: MeetingAccessSchema.optional(),
});
export type StartMeeting = z.infer<typeof StartMeeting>;

export const MeetingRef = z.object({ meetingId: Id });
export type MeetingRef = z.infer<typeof MeetingRef>;
/**
 * `join_meeting`. `resumePeerId`: the peer this user had on an instance that is restarting
 * (`server_restarting`); when it is still in the room it is taken over as it is, so nobody sees
 * this participant leave or join.
 */
export const JoinMeeting = MeetingRef.extend({
  resumePeerId: Id.optional(),
  /**
   * Parley addition: in an SFU meeting, create this peer's send and receive transports with the
   * join and return them in the ack (`sfu.transports`), as `sfu:create_transport` would.
   */
  sfuTransports: z.boolean().optional(),
});
export type JoinMeeting = z.infer<typeof JoinMeeting>;

/**
 * The steps of a join as the page times them (client/src/meeting/call/debugHooks.ts): `start`
 * the meeting page began the join, `socket` the socket connected, `roomInfo` get_room_info
 * answered, `capture` camera and microphone open, `joinSent`/`joinAck` join_meeting, SFU only
 * `sfuCode` (the SFU code loaded), `capabilities`, `transports`, `firstConsume` (the first
 * consume answered), `connected` (the receive transport's ICE and DTLS are up), `received` (the
 * first consumers are on the receive transport), `resumed` (the first consumers resumed), then
 * `firstFrame` and `allFrames` (the first frame of one / of every participant there at the join).
 */
export const JOIN_MARKS = [
  'start',
  'socket',
  'roomInfo',
  'capture',
  'joinSent',
  'joinAck',
  'sfuCode',
  'capabilities',
  'transports',
  'firstConsume',
  'connected',
  'received',
  'resumed',
  'firstFrame',
  'allFrames',
] as const;
export type JoinMark = (typeof JOIN_MARKS)[number];

/**
 * `meeting_join_timeline` (Parley addition): sent once per join when every remote video has a
 * frame; each mark in ms since the page's navigation started (performance.now()).
 */
export const MeetingJoinTimeline = z.object({
  meetingId: Id,
  marks: z.partialRecord(z.enum(JOIN_MARKS), z.number().min(0).max(86_400_000)),
});
export type MeetingJoinTimeline = z.infer<typeof MeetingJoinTimeline>;

/** An SDP description or an ICE candidate, relayed as-is between two peers (mesh mode). */
export const SignalPayload = z.union([
  z.object({
    description: z.object({
      type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
      sdp: MultiLine().max(200_000).optional(),
    }),
  }),
  z.object({
    candidate: z
      .object({
        candidate: SingleLine().max(2_000),
        sdpMid: SingleLine().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(1_000).nullable().optional(),
        usernameFragment: SingleLine().max(256).nullable().optional(),
      })
      .nullable(),
  }),
]);
export type SignalPayload = z.infer<typeof SignalPayload>;

export const VideoSignal = z.object({
  meetingId: Id,
  to: Id,
  signal: SignalPayload,
});
export type VideoSignal = z.infer<typeof VideoSignal>;

/* Server → client payloads of the meeting events (docs/protocol.md, "Meetings"). */

export type InvitationStatus = 'active' | 'inactive';

/** `meeting_invitation`: a meeting the user may join started (`active`) or ended (`inactive`). */
export interface MeetingInvitationEvent {
  meeting: Meeting;
  status: InvitationStatus;
}

/** The acknowledgement of `join_meeting` (without `ok`). */
export interface JoinMeetingResult {
  meeting: Meeting;
  mode: MeetingMode;
  selfPeerId: string;
  /** The other participants, oldest first. */
  participants: Participant[];
  iceServers: IceServer[];
  /** Seconds the TURN credentials of `iceServers` stay valid (absent without TURN): fetch fresh ones before. */
  iceServersTtl?: number;
  /** Parley addition: hands, lock (and the lobby, for the host). */
  room?: RoomFeatureState;
  /** Parley addition, SFU meetings: the router's RTP capabilities (no `sfu:get_capabilities` needed). */
  sfu?: JoinSfuInfo;
}

/** `meeting_user_joined`, to the other participants. */
export interface MeetingUserJoinedEvent {
  meetingId: string;
  peerId: string;
  user: User;
}

/** `meeting_user_left`. */
export interface MeetingUserLeftEvent {
  meetingId: string;
  peerId: string;
  userId: string;
  reason: LeaveReason;
  /** Parley addition: with reason 'removed', the host removed this participant (not a rejoin elsewhere). */
  byHost?: boolean;
}

/** `meeting_ended`, to everyone in the room. */
export interface MeetingEndedEvent {
  meetingId: string;
  reason: MeetingEndReason;
}

/** The acknowledgement of `get_room_info` (without `ok`) and the `room_info_response` event. */
export interface RoomInfo {
  meeting: Meeting;
  mode: MeetingMode;
  participants: Participant[];
}

/** `meeting_mode`: the room switches transport. */
export interface MeetingModeEvent {
  meetingId: string;
  mode: MeetingMode;
}

/**
 * `meeting_host_changed` (Parley addition): the host role moved to `hostId`, either because the
 * host left, or because the host's connection dropped and it did not rejoin within the grace.
 */
export interface MeetingHostChangedEvent {
  meetingId: string;
  hostId: string;
}

/** `video-signal` server → client: relayed from peer `from` of the same meeting. */
export interface VideoSignalRelay {
  meetingId: string;
  from: string;
  signal: SignalPayload;
}

/** `GET /api/ice-servers`. */
export interface IceServersResponse {
  iceServers: IceServer[];
  /** Seconds the TURN credentials stay valid (TURN_TTL; absent without TURN). */
  ttl?: number;
}

/** `GET /api/meetings/active`. */
export interface ActiveMeetingsResponse {
  meetings: Meeting[];
}
