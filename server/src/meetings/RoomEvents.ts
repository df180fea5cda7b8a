import { EventEmitter } from 'node:events';
import type { MeetingMode } from '@parley/protocol';

export interface PeerLeftEvent {
  meetingId: string;
  peerId: string;
  userId: string;
  /** The socket that held the peer (it may live on another instance). */
  socketId: string;
  /** Why: left on purpose, connection lost, replaced by the same user's new join, removed by the host. */
  reason?: 'left' | 'disconnected' | 'replaced' | 'removed';
}

/**
 * What happens in rooms, for the features built on them (the SFU). Raised on the instance that
 * made the change; a listener acts on what that instance owns, or on shared state.
 */
export interface RoomEventMap {
  peerLeft: [PeerLeftEvent];
  ended: [meetingId: string];
  modeChanged: [meetingId: string, mode: MeetingMode];
}

export class RoomEvents extends EventEmitter<RoomEventMap> {}
