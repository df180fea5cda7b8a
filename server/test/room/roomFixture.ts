import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { chatDirectory } from '../../src/meetings/chatDirectory.js';
import { createRoomFeatures, type RoomFeatures } from '../../src/room/createRoomFeatures.js';
import type { LobbySocket } from '../../src/room/Lobby.js';
import {
  INSTANCE_ID,
  openMeetings,
  testSocket,
  type MeetingFixture,
  type MeetingFixtureOptions,
  type TestSocket,
} from '../meetings/meetingFixture.js';

/** The room features over the meeting fixture, as the embedded server assembles them (memory stores). */
export interface RoomFixture extends MeetingFixture {
  room: RoomFeatures;
}

export interface RoomFixtureOptions extends MeetingFixtureOptions {
  lobbyWaitMs?: number;
  reactionRateLimit?: number;
}

export async function openRoom(options: RoomFixtureOptions = {}): Promise<RoomFixture> {
  const fx = await openMeetings(options);
  const room = createRoomFeatures({
    redis: null,
    redisPrefix: 'unused:',
    io: fx.io,
    instanceId: INSTANCE_ID,
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    meetings: fx.services,
    directory: chatDirectory(() => fx.chat),
    settings: { lobbyWaitMs: options.lobbyWaitMs ?? 60_000, reactionRateLimit: options.reactionRateLimit ?? 10 },
  });
  return {
    ...fx,
    room,
    async close() {
      await room.close();
      await fx.close();
    },
  };
}

/** A socket for both the room (join/leave) and the lobby (disconnect). */
export type LobbyTestSocket = TestSocket & LobbySocket & { disconnect(): void };

export function lobbySocket(): LobbyTestSocket {
  const events = new EventEmitter();
  return Object.assign(testSocket(), {
    once: (event: 'disconnect', listener: () => void) => events.once(event, listener),
    off: (event: 'disconnect', listener: () => void) => events.off(event, listener),
    disconnect: () => void events.emit('disconnect'),
  });
}
