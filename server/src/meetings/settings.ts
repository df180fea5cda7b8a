import type { IceSettings } from '../ice/iceServers.js';
import type { Config } from '../config/serverConfig.js';
import type { MeetingModeSettings } from './MeetingModeSwitch.js';

/** Meeting timings (config: HOST_GRACE_MS, EMPTY_MEETING_MS, MEETING_SWEEP_MS, MEETING_INSTANCE_TTL_MS). */
export interface MeetingSettings {
  /** How long a disconnected host keeps the role before it passes on. */
  hostGraceMs: number;
  /** How long a meeting may stay empty before it ends ('empty'). */
  emptyMeetingMs: number;
  /** How often each instance's sweeper checks deadlines and dead instances. */
  sweepIntervalMs: number;
  /** An instance that has not refreshed its liveness for this long is dead: its peers are removed. */
  instanceTtlMs: number;
  ice: IceSettings;
  /** MESH_MAX_PARTICIPANTS, MESH_RETURN_AT, MESH_RETURN_HOLD_MS; none: rooms never switch mode. */
  mode?: MeetingModeSettings;
}

/** The meeting settings of a server configuration. */
export function meetingSettingsFrom(config: Config): MeetingSettings {
  return {
    hostGraceMs: config.meetings.hostGraceMs,
    emptyMeetingMs: config.meetings.emptyMeetingMs,
    sweepIntervalMs: config.meetings.sweepIntervalMs,
    instanceTtlMs: config.meetings.instanceTtlMs,
    ice: {
      stunUrls: config.stunUrls,
      turnUrls: config.turnUrls,
      turnSecret: config.turnSecret ?? undefined,
      turnTtlSeconds: config.turnTtlSeconds,
    },
  };
}

/** The mesh ↔ SFU switch settings of a server configuration. */
export function modeSettingsFrom(config: Config): MeetingModeSettings {
  return {
    meshMaxParticipants: config.sfu.meshMaxParticipants,
    meshReturnAt: config.sfu.meshReturnAt,
    meshReturnHoldMs: config.sfu.meshReturnHoldMs,
  };
}
