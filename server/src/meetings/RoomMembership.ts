import type { MeetingMode } from '@parley/protocol';
import type { LocalPeers } from './LocalPeers.js';
import type { MeetingMember, MeetingMembership } from './MeetingMembership.js';
import type { RoomPeer, RoomStore } from './RoomStore.js';

/**
 * MeetingMembership on this instance's sockets (LocalPeers) and the shared room state: the
 * socket's own peer record is local; that it is still the room's peer for that socket (not
 * replaced or removed through another instance) and the room's mode are read from the room store.
 */
export class RoomMembership implements MeetingMembership {
  constructor(
    private readonly localPeers: LocalPeers,
    private readonly rooms: RoomStore,
  ) {}

  async memberOf(socketId: string, meetingId: string): Promise<MeetingMember | null> {
    const peerId = this.localPeers.get(socketId, meetingId);
    if (peerId === undefined) return null;
    const [[roomPeer], meta] = await Promise.all([
      this.rooms.getPeers(meetingId, [peerId]),
      this.rooms.getMeta(meetingId),
    ]);
    if (!roomPeer || roomPeer.socketId !== socketId) return null;
    return { peerId, userId: roomPeer.userId, mode: meta?.mode ?? null };
  }

  async mode(meetingId: string): Promise<MeetingMode | null> {
    return (await this.rooms.getMeta(meetingId))?.mode ?? null;
  }

  listPeers(meetingId: string): Promise<RoomPeer[]> {
    return this.rooms.listPeers(meetingId);
  }
}
