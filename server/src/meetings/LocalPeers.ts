import type { RoomPeer } from './RoomStore.js';

/**
 * The peers held by this instance's sockets: socket id → (meeting id → peer). A socket lives
 * on exactly one instance, so this is the authority on "which peer is this socket" for
 * signalling and for cleanup when the socket disconnects, and the source from which this
 * instance writes its part of the room state again when Redis lost it.
 */
export class LocalPeers {
  private readonly bySocket = new Map<string, Map<string, RoomPeer>>();

  /** The peer id of this socket in that meeting. */
  get(socketId: string, meetingId: string): string | undefined {
    return this.bySocket.get(socketId)?.get(meetingId)?.peerId;
  }

  set(socketId: string, meetingId: string, peer: RoomPeer): void {
    let meetings = this.bySocket.get(socketId);
    if (!meetings) this.bySocket.set(socketId, (meetings = new Map<string, RoomPeer>()));
    meetings.set(meetingId, peer);
  }

  /** Every peer of this instance, with its meeting. */
  all(): Array<{ meetingId: string; peer: RoomPeer }> {
    return [...this.bySocket.values()].flatMap((meetings) =>
      [...meetings].map(([meetingId, peer]) => ({ meetingId, peer })),
    );
  }

  /** Forgets the entry, only if it still names `peerId` when given. */
  delete(socketId: string, meetingId: string, peerId?: string): void {
    const meetings = this.bySocket.get(socketId);
    if (!meetings || (peerId !== undefined && meetings.get(meetingId)?.peerId !== peerId)) return;
    meetings.delete(meetingId);
    if (meetings.size === 0) this.bySocket.delete(socketId);
  }

  /** Removes and returns every (meetingId, peerId) of a socket. */
  take(socketId: string): Array<[meetingId: string, peerId: string]> {
    const meetings = this.bySocket.get(socketId);
    this.bySocket.delete(socketId);
    return meetings ? [...meetings].map(([meetingId, peer]) => [meetingId, peer.peerId]) : [];
  }

  /** Removes and returns every (meetingId, peerId) of every socket (instance shutting down). */
  takeAll(): Array<[meetingId: string, peerId: string]> {
    const all = this.all().map(({ meetingId, peer }): [string, string] => [meetingId, peer.peerId]);
    this.bySocket.clear();
    return all;
  }

  /** Forgets a meeting on every local socket (it ended). */
  forgetMeeting(meetingId: string): void {
    for (const [socketId, meetings] of this.bySocket) {
      meetings.delete(meetingId);
      if (meetings.size === 0) this.bySocket.delete(socketId);
    }
  }

  /** How many peers this instance's sockets hold. */
  get size(): number {
    let count = 0;
    for (const meetings of this.bySocket.values()) count += meetings.size;
    return count;
  }
}
