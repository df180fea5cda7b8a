import type { PresenceStore } from './PresenceStore.js';

/**
 * Presence of a single instance (no Redis): user id → socket ids. Its methods do their work
 * synchronously and return settled promises, to match the PresenceStore interface.
 */
export class MemoryPresenceStore implements PresenceStore {
  private readonly sockets = new Map<string, Set<string>>();
  /** Users whose last socket went and whose offline is not yet confirmed. */
  private readonly leaving = new Set<string>();

  add(userId: string, socketId: string): Promise<boolean> {
    const set = this.sockets.get(userId);
    if (set) {
      set.add(socketId);
      return Promise.resolve(false);
    }
    this.sockets.set(userId, new Set([socketId]));
    return Promise.resolve(!this.leaving.delete(userId));
  }

  remove(userId: string, socketId: string, leavingMs: number): Promise<boolean> {
    const set = this.sockets.get(userId);
    if (!set?.delete(socketId) || set.size > 0) return Promise.resolve(false);
    this.sockets.delete(userId);
    if (leavingMs > 0) this.leaving.add(userId);
    return Promise.resolve(true);
  }

  confirmOffline(userId: string): Promise<boolean> {
    return Promise.resolve(this.leaving.delete(userId) && !this.sockets.has(userId));
  }

  onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(userIds.filter((id) => this.sockets.has(id))));
  }

  async start(): Promise<void> {}

  stop(): Promise<string[]> {
    const users = [...this.sockets.keys()];
    this.sockets.clear();
    return Promise.resolve(users);
  }
}
