import type { Meeting, MeetingEndReason, MeetingMode, Participant, RoomFeatureState } from '@parley/protocol';
import type { Accessor } from 'solid-js';
import type { LocalMedia } from '../media/LocalMedia.js';
import type { ConnectionQuality } from '../layout/quality.js';
import type { RemoteMedia, TileReport } from '../session/MeetingSession.js';

export type CallPhase =
  | 'starting' // checking the meeting (get_room_info)
  | 'media' // opening camera and microphone
  | 'joining' // join_meeting sent
  | 'lobby' // the meeting is locked: waiting for the host to admit this page
  | 'joined'
  | 'reconnecting' // the socket dropped; joins again when it is back
  | 'left' // this page left
  | 'ended' // the meeting ended (stopped, empty)
  | 'replaced' // the same user joined from another tab or device
  | 'removed' // the host removed this user (refused until invited again)
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
  /** The room's hands, lock and lobby as the last join found them (room/createRoomState follows them). */
  readonly room: Accessor<RoomFeatureState | null>;
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
