import type { PresenceStore } from './PresenceStore.js';

/** Presence of a single instance (no Redis): user id → socket ids. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly sockets = new Map<string, Set<string>>();
  /** Users whose last socket went and whose offline is not yet confirmed. */
  private readonly leaving = new Set<string>();

  async add(userId: string, socketId: string): Promise<boolean> {
    const set = this.sockets.get(userId);
    if (set) {
      set.add(socketId);
      return false;
    }
    this.sockets.set(userId, new Set([socketId]));
    return !this.leaving.delete(userId);
  }

  async remove(userId: string, socketId: string, leavingMs: number): Promise<boolean> {
    const set = this.sockets.get(userId);
    if (!set?.delete(socketId) || set.size > 0) return false;
    this.sockets.delete(userId);
    if (leavingMs > 0) this.leaving.add(userId);
    return true;
  }

  async confirmOffline(userId: string): Promise<boolean> {
    return this.leaving.delete(userId) && !this.sockets.has(userId);
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.sockets.has(id)));
  }

  async start(): Promise<void> {}

  async stop(): Promise<string[]> {
    const users = [...this.sockets.keys()];
    this.sockets.clear();
    return users;
  }
}
