import type { ChainableCommander } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Redis } from './redis.js';

/** How one kind of per-meeting Redis state is read into a snapshot and written back. */
export interface SnapshotSource<S> {
  /** Queues the reads of one meeting's state on `batch`; returns how many replies they make. */
  queueRead(batch: ChainableCommander, meetingId: string): number;
  /** The meeting's snapshot from those replies, in order (undefined: nothing worth keeping). */
  parse(replies: unknown[]): S | undefined;
  /** Writes a snapshot back without overwriting what is there; resolves to the records written. */
  write(meetingId: string, snapshot: S): Promise<number>;
}

export interface RedisStateSnapshotsOptions<S> {
  redis: Redis;
  /** This instance's epoch key (e.g. `<prefix>epoch:pipes:<instanceId>`): present while Redis holds its part. */
  epochKey: string;
  source: SnapshotSource<S>;
  /** The meetings this instance has a part in (it has peers there). */
  meetings: () => Iterable<string>;
  /** How often the snapshots are read again (MEETING_SWEEP_MS). */
  intervalMs: number;
  logger: Logger;
}

/** The epoch key outlives a quiet instance by far; every refresh extends it. */
const EPOCH_TTL_S = 86_400;

/**
 * The last known state of shared, per-meeting Redis records that this instance cannot rebuild
 * from its own objects (room features, pipes between media nodes), read every interval for the
 * meetings it has peers in, and written back when Redis lost it (restarted empty).
 *
 * A read runs in one MULTI with this instance's epoch key. Redis coming back empty loses that key
 * too, so a read of an emptied Redis is recognised and dropped: the snapshot from before the
 * restart is kept until `restore()` writes it back and sets the key again. What changed within
 * the last interval before the restart may be missing (it is read once per interval).
 */
export class RedisStateSnapshots<S> {
  private readonly kept = new Map<string, S>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: RedisStateSnapshotsOptions<S>) {}

  /** Sets the epoch key, then reads every interval. */
  async start(): Promise<void> {
    await this.markEpoch().catch(() => undefined);
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing;
  }

  /** How many meetings have a snapshot. */
  get size(): number {
    return this.kept.size;
  }

  /** The kept snapshot of a meeting (tests, logs). */
  get(meetingId: string): S | undefined {
    return this.kept.get(meetingId);
  }

  /** Reads the snapshots again (overlapping calls share one read); Redis errors leave them as they were. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read()
      .catch((error: unknown) => this.options.logger.debug({ err: error }, 'state snapshot read failed'))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** Writes every kept snapshot of a meeting this instance still has a part in; resolves to the records written. */
  async restore(): Promise<number> {
    await this.refreshing;
    const current = new Set(this.options.meetings());
    let written = 0;
    for (const [meetingId, snapshot] of this.kept) {
      if (current.has(meetingId)) written += await this.options.source.write(meetingId, snapshot);
    }
    await this.markEpoch();
    return written;
  }

  private async read(): Promise<void> {
    const { redis, epochKey, source } = this.options;
    const meetingIds = [...new Set(this.options.meetings())];
    const batch = redis.multi().expire(epochKey, EPOCH_TTL_S);
    const counts = meetingIds.map((meetingId) => source.queueRead(batch, meetingId));
    const replies = await batch.exec();
    if (!replies) return;
    const values = replies.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    // EXPIRE answers 0 for a missing key: Redis lost this instance's part since the last restore.
    if (values[0] !== 1) return;
    this.kept.clear();
    let at = 1;
    for (const [i, meetingId] of meetingIds.entries()) {
      const snapshot = source.parse(values.slice(at, at + counts[i]!));
      at += counts[i]!;
      if (snapshot !== undefined) this.kept.set(meetingId, snapshot);
    }
  }

  private async markEpoch(): Promise<void> {
    await this.options.redis.set(this.options.epochKey, '1', 'EX', EPOCH_TTL_S);
  }
}
