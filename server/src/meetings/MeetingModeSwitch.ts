import type { Logger } from '../logger.js';
import type { MeetingNotifier } from './MeetingNotifier.js';
import type { RoomEvents } from './RoomEvents.js';
import type { RoomStore } from './RoomStore.js';

export interface MeetingModeSettings {
  /** MESH_MAX_PARTICIPANTS: more participants than this → SFU. */
  meshMaxParticipants: number;
  /** MESH_RETURN_AT: an SFU room at this many participants or fewer returns to mesh ... */
  meshReturnAt: number;
  /** MESH_RETURN_HOLD_MS: ... once it has stayed there this long. */
  meshReturnHoldMs: number;
}

export interface MeetingModeSwitchDeps {
  rooms: RoomStore;
  notifier: MeetingNotifier;
  events: RoomEvents;
  settings: MeetingModeSettings;
  logger: Logger;
  /** Whether a media node is connected; without one rooms stay in mesh. */
  sfuAvailable: () => boolean;
}

const LOCK_TTL_MS = 5_000;
const LOCK_TRIES = 20;
const LOCK_RETRY_MS = 50;

/**
 * The mesh ↔ SFU switch of a room. Joins and leaves call it; the decision is re-checked under a
 * per-meeting lock shared by every instance, so one instance switches and announces
 * `meeting_mode`. The way back to mesh is a deadline stored with the room (`due:mesh`), acted on
 * by any instance's sweeper.
 */
export class MeetingModeSwitch {
  private readonly warned = new Set<string>();

  constructor(private readonly deps: MeetingModeSwitchDeps) {}

  /** After a join: over MESH_MAX_PARTICIPANTS → SFU; an SFU room that grew again keeps SFU. */
  async afterJoin(meetingId: string): Promise<void> {
    const { rooms, settings } = this.deps;
    // Counted, not listed: this runs on every join, and a join storm must not read the room n times.
    const [meta, count] = await Promise.all([rooms.getMeta(meetingId), rooms.countPeers(meetingId)]);
    if (!meta) return;
    if (meta.mode === 'sfu') {
      if (count > settings.meshReturnAt) await rooms.setMeshReturn(meetingId, null);
      return;
    }
    if (count <= settings.meshMaxParticipants) return;
    if (!this.deps.sfuAvailable()) {
      if (!this.warned.has(meetingId)) {
        this.warned.add(meetingId);
        this.deps.logger.warn(
          { meetingId, participants: count },
          'no media node available: the meeting stays in mesh mode',
        );
      }
      return;
    }
    await this.locked(meetingId, async () => {
      const [now, recount] = await Promise.all([rooms.getMeta(meetingId), rooms.countPeers(meetingId)]);
      if (now?.status !== 'open' || now.mode !== 'mesh' || recount <= settings.meshMaxParticipants) return;
      await this.setMode(meetingId, 'sfu');
    });
  }

  /** After a leave: an SFU room down to MESH_RETURN_AT starts the hold. */
  async afterLeave(meetingId: string): Promise<void> {
    const { rooms, settings } = this.deps;
    const [meta, count] = await Promise.all([rooms.getMeta(meetingId), rooms.countPeers(meetingId)]);
    if (meta?.mode !== 'sfu' || count > settings.meshReturnAt) return;
    await rooms.setMeshReturn(meetingId, Date.now() + settings.meshReturnHoldMs);
  }

  /** Sweeper: rooms whose hold has passed go back to mesh (if they are still small). */
  async sweep(now: number, limit: number): Promise<void> {
    const { rooms, settings } = this.deps;
    for (const meetingId of await rooms.dueMeetings('mesh', now, limit)) {
      await rooms.withLock(`mode:${meetingId}`, LOCK_TTL_MS, async () => {
        await rooms.setMeshReturn(meetingId, null);
        const [meta, peers] = await Promise.all([rooms.getMeta(meetingId), rooms.listPeers(meetingId)]);
        if (meta?.status !== 'open' || meta.mode !== 'sfu' || peers.length > settings.meshReturnAt) return;
        await this.setMode(meetingId, 'mesh');
      });
    }
  }

  /**
   * The meeting's media node is gone and no other is available: an SFU room of up to
   * 2 × MESH_MAX_PARTICIPANTS participants goes back to mesh now (clients switch as for the
   * hold); larger rooms stay in SFU. Resolves to whether the mode changed.
   */
  async fallbackToMesh(meetingId: string): Promise<boolean> {
    const { rooms, settings } = this.deps;
    let changed = false;
    await this.locked(meetingId, async () => {
      const [meta, peers] = await Promise.all([rooms.getMeta(meetingId), rooms.listPeers(meetingId)]);
      if (meta?.status !== 'open' || meta.mode !== 'sfu' || peers.length > 2 * settings.meshMaxParticipants) return;
      if (this.deps.sfuAvailable()) return;
      await this.setMode(meetingId, 'mesh');
      this.deps.logger.warn(
        { meetingId, participants: peers.length },
        'no media node left: the meeting falls back to mesh mode',
      );
      changed = true;
    });
    if (!changed) {
      const meta = await rooms.getMeta(meetingId);
      return meta?.mode === 'mesh';
    }
    return true;
  }

  private async setMode(meetingId: string, mode: 'mesh' | 'sfu'): Promise<void> {
    await this.deps.rooms.setMode(meetingId, mode);
    await this.deps.rooms.setMeshReturn(meetingId, null);
    this.deps.notifier.mode(meetingId, mode);
    this.deps.events.emit('modeChanged', meetingId, mode);
    this.deps.logger.info({ meetingId, mode }, 'meeting mode changed');
  }

  /** Runs `fn` under the meeting's mode lock, waiting a little for a busy lock. */
  private async locked(meetingId: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 0; attempt < LOCK_TRIES; attempt++) {
      let ran = false;
      await this.deps.rooms.withLock(`mode:${meetingId}`, LOCK_TTL_MS, async () => {
        ran = true;
        await fn();
      });
      if (ran) return;
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
    this.deps.logger.warn({ meetingId }, 'mode switch lock stayed busy; skipped');
  }
}
