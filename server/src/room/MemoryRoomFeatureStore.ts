import type { LobbyEntry, RoomFeatureStore } from './RoomFeatureStore.js';

interface Features {
  hands: string[];
  locked: boolean;
  admitted: Set<string>;
  removed: Set<string>;
  lobby: Map<string, LobbyEntry>;
}

/** The room feature state of a single instance (no REDIS_URL). */
export class MemoryRoomFeatureStore implements RoomFeatureStore {
  private readonly rooms = new Map<string, Features>();

  private room(meetingId: string): Features {
    let room = this.rooms.get(meetingId);
    if (!room) {
      room = { hands: [], locked: false, admitted: new Set(), removed: new Set(), lobby: new Map() };
      this.rooms.set(meetingId, room);
    }
    return room;
  }

  async raiseHand(meetingId: string, userId: string): Promise<number> {
    const { hands } = this.room(meetingId);
    if (!hands.includes(userId)) hands.push(userId);
    return hands.indexOf(userId) + 1;
  }

  async lowerHand(meetingId: string, userId: string): Promise<boolean> {
    const room = this.room(meetingId);
    const before = room.hands.length;
    room.hands = room.hands.filter((id) => id !== userId);
    return room.hands.length !== before;
  }

  async hands(meetingId: string): Promise<string[]> {
    return [...(this.rooms.get(meetingId)?.hands ?? [])];
  }

  async setLocked(meetingId: string, locked: boolean): Promise<void> {
    this.room(meetingId).locked = locked;
  }

  async isLocked(meetingId: string): Promise<boolean> {
    return this.rooms.get(meetingId)?.locked ?? false;
  }

  async addAdmitted(meetingId: string, userId: string): Promise<void> {
    this.room(meetingId).admitted.add(userId);
  }

  async isAdmitted(meetingId: string, userId: string): Promise<boolean> {
    return this.rooms.get(meetingId)?.admitted.has(userId) ?? false;
  }

  async markRemoved(meetingId: string, userId: string): Promise<void> {
    const room = this.room(meetingId);
    room.removed.add(userId);
    room.admitted.delete(userId);
    room.hands = room.hands.filter((id) => id !== userId);
  }

  async unremove(meetingId: string, userIds: readonly string[]): Promise<void> {
    const room = this.rooms.get(meetingId);
    for (const id of userIds) room?.removed.delete(id);
  }

  async isRemoved(meetingId: string, userId: string): Promise<boolean> {
    return this.rooms.get(meetingId)?.removed.has(userId) ?? false;
  }

  async putLobby(meetingId: string, entry: LobbyEntry): Promise<void> {
    this.room(meetingId).lobby.set(entry.requestId, entry);
  }

  async takeLobby(meetingId: string, requestId: string): Promise<LobbyEntry | null> {
    const lobby = this.rooms.get(meetingId)?.lobby;
    const entry = lobby?.get(requestId) ?? null;
    lobby?.delete(requestId);
    return entry;
  }

  async listLobby(meetingId: string): Promise<LobbyEntry[]> {
    return [...(this.rooms.get(meetingId)?.lobby.values() ?? [])].sort((a, b) => a.since - b.since);
  }

  async clear(meetingId: string): Promise<void> {
    this.rooms.delete(meetingId);
  }
}
