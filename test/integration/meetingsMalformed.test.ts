import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { registerUser, type TestUser } from './meetingsHarness.js';
import { asAck, closeAllSockets, connectSocket } from './testSocket.js';

/** A table of malformed payloads for every meeting event: each gets bad_request, the socket stays usable. */
let db: TestDatabase;
let server: ServerProcess;
let carol: TestUser;

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('meetbad');
  server = await startServerProcess({ port: 3441, name: 'meetbad', env: { DATABASE_URL: db.url } });
  carol = await registerUser(server.url, 'carol');
});

afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  await db?.drop();
});

describe('malformed meeting payloads', () => {
  const ref = (event: string) =>
    [
      undefined,
      null,
      42,
      'text',
      [],
      {},
      { meetingId: 5 },
      { meetingId: '' },
      { meetingId: 'x'.repeat(100) },
      { meetingid: 'a' },
    ].map((payload) => [event, payload] as const);
  const table: ReadonlyArray<readonly [string, unknown]> = [
    ...ref('join_meeting'),
    ...ref('leave_meeting'),
    ...ref('stop_meeting'),
    ...ref('get_room_info'),
    ['start_meeting', null],
    ['start_meeting', 7],
    ['start_meeting', 'meeting'],
    ['start_meeting', { title: 5 }],
    ['start_meeting', { title: '' }],
    ['start_meeting', { title: 'x'.repeat(101) }],
    ['start_meeting', { inviteeIds: 'someone' }],
    ['start_meeting', { inviteeIds: [1, 2] }],
    ['start_meeting', { inviteeIds: Array.from({ length: 300 }, (_, i) => `u${i}`) }],
    ['start_meeting', { access: 'public' }],
    ['start_meeting', { conversationId: {} }],
    ['video-signal', undefined],
    ['video-signal', {}],
    ['video-signal', { meetingId: 'm', signal: { candidate: null } }],
    ['video-signal', { meetingId: 'm', to: 'p' }],
    ['video-signal', { meetingId: 'm', to: 'p', signal: {} }],
    ['video-signal', { meetingId: 'm', to: 'p', signal: 'offer' }],
    ['video-signal', { meetingId: 'm', to: 'p', signal: { description: { type: 'bogus', sdp: '' } } }],
    ['video-signal', { meetingId: 'm', to: 'p', signal: { description: { type: 'offer', sdp: 'x'.repeat(200_001) } } }],
    ['video-signal', { meetingId: 'm', to: 'p', signal: { candidate: { candidate: 5 } } }],
    ['video-signal', { meetingId: 5, to: 'p', signal: { candidate: null } }],
    ['raise_hand', { meetingId: 'm' }],
    ['raise_hand', { meetingId: 'm', raised: 1 }],
    ['lower_hand', { meetingId: 'm' }],
    ['reaction', { meetingId: 'm', emoji: '🦄' }],
    ['reaction', { meetingId: 'm', emoji: '👍'.repeat(5000) }],
    ['reaction', { meetingId: ['m'], emoji: '👍' }],
    ['mute_participant', { meetingId: 'm', peerId: 'p', kind: 'all' }],
    ['mute_participant', { meetingId: 'm', kind: 'audio' }],
    ['mute_everyone', {}],
    ['remove_participant', { meetingId: 'm', peerId: 'x'.repeat(65) }],
    ['invite_participants', { meetingId: 'm', userIds: [] }],
    ['invite_participants', { meetingId: 'm', userIds: Array.from({ length: 101 }, (_, i) => `u${i}`) }],
    ['set_meeting_lock', { meetingId: 'm', locked: 'yes' }],
    ['admit', { meetingId: 'm', requestId: 'r', allow: 'yes' }],
    ['admit', null],
  ];

  it.each(table.map(([event, payload], i) => [i, event, payload] as const))(
    '#%i %s gets bad_request and the socket stays usable',
    async (_i, event, payload) => {
      const socket = await connectSocket(server.url, carol.token);
      const ack = asAck(await socket.ackRaw(event, payload));
      expect(ack.ok).toBe(false);
      if (ack.ok) return;
      expect(ack.error.code).toBe('bad_request');
      expect(typeof ack.error.message).toBe('string');
      expect(socket.socket.connected).toBe(true);
      expect(await socket.ack('ping', {})).toMatchObject({ ok: true });
      socket.close();
    },
  );

  it('survives meeting events without an ack callback', async () => {
    const socket = await connectSocket(server.url, carol.token);
    for (const event of [
      'start_meeting',
      'join_meeting',
      'leave_meeting',
      'stop_meeting',
      'get_room_info',
      'video-signal',
      'raise_hand',
      'reaction',
      'mute_participant',
      'remove_participant',
      'set_meeting_lock',
      'admit',
    ]) {
      socket.socket.emit(event, { meetingId: 42, title: 42 });
      socket.socket.emit(event);
    }
    expect(await socket.ack('ping', {})).toMatchObject({ ok: true });
    expect(socket.socket.connected).toBe(true);
  });
});
