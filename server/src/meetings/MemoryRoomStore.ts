import type { MeetingMode } from '@parley/protocol';
import { byJoinedAt } from './RoomStore.js';
import type {
  AddPeerResult,
  BeginCloseResult,
  DueKind,
  InstancePeer,
  RemovePeerOptions,
  RoomMeta,
  RoomPeer,
  RoomStore,
  TransferHostResult,
} from './RoomStore.js';

interface Room {
  meta: RoomMeta;
  peers: Map<string, RoomPeer>;
  /** userId → peerId */
  users: Map<string, string>;
}

/**
 * The room store of a single instance without Redis. Same semantics as RedisRoomStore (the
 * shared contract test runs against both); every method completes without yielding in between,
 * which makes each one atomic on Node's single thread.
 */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, Room>();
  private readonly due = {
    empty: new Map<string, number>(),
    host: new Map<string, number>(),
    mesh: new Map<string, number>(),
  };
  private readonly locks = new Set<string>();

  async createRoom(
    meetingId: string,
    meta: { hostId: string; mode: MeetingMode },
    emptyDeadline: number,
  ): Promise<boolean> {
    if (this.rooms.has(meetingId)) return false;
    this.rooms.set(meetingId, { meta: { ...meta, status: 'open' }, peers: new Map(), users: new Map() });
    this.due.empty.set(meetingId, emptyDeadline);
    return true;
  }

  async getMeta(meetingId: string): Promise<RoomMeta | null> {
    const room = this.rooms.get(meetingId);
    return room ? { ...room.meta } : null;
  }

  async setMode(meetingId: string, mode: MeetingMode): Promise<void> {
    const room = this.rooms.get(meetingId);
    if (room) room.meta.mode = mode;
  }

  async addPeer(meetingId: string, peer: RoomPeer, hostGraceDeadline: number): Promise<AddPeerResult> {
    const room = this.rooms.get(meetingId);
    if (!room || room.meta.status !== 'open') return { ok: false };
    let replaced: RoomPeer | null = null;
    const oldId = room.users.get(peer.userId);
    if (oldId !== undefined) {
      replaced = room.peers.get(oldId) ?? null;
      room.peers.delete(oldId);
    }
    room.peers.set(peer.peerId, { ...peer });
    room.users.set(peer.userId, peer.peerId);
    this.due.empty.delete(meetingId);
    const { hostId } = room.meta;
    if (hostId === peer.userId) this.due.host.delete(meetingId);
    else if (!room.users.has(hostId) && !this.due.host.has(meetingId)) this.due.host.set(meetingId, hostGraceDeadline);
    return { ok: true, replaced };
  }

  async removePeer(meetingId: string, peerId: string, options: RemovePeerOptions): Promise<RoomPeer | null> {
    const room = this.rooms.get(meetingId);
    const peer = room?.peers.get(peerId);
    if (!room || !peer) return null;
    room.peers.delete(peerId);
    if (room.users.get(peer.userId) === peerId) room.users.delete(peer.userId);
    if (room.meta.status === 'open') {
      if (room.peers.size === 0) this.due.empty.set(meetingId, options.emptyDeadline);
      if (options.hostGraceDeadline !== null && options.hostGraceDeadline > 0 && room.meta.hostId === peer.userId) {
        this.due.host.set(meetingId, options.hostGraceDeadline);
      }
    }
    return { ...peer };
  }

  async listPeers(meetingId: string): Promise<RoomPeer[]> {
    const room = this.rooms.get(meetingId);
    return room ? [...room.peers.values()].map((p) => ({ ...p })).sort(byJoinedAt) : [];
  }

  async countPeers(meetingId: string): Promise<number> {
    return this.rooms.get(meetingId)?.peers.size ?? 0;
  }

  async getPeers(meetingId: string, peerIds: readonly string[]): Promise<Array<RoomPeer | null>> {
    const room = this.rooms.get(meetingId);
    return peerIds.map((id) => {
      const peer = room?.peers.get(id);
      return peer ? { ...peer } : null;
    });
  }

  async setMeshReturn(meetingId: string, at: number | null): Promise<void> {
    if (at === null) this.due.mesh.delete(meetingId);
    else this.due.mesh.set(meetingId, at);
  }

  async dueMeetings(kind: DueKind, now: number, limit: number): Promise<string[]> {
    return [...this.due[kind].entries()]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id);
  }

  async beginClose(meetingId: string, ifEmptyDueAt?: number, retryAt?: number): Promise<BeginCloseResult> {
    const room = this.rooms.get(meetingId);
    if (!room) {
      this.due.empty.delete(meetingId);
      return 'gone';
    }
    if (room.meta.status === 'closing') return 'closing';
    if (ifEmptyDueAt !== undefined) {
      const due = this.due.empty.get(meetingId);
      if (due === undefined || due > ifEmptyDueAt) return 'notdue';
      if (room.peers.size > 0) {
        this.due.empty.delete(meetingId);
        return 'busy';
      }
    }
    room.meta.status = 'closing';
    this.due.empty.set(meetingId, retryAt ?? ifEmptyDueAt ?? Date.now());
    return 'closing';
  }

  async transferHost(meetingId: string, now: number, force: boolean): Promise<TransferHostResult> {
    const room = this.rooms.get(meetingId);
    if (!room || room.meta.status !== 'open') {
      this.due.host.delete(meetingId);
      return { outcome: 'gone' };
    }
    if (!force) {
      const due = this.due.host.get(meetingId);
      if (due === undefined || due > now) return { outcome: 'notdue' };
    }
    this.due.host.delete(meetingId);
    if (room.users.has(room.meta.hostId)) return { outcome: 'back' };
    const [best] = [...room.peers.values()].sort(byJoinedAt);
    if (!best) return { outcome: 'empty' };
    room.meta.hostId = best.userId;
    return { outcome: 'changed', hostId: best.userId };
  }

  async deleteRoom(meetingId: string): Promise<void> {
    this.rooms.delete(meetingId);
    this.due.empty.delete(meetingId);
    this.due.host.delete(meetingId);
    this.due.mesh.delete(meetingId);
  }

  async withLock<T>(name: string, _ttlMs: number, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.locks.has(name)) return undefined;
    this.locks.add(name);
    try {
      return await fn();
    } finally {
      this.locks.delete(name);
    }
  }

  async heartbeat(): Promise<boolean> {
    // A single instance is alive as long as this object exists.
    return true;
  }

  async deadInstances(): Promise<string[]> {
    return [];
  }

  async peersOfInstance(instanceId: string): Promise<InstancePeer[]> {
    const found: InstancePeer[] = [];
    for (const [meetingId, room] of this.rooms) {
      for (const peer of room.peers.values()) {
        if (peer.instanceId === instanceId) found.push({ meetingId, peerId: peer.peerId });
      }
    }
    return found;
  }

  async forgetInstance(): Promise<void> {}

  async close(): Promise<void> {
    this.rooms.clear();
    this.due.empty.clear();
    this.due.host.clear();
    this.due.mesh.clear();
  }
}
