import type { Logger } from '../logger.js';
import type { PresenceNotifier } from './PresenceNotifier.js';
import type { PresenceStore } from './PresenceStore.js';

/**
 * Online/offline transitions of users, announced to their contacts: online when a user's first
 * socket on any instance connects, offline when the last one goes (or its instance died). A user
 * whose last socket closes is announced offline only after `offlineGraceMs` without a new one,
 * so a reload or a tab handed over does not flap their contacts' presence dots.
 */
export class PresenceService {
  /** After stop() this instance tracks and announces nothing (shutdown is under way). */
  private stopped = false;
  /** Leaving users this instance will confirm offline: user id → timer. */
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: PresenceStore,
    private readonly notifier: PresenceNotifier,
    private readonly contactIdsOf: (userId: string) => Promise<string[]>,
    private readonly logger: Logger,
    private readonly offlineGraceMs = 0,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(): Promise<void> {
    await this.store.start((userIds, online) => {
      for (const userId of userIds) void this.announce(userId, online);
    });
  }

  /** Removes this instance's sockets and tells contacts of the users that went offline. */
  async stop(): Promise<void> {
    this.stopped = true;
    const leaving = [...this.leaving.keys()];
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
    await Promise.all(leaving.map((userId) => this.confirmOffline(userId)));
    const offline = await this.store.stop();
    await Promise.all(offline.map((userId) => this.announce(userId, false)));
  }

  async connected(userId: string, socketId: string): Promise<void> {
    if (this.stopped) return;
    if (await this.store.add(userId, socketId)) await this.announce(userId, true);
  }

  async disconnected(userId: string, socketId: string): Promise<void> {
    if (this.stopped) return;
    if (!(await this.store.remove(userId, socketId, this.offlineGraceMs))) return;
    if (this.offlineGraceMs === 0) return this.announce(userId, false);
    clearTimeout(this.leaving.get(userId));
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      this.confirmOffline(userId).catch((error: Error) =>
        this.logger.warn({ err: error.message, userId }, 'could not confirm offline'),
      );
    }, this.offlineGraceMs);
    timer.unref();
    this.leaving.set(userId, timer);
  }

  onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return this.store.onlineAmong(userIds);
  }

  private async confirmOffline(userId: string): Promise<void> {
    if (await this.store.confirmOffline(userId)) await this.announce(userId, false);
  }

  private async announce(userId: string, online: boolean): Promise<void> {
    try {
      const recipients = await this.contactIdsOf(userId);
      if (recipients.length === 0) return;
      this.notifier.presence(recipients, {
        userId,
        status: online ? 'online' : 'offline',
        lastSeenAt: this.now().toISOString(),
      });
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, userId }, 'could not announce presence');
    }
  }
}
