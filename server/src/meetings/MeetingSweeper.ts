import type { Logger } from '../logger.js';
import type { MeetingService } from './MeetingService.js';
import type { MeetingModeSwitch } from './MeetingModeSwitch.js';
import type { RoomService } from './RoomService.js';
import type { RoomStore } from './RoomStore.js';
import type { MeetingSettings } from './settings.js';

export interface SweeperDeps {
  meetings: MeetingService;
  roomService: RoomService;
  rooms: RoomStore;
  settings: MeetingSettings;
  instanceId: string;
  logger: Logger;
  /** Acts on the rooms due to go back to mesh. */
  modeSwitch?: MeetingModeSwitch;
}

/** Writes part of this instance's state to Redis again; resolves to how many records it wrote. */
export type StateRestorer = () => Promise<number>;

/** Due meetings handled per kind and tick (the rest wait for the next tick). */
const BATCH = 50;
const LOCK_TTL_MS = 15_000;
/** Rebuild lost room state this often (and at start). */
const ADOPT_EVERY_MS = 60_000;

/**
 * Runs on every instance, every MEETING_SWEEP_MS: acts on the deadlines stored with the room
 * state (empty meetings end, an absent host's role passes on) and removes the peers of instances
 * that died without cleaning up. A Redis lock per meeting (per dead instance) makes exactly one
 * instance act, so the timers outlive the instance that set them.
 */
export class MeetingSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastAdopt = 0;
  private readonly restorers: Array<[name: string, restore: StateRestorer]> = [];
  /** Set when the liveness key was found missing, until every restorer has succeeded. */
  private restorePending = false;
  /** Sweeps fail every tick while Redis or the database is down: warn once, then quietly. */
  private failing = false;

  constructor(private readonly deps: SweeperDeps) {}

  /** Marks this instance alive, then starts ticking. */
  async start(): Promise<void> {
    const { rooms, instanceId, settings } = this.deps;
    await rooms.heartbeat(instanceId, settings.instanceTtlMs);
    this.timer = setInterval(() => void this.tick(), settings.sweepIntervalMs);
    this.timer.unref();
  }

  /**
   * Runs `restore` whenever this instance's liveness key turns out to be missing: Redis came back
   * empty (or this instance was presumed dead), so its part of the shared state must be written
   * again. Each instance restores what its own sockets hold.
   */
  onStateLost(name: string, restore: StateRestorer): void {
    this.restorers.push([name, restore]);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep (also called directly by tests); overlapping ticks are skipped. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.sweep()
      .then(() => {
        if (this.failing) this.deps.logger.info('meeting sweeps work again');
        this.failing = false;
      })
      .catch((error: unknown) => {
        if (this.failing) this.deps.logger.debug({ err: error }, 'meeting sweep failed');
        else this.deps.logger.warn({ err: error }, 'meeting sweep failed; retrying every tick');
        this.failing = true;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async sweep(): Promise<void> {
    const { rooms, meetings, roomService, instanceId, settings } = this.deps;
    if (!(await rooms.heartbeat(instanceId, settings.instanceTtlMs))) this.restorePending = true;
    if (this.restorePending) await this.restore();
    const now = Date.now();

    for (const meetingId of await rooms.dueMeetings('empty', now, BATCH)) {
      await rooms.withLock(`meeting:${meetingId}`, LOCK_TTL_MS, () => meetings.end(meetingId, 'empty', now));
    }
    for (const meetingId of await rooms.dueMeetings('host', now, BATCH)) {
      await rooms.withLock(`meeting:${meetingId}`, LOCK_TTL_MS, () => roomService.transferHost(meetingId, false));
    }
    await this.deps.modeSwitch?.sweep(now, BATCH);
    for (const deadId of await rooms.deadInstances()) {
      if (deadId === instanceId) continue;
      await rooms.withLock(`instance:${deadId}`, LOCK_TTL_MS, () => this.reap(deadId));
    }
    if (now - this.lastAdopt >= ADOPT_EVERY_MS) {
      this.lastAdopt = now;
      const adopted = await meetings.adoptOrphans();
      if (adopted > 0) this.deps.logger.info({ adopted }, 'rebuilt room state of active meetings');
    }
  }

  private async restore(): Promise<void> {
    const started = Date.now();
    const restored: Record<string, number> = {};
    for (const [name, restore] of this.restorers) restored[name] = await restore();
    this.restorePending = false;
    if (Object.values(restored).some((n) => n > 0))
      this.deps.logger.warn(
        { restored, ms: Date.now() - started },
        "this instance's room state was missing in Redis; written again from its own sockets",
      );
  }

  /** Removes the peers of an instance that died (their sockets are gone with it). */
  private async reap(deadId: string): Promise<void> {
    const peers = await this.deps.rooms.peersOfInstance(deadId);
    for (const { meetingId, peerId } of peers) {
      await this.deps.roomService.removeDisconnected(meetingId, peerId);
    }
    await this.deps.rooms.forgetInstance(deadId);
    if (peers.length > 0)
      this.deps.logger.warn({ deadInstance: deadId, peers: peers.length }, 'removed the peers of a dead instance');
  }
}
