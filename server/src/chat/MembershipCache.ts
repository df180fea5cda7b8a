/**
 * Conversation id → its member ids, cached in process: every `message` and `typing` event needs
 * them (the membership check and the delivery list), so this sits on the hot path.
 *
 * - Only existing conversations are cached (an unknown id always reaches the loader), so a
 *   conversation created later is never hidden by a stale "does not exist".
 * - invalidate() drops the entry here and, through the bus, on every other instance; a load that
 *   was running when the entry was invalidated is not stored.
 * - Entries also expire after `ttlMs` and the least recently used go beyond `maxEntries`.
 */
export type MembersLoader = (conversationId: string) => Promise<readonly string[]>;

export interface InvalidationBus {
  publish(conversationId: string): Promise<void>;
  subscribe(onInvalidate: (conversationId: string) => void): void;
}

export interface MembershipCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  members: ReadonlySet<string>;
  expiresAt: number;
}

export class MembershipCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<ReadonlySet<string> | null>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly load: MembersLoader,
    private readonly bus: InvalidationBus | null = null,
    options: MembershipCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 20_000;
    this.now = options.now ?? Date.now;
    bus?.subscribe((conversationId) => this.forget(conversationId));
  }

  /** The members of a conversation, or null when it does not exist. */
  members(conversationId: string): Promise<ReadonlySet<string> | null> {
    const entry = this.entries.get(conversationId);
    if (entry && entry.expiresAt > this.now()) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(conversationId);
      this.entries.set(conversationId, entry);
      return Promise.resolve(entry.members);
    }
    return this.loading.get(conversationId) ?? this.startLoad(conversationId);
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    return (await this.members(conversationId))?.has(userId) ?? false;
  }

  /** Drops the entry on every instance (members were added or removed). */
  async invalidate(conversationId: string): Promise<void> {
    this.forget(conversationId);
    await this.bus?.publish(conversationId);
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(conversationId: string): void {
    this.entries.delete(conversationId);
    this.loading.delete(conversationId);
  }

  private startLoad(conversationId: string): Promise<ReadonlySet<string> | null> {
    const pending = this.load(conversationId).then(
      (ids) => {
        const current = this.loading.get(conversationId) === pending;
        if (current) this.loading.delete(conversationId);
        if (ids.length === 0) return null;
        const members = new Set(ids);
        if (current) this.store(conversationId, members);
        return members;
      },
      (error: unknown) => {
        if (this.loading.get(conversationId) === pending) this.loading.delete(conversationId);
        throw error;
      },
    );
    this.loading.set(conversationId, pending);
    return pending;
  }

  private store(conversationId: string, members: ReadonlySet<string>): void {
    this.entries.set(conversationId, { members, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
