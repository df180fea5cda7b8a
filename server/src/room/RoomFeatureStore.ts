import type { User } from '@parley/protocol';

/** Someone waiting in a locked meeting's lobby. */
export interface LobbyEntry {
  requestId: string;
  user: User;
  /** The waiting socket (on `instanceId`). */
  socketId: string;
  instanceId: string;
  /** Unix ms. */
  since: number;
}

/**
 * The state of the meeting room features (hands, lock, lobby, who was admitted or removed),
 * beside the room state of RoomStore: in Redis with REDIS_URL (shared by every instance, kept
 * through a reload), in memory otherwise. Every operation is atomic.
 */
export interface RoomFeatureStore {
  /** Raises the user's hand (no-op when raised); returns its 1-based place in the queue. */
  raiseHand(meetingId: string, userId: string): Promise<number>;
  /** Lowers the user's hand; returns whether it was raised. */
  lowerHand(meetingId: string, userId: string): Promise<boolean>;
  /** User ids with a raised hand, in the order they were raised. */
  hands(meetingId: string): Promise<string[]>;

  setLocked(meetingId: string, locked: boolean): Promise<void>;
  isLocked(meetingId: string): Promise<boolean>;

  /** Users who may enter a locked meeting without the lobby (joined before, or admitted). */
  addAdmitted(meetingId: string, userId: string): Promise<void>;
  isAdmitted(meetingId: string, userId: string): Promise<boolean>;

  /** Removal by the host: refused until invited again (`unremove`). Also drops admission and hand. */
  markRemoved(meetingId: string, userId: string): Promise<void>;
  unremove(meetingId: string, userIds: readonly string[]): Promise<void>;
  isRemoved(meetingId: string, userId: string): Promise<boolean>;

  putLobby(meetingId: string, entry: LobbyEntry): Promise<void>;
  /** Removes and returns the entry; null when already taken (answered, timed out, gone). */
  takeLobby(meetingId: string, requestId: string): Promise<LobbyEntry | null>;
  listLobby(meetingId: string): Promise<LobbyEntry[]>;

  /** Forgets everything of the meeting (it ended). */
  clear(meetingId: string): Promise<void>;
}
