/**
 * The socket contract table (`ClientEventContract`, `ServerEventContract` of @parley/protocol):
 * every event name has a row, the limits view and the "known events" set come from it, and the
 * types derived from it refuse a wrong payload or answer. The type checks are `@ts-expect-error`
 * lines, compiled by `tsc -p tsconfig.tests.json`: if a wrong payload were accepted, the
 * directive would be unused and the compilation would fail. Their functions are never called.
 */
import {
  ClientEventContract,
  ClientEvents,
  clientEventNames,
  EventRates,
  ServerEventContract,
  ServerEvents,
  SfuEvents,
  SfuServerEvents,
  type ClientEventAck,
  type ClientEventPayload,
  type ClientToServerEvents,
  type ServerEventPayload,
} from '@parley/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RoomEmit } from '../../server/src/clientRooms.js';
import { onEvent } from '../../server/src/realtime/onEvent.js';
import type { ParleySocket } from '../../server/src/realtime/types.js';
import type { BotSocket } from '../../loadtest/src/bots/botSignalling.js';

describe('socket contract table', () => {
  it('has a row for every client→server event name, and nothing else', () => {
    const names = [...Object.values(ClientEvents), ...Object.values(SfuEvents)].sort();
    expect(Object.keys(ClientEventContract).sort()).toEqual(names);
    expect([...clientEventNames].sort()).toEqual(names);
  });

  it('has a row for every server→client event name', () => {
    const names = [...new Set([...Object.values(ServerEvents), ...Object.values(SfuServerEvents)])].sort();
    expect(Object.keys(ServerEventContract).sort()).toEqual(names);
  });

  it('keeps the rates in the rows; EventRates is their view', () => {
    for (const [event, row] of Object.entries(ClientEventContract)) {
      if (row.limits) expect(EventRates[event]).toEqual(row.limits);
      else expect(Object.hasOwn(EventRates, event)).toBe(false);
    }
    expect(EventRates[SfuEvents.consume]).toEqual({ burst: 1500, perSecond: 200 });
  });

  it('checks payloads at run time with the row schema', () => {
    const schema = ClientEventContract[ClientEvents.message].payload;
    expect(schema.safeParse({ conversationId: 'c1', clientId: 'x', text: 'hi' }).success).toBe(true);
    expect(schema.safeParse({ conversationId: 'c1', clientId: 'x', text: 42 }).success).toBe(false);
  });

  it('derives payload and ack types from the rows', () => {
    expectTypeOf<ClientEventPayload<'message'>>().toEqualTypeOf<{
      conversationId: string;
      clientId: string;
      text: string;
    }>();
    expectTypeOf<ClientEventAck<'sfu:produce'>>().toEqualTypeOf<{ producerId: string }>();
    expectTypeOf<ServerEventPayload<'meeting_ended'>['reason']>().toEqualTypeOf<'stopped' | 'empty' | 'host_left'>();
    expectTypeOf<Parameters<ClientToServerEvents['typing']>[0]>().toEqualTypeOf<ClientEventPayload<'typing'>>();
  });
});

/* Compile-time only: each `@ts-expect-error` must meet an error, or tsc fails. */

export function serverHandlersAreTyped(socket: ParleySocket): void {
  onEvent(socket, ClientEvents.typing, (data) => {
    expectTypeOf(data.isTyping).toBeBoolean();
  });
  // @ts-expect-error: `message` answers `{message}`: nothing is not enough
  onEvent(socket, ClientEvents.message, () => undefined);
  // @ts-expect-error: the `message` ack is `{message}`, not `{text}`
  onEvent(socket, ClientEvents.message, (data) => ({ text: data.text }));
  // @ts-expect-error: not an event of the contract
  onEvent(socket, 'no_such_event', () => undefined);
  onEvent(socket, SfuEvents.produce, () => ({
    // @ts-expect-error: `producerId` is a string
    producerId: 1,
  }));
}

export function domainEmitsAreTyped(room: RoomEmit): void {
  room.emit(ServerEvents.meetingEnded, { meetingId: 'm1', reason: 'stopped' });
  // @ts-expect-error: `reason` is one of 'stopped' | 'empty' | 'host_left'
  room.emit(ServerEvents.meetingEnded, { meetingId: 'm1', reason: 'bored' });
  // @ts-expect-error: `meetingId` is missing
  room.emit(SfuServerEvents.producerClosed, { producerId: 'p1', peerId: 'x' });
  // @ts-expect-error: not an event of the contract
  room.emit('no_such_event', {});
}

export async function botRequestsAreTyped(bot: BotSocket): Promise<void> {
  const joined = await bot.ack(ClientEvents.joinMeeting, { meetingId: 'm1' }, 'join');
  expectTypeOf(joined.selfPeerId).toBeString();
  // @ts-expect-error: `text` must be a string
  await bot.ack(ClientEvents.message, { conversationId: 'c1', clientId: 'x', text: 42 }, 'chat');
  // @ts-expect-error: `sfu:consume` needs `rtpCapabilities`
  await bot.ack(SfuEvents.consume, { meetingId: 'm1', transportId: 't', producerId: 'p' }, 'media');
}
