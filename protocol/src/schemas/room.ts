import { z } from 'zod';
import type { User } from '../types.js';
import { Id } from './common.js';

/**
 * The meeting room features of docs/protocol.md ("Meeting room features"): hands, reactions,
 * moderation by the host, lock and lobby. Client → server payloads are zod schemas (strict
 * shapes, every field bounded); server → client payloads are interfaces.
 */

/** The fixed set of reactions; anything else is `bad_request`. */
export const REACTION_EMOJI = ['👍', '👏', '😂', '❤️', '🎉', '😮'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJI)[number];

export const RaiseHand = z.object({ meetingId: Id, raised: z.boolean() });
export type RaiseHand = z.infer<typeof RaiseHand>;

/** `lower_hand` (Parley addition): the host lowers someone's hand. */
export const LowerHand = z.object({ meetingId: Id, peerId: Id });
export type LowerHand = z.infer<typeof LowerHand>;

export const SendReaction = z.object({ meetingId: Id, emoji: z.enum(REACTION_EMOJI) });
export type SendReaction = z.infer<typeof SendReaction>;

export const MuteKind = z.enum(['audio', 'video']);
export type MuteKind = z.infer<typeof MuteKind>;

export const MuteParticipant = z.object({ meetingId: Id, peerId: Id, kind: MuteKind });
export type MuteParticipant = z.infer<typeof MuteParticipant>;

/** `mute_everyone` (Parley addition): the host mutes the audio of everyone but itself. */
export const MuteEveryone = z.object({ meetingId: Id });
export type MuteEveryone = z.infer<typeof MuteEveryone>;

export const RemoveParticipant = z.object({ meetingId: Id, peerId: Id });
export type RemoveParticipant = z.infer<typeof RemoveParticipant>;

/** `invite_participants` (Parley addition): the host invites users (again, lifting a removal). */
export const InviteParticipants = z.object({ meetingId: Id, userIds: z.array(Id).min(1).max(100) });
export type InviteParticipants = z.infer<typeof InviteParticipants>;

export const SetMeetingLock = z.object({ meetingId: Id, locked: z.boolean() });
export type SetMeetingLock = z.infer<typeof SetMeetingLock>;

export const Admit = z.object({ meetingId: Id, requestId: Id, allow: z.boolean() });
export type Admit = z.infer<typeof Admit>;

/* Server → client. */

/** `hand_raised`: `order` is the 1-based place in the queue (present while raised). */
export interface HandRaisedEvent {
  meetingId: string;
  peerId: string;
  userId: string;
  raised: boolean;
  order?: number;
  /** Parley addition: the host lowered it. */
  byHost?: boolean;
}

export interface ReactionEvent {
  meetingId: string;
  peerId: string;
  emoji: ReactionEmoji;
}

/** `muted_by_host`, to the muted participant only. */
export interface MutedByHostEvent {
  meetingId: string;
  kind: MuteKind;
}

/** `participant_muted` (Parley addition): to everyone, the host muted `peerId`'s media of `kind`. */
export interface ParticipantMutedEvent {
  meetingId: string;
  peerId: string;
  kind: MuteKind;
}

/** `meeting_lock` (Parley addition): to everyone in the meeting when the lock changes. */
export interface MeetingLockEvent {
  meetingId: string;
  locked: boolean;
}

/** `lobby_request`, to the host. */
export interface LobbyRequestEvent {
  meetingId: string;
  requestId: string;
  user: User;
}

/** `lobby_cancelled` (Parley addition): to the host, the request was answered or gave up. */
export interface LobbyCancelledEvent {
  meetingId: string;
  requestId: string;
  reason: 'admitted' | 'refused' | 'timeout' | 'gone';
}

/** `meeting_lobby` (Parley addition): to the waiting socket, its join waits in the lobby. */
export interface MeetingLobbyEvent {
  meetingId: string;
  requestId: string;
}

/** One raised hand in a room-state snapshot (queue order). */
export interface RaisedHand {
  userId: string;
  peerId: string | null;
  order: number;
}

/** The room's feature state, in the `join_meeting` ack (`room`) and `get_room_info`. */
export interface RoomFeatureState {
  locked: boolean;
  hands: RaisedHand[];
  /** For the host only: who waits in the lobby. */
  lobby?: LobbyRequestEvent[];
}
