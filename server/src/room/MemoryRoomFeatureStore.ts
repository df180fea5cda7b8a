import type { LobbyEntry, RoomFeatureStore } from './RoomFeatureStore.js';

interface Features {
  hands: string[];
  locked: boolean;
  admitted: Set<string>;
  removed: Set<string>;
  lobby: Map<string, LobbyEntry>;
}

/**
 * The room feature state of a single instance (no REDIS_URL). Its methods do their work
 * synchronously and return settled promises, to match the RoomFeatureStore interface.
 */
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

  raiseHand(meetingId: string, userId: string): Promise<number> {
    const { hands } = this.room(meetingId);
    if (!hands.includes(userId)) hands.push(userId);
    return Promise.resolve(hands.indexOf(userId) + 1);
  }

  lowerHand(meetingId: string, userId: string): Promise<boolean> {
    const room = this.room(meetingId);
    const before = room.hands.length;
    room.hands = room.hands.filter((id) => id !== userId);
    return Promise.resolve(room.hands.length !== before);
  }

  hands(meetingId: string): Promise<string[]> {
    return Promise.resolve([...(this.rooms.get(meetingId)?.hands ?? [])]);
  }

  setLocked(meetingId: string, locked: boolean): Promise<void> {
    this.room(meetingId).locked = locked;
    return Promise.resolve();
  }

  isLocked(meetingId: string): Promise<boolean> {
    return Promise.resolve(this.rooms.get(meetingId)?.locked ?? false);
  }

  addAdmitted(meetingId: string, userId: string): Promise<void> {
    this.room(meetingId).admitted.add(userId);
    return Promise.resolve();
  }

  isAdmitted(meetingId: string, userId: string): Promise<boolean> {
    return Promise.resolve(this.rooms.get(meetingId)?.admitted.has(userId) ?? false);
  }

  markRemoved(meetingId: string, userId: string): Promise<void> {
    const room = this.room(meetingId);
    room.removed.add(userId);
    room.admitted.delete(userId);
    room.hands = room.hands.filter((id) => id !== userId);
    return Promise.resolve();
  }

  unremove(meetingId: string, userIds: readonly string[]): Promise<void> {
    const room = this.rooms.get(meetingId);
    for (const id of userIds) room?.removed.delete(id);
    return Promise.resolve();
  }

  isRemoved(meetingId: string, userId: string): Promise<boolean> {
    return Promise.resolve(this.rooms.get(meetingId)?.removed.has(userId) ?? false);
  }

  putLobby(meetingId: string, entry: LobbyEntry): Promise<void> {
    this.room(meetingId).lobby.set(entry.requestId, entry);
    return Promise.resolve();
  }

  takeLobby(meetingId: string, requestId: string): Promise<LobbyEntry | null> {
    const lobby = this.rooms.get(meetingId)?.lobby;
    const entry = lobby?.get(requestId) ?? null;
    lobby?.delete(requestId);
    return Promise.resolve(entry);
  }

  listLobby(meetingId: string): Promise<LobbyEntry[]> {
    return Promise.resolve([...(this.rooms.get(meetingId)?.lobby.values() ?? [])].sort((a, b) => a.since - b.since));
  }

  clear(meetingId: string): Promise<void> {
    this.rooms.delete(meetingId);
    return Promise.resolve();
  }
}
