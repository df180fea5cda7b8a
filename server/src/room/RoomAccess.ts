import { AppError } from '../appError.js';
import type { LocalPeers } from '../meetings/LocalPeers.js';
import type { RoomMeta, RoomPeer, RoomStore } from '../meetings/RoomStore.js';

/**
 * Who may do what in a live room: the caller's own peer (this socket's), the host check and
 * the target of a moderation action, which must be a participant of the same meeting (a peer id
 * of another meeting is `not_found`).
 */
export class RoomAccess {
  constructor(
    private readonly rooms: RoomStore,
    private readonly localPeers: LocalPeers,
  ) {}

  /** The caller's peer in the meeting, held by this socket; `forbidden` otherwise. */
  async self(socketId: string, meetingId: string): Promise<RoomPeer> {
    const peerId = this.localPeers.get(socketId, meetingId);
    if (peerId === undefined) throw new AppError('forbidden', 'you are not in this meeting');
    const [peer] = await this.rooms.getPeers(meetingId, [peerId]);
    if (!peer || peer.socketId !== socketId) {
      this.localPeers.delete(socketId, meetingId, peerId);
      throw new AppError('forbidden', 'you are not in this meeting');
    }
    return peer;
  }

  /** The live room's state when `userId` is its host: `not_found` without a live room, else `forbidden`. */
  async host(userId: string, meetingId: string): Promise<RoomMeta> {
    const meta = await this.rooms.getMeta(meetingId);
    if (!meta || meta.status !== 'open') throw new AppError('not_found', 'no such live meeting', 'meetingId');
    if (meta.hostId !== userId) throw new AppError('forbidden', 'only the host can do this');
    return meta;
  }

  /** A participant of the meeting; `not_found` when not there. */
  async target(meetingId: string, peerId: string): Promise<RoomPeer> {
    const [peer] = await this.rooms.getPeers(meetingId, [peerId]);
    if (!peer) throw new AppError('not_found', 'no such participant in this meeting', 'peerId');
    return peer;
  }

  /** The host's current peer (its socket receives the lobby requests), if present. */
  async hostPeer(meetingId: string): Promise<RoomPeer | null> {
    const meta = await this.rooms.getMeta(meetingId);
    if (!meta) return null;
    const peers = await this.rooms.listPeers(meetingId);
    return peers.find((p) => p.userId === meta.hostId) ?? null;
  }
}
