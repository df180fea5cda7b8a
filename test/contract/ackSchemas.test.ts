/**
 * The ack schemas of the socket contract (protocol/src/contract/ackSchemas.ts): their inferred
 * types are the interfaces the server builds (compile-time, `tsc -p tsconfig.tests.json`), and
 * at run time they refuse a malformed answer and let extra fields through.
 */
import {
  ClientEventContract,
  type ChatMessageEvent,
  type ClientEventAck,
  type JoinMeetingResult,
  type NoFields,
  type Meeting,
  type ReadEvent,
  type RoomInfo,
  type SfuConsumeResult,
  type SfuConsumerInfo,
  type SfuPlainTransportInfo,
  type SfuProducerInfo,
  type SfuResumeResult,
  type SfuTransportInfo,
} from '@parley/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';

const meeting: Meeting = {
  id: 'm1',
  title: 'standup',
  hostId: 'u1',
  access: 'invited',
  status: 'active',
  mode: 'mesh',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('ack schemas', () => {
  it('infer the very types the server builds', () => {
    expectTypeOf<ClientEventAck<'message'>>().toEqualTypeOf<ChatMessageEvent>();
    expectTypeOf<ClientEventAck<'mark_read'>>().toEqualTypeOf<ReadEvent>();
    expectTypeOf<ClientEventAck<'typing'>>().toEqualTypeOf<NoFields>();
    expectTypeOf<ClientEventAck<'start_meeting'>>().toEqualTypeOf<{ meeting: Meeting }>();
    expectTypeOf<ClientEventAck<'join_meeting'>>().toEqualTypeOf<JoinMeetingResult>();
    expectTypeOf<ClientEventAck<'get_room_info'>>().toEqualTypeOf<RoomInfo>();
    expectTypeOf<ClientEventAck<'ping'>>().toEqualTypeOf<{ instanceId: string; echo?: string }>();
    expectTypeOf<ClientEventAck<'raise_hand'>>().toEqualTypeOf<{ order?: number }>();
    expectTypeOf<ClientEventAck<'mute_everyone'>>().toEqualTypeOf<{ muted: number }>();
    expectTypeOf<ClientEventAck<'sfu:get_capabilities'>>().toEqualTypeOf<{ rtpCapabilities: unknown }>();
    expectTypeOf<ClientEventAck<'sfu:create_transport'>>().toEqualTypeOf<SfuTransportInfo>();
    expectTypeOf<ClientEventAck<'sfu:restart_ice'>>().toEqualTypeOf<{ iceParameters: unknown }>();
    expectTypeOf<ClientEventAck<'sfu:produce'>>().toEqualTypeOf<{ producerId: string }>();
    expectTypeOf<ClientEventAck<'sfu:get_producers'>>().toEqualTypeOf<{ producers: SfuProducerInfo[] }>();
    expectTypeOf<ClientEventAck<'sfu:consume'>>().toEqualTypeOf<SfuConsumerInfo>();
    expectTypeOf<ClientEventAck<'sfu:report_tiles'>>().toEqualTypeOf<{ applied: number }>();
    expectTypeOf<ClientEventAck<'sfu:consume_many'>>().toEqualTypeOf<{ consumers: SfuConsumeResult[] }>();
    expectTypeOf<ClientEventAck<'sfu:resume_consumers'>>().toEqualTypeOf<{ consumers: SfuResumeResult[] }>();
    expectTypeOf<ClientEventAck<'sfu:migrated'>>().toEqualTypeOf<{ closing: number }>();
    expectTypeOf<ClientEventAck<'sfu:create_plain_transport'>>().toEqualTypeOf<SfuPlainTransportInfo>();
  });

  it('refuse a malformed ack body and keep what a newer server adds', () => {
    const start = ClientEventContract.start_meeting.ack;
    expect(start.safeParse({ meeting }).success).toBe(true);
    expect(start.safeParse({ meeting: { id: 'm1', title: 'standup' } }).success).toBe(false);
    expect(start.safeParse({ meeting: { ...meeting, mode: 'p2p' } }).success).toBe(false);
    expect(
      ClientEventContract.get_room_info.ack.safeParse({ meeting, mode: 'sfu', participants: [], room: {} }).success,
    ).toBe(true);
    const consumeMany = ClientEventContract['sfu:consume_many'].ack;
    expect(
      consumeMany.safeParse({ consumers: [{ producerId: 'p', ok: false, error: { code: 'not_found', message: 'x' } }] })
        .success,
    ).toBe(true);
    expect(
      consumeMany.safeParse({ consumers: [{ producerId: 'p', ok: false, error: { code: 'nope', message: 'x' } }] })
        .success,
    ).toBe(false);
    expect(ClientEventContract['sfu:get_capabilities'].ack.safeParse({}).success).toBe(false);
    expect(ClientEventContract.leave_meeting.ack.safeParse({}).success).toBe(true);
  });
});
