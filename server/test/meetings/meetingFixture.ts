import { randomUUID } from 'node:crypto';
import type { User } from '@parley/protocol';
import knexPkg from 'knex';
import ClientPgLite from 'knex-pglite';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createChatServices, type ChatServices } from '../../src/chat/createChatServices.js';
import { chatDirectory } from '../../src/meetings/chatDirectory.js';
import { createMeetingServices, type MeetingServices } from '../../src/meetings/createMeetingServices.js';
import type { MeetingModeSettings } from '../../src/meetings/MeetingModeSwitch.js';
import { meetingRoom } from '../../src/meetings/MeetingNotifier.js';
import type { RoomSocket } from '../../src/meetings/RoomService.js';
import type { MeetingSettings } from '../../src/meetings/settings.js';
import { migrateLatest, type Knex } from '../../src/store/db.js';
import { RecordingClientRooms } from '../support/recordingClientRooms.js';

export const INSTANCE_ID = 'instance-a';

/** A socket of this instance for RoomService (Socket.io's rooms are the recorder's). */
export interface TestSocket extends RoomSocket {
  connected: boolean;
  readonly rooms: Set<string>;
}

export function testSocket(id: string = randomUUID()): TestSocket {
  const rooms = new Set<string>();
  return {
    id,
    connected: true,
    rooms,
    join: (room: string) => rooms.add(room),
    leave: (room: string) => rooms.delete(room),
  };
}

export interface MeetingFixtureOptions {
  /** The mesh ↔ SFU switch (none: rooms never switch). */
  mode?: MeetingModeSettings;
  /** Whether a media node is "connected" for the switch (default true). */
  sfuAvailable?: () => boolean;
  settings?: Partial<Omit<MeetingSettings, 'mode'>>;
}

/**
 * The meeting services as the embedded server assembles them (MemoryRoomStore, no Redis) on an
 * in-memory PGlite, with chat's directory, sending to a recorder.
 */
export interface MeetingFixture {
  db: Knex;
  chat: ChatServices;
  services: MeetingServices;
  io: RecordingClientRooms;
  addUser(username: string): Promise<User>;
  /** The payloads of one event sent to the meeting's room. */
  toRoom(meetingId: string, event: string): unknown[];
  close(): Promise<void>;
}

const logger = pino({ level: 'silent' });

export async function openMeetings(options: MeetingFixtureOptions = {}): Promise<MeetingFixture> {
  const db = knexPkg.knex({ client: ClientPgLite, dialect: 'postgres', connection: { connectionString: 'memory://' } });
  await migrateLatest(db, logger);
  const io = new RecordingClientRooms();
  const chat = createChatServices({ db, redis: null, redisPrefix: 'unused:', logger, io });
  const services = createMeetingServices({
    redis: null,
    redisPrefix: 'unused:',
    io,
    instanceId: INSTANCE_ID,
    logger,
    metrics: new Registry(),
    db,
    directory: chatDirectory(() => chat),
    sfuAvailable: options.sfuAvailable ?? (() => true),
    settings: {
      hostGraceMs: 30_000,
      emptyMeetingMs: 60_000,
      sweepIntervalMs: 3_600_000,
      instanceTtlMs: 30_000,
      ice: { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 3600 },
      ...options.settings,
      ...(options.mode ? { mode: options.mode } : {}),
    },
  });
  return {
    db,
    chat,
    services,
    io,
    async addUser(username) {
      const user = { id: randomUUID(), username, displayName: username.toUpperCase() };
      await db('users').insert({ id: user.id, username, display_name: user.displayName, password_hash: 'x' });
      return user;
    },
    toRoom(meetingId, event) {
      return io
        .of(event)
        .filter((emit) => emit.to.includes(meetingRoom(meetingId)))
        .map((emit) => emit.payload);
    },
    async close() {
      await services.close();
      await chat.close();
      await db.destroy();
    },
  };
}
