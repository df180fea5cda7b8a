import type { MeetingMode } from '@parley/protocol';
import type { RoomPeer } from './RoomStore.js';

/** A socket's participation in a meeting, as the features built on rooms (the SFU) see it. */
export interface MeetingMember {
  peerId: string;
  userId: string;
  /** The room's mode now; null when the room has no state (it ended). */
  mode: MeetingMode | null;
}

/**
 * Who is in a meeting, for the domains built on rooms (the SFU): they ask here instead of
 * reading the room store. RoomMembership is the implementation.
 */
export interface MeetingMembership {
  /**
   * The peer that socket holds in the meeting (its own record on this instance, and still the
   * room's peer for that socket), with the room's mode; null when it is not a participant.
   */
  memberOf(socketId: string, meetingId: string): Promise<MeetingMember | null>;
  /** The room's mode; null without room state. */
  mode(meetingId: string): Promise<MeetingMode | null>;
  /** Every participant of the meeting, on any instance. */
  listPeers(meetingId: string): Promise<RoomPeer[]>;
}
