/**
 * NUL (and the other C0 control characters) in every text field of the HTTP bodies, queries and
 * socket payloads a client sends: always `400 bad_request` / `{ok: false, error: {code:
 * 'bad_request'}}` naming the field, never `500 internal` (PostgreSQL refuses NUL in text, which
 * used to surface as an internal error). Each payload is valid but for the one poisoned field.
 */
import { SfuEvents } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
} from '../support/serverProcess.js';
import {
  TEST_REDIS_URL,
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  type TestDatabase,
} from '../support/testDatabase.js';
import { request, uniqueName } from './_http.js';
import { TestSocket, connectSocket } from './testSocket.js';

const PASSWORD = 'correct horse battery';
const redisPrefix = freshRedisPrefix('ctrlchars');
let db: TestDatabase;
let server: ServerProcess;
let token: string;
let otherId: string;
let client: TestSocket;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The path (`a.b.0.c`) of every string in `value`. */
function stringPaths(value: Json, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringPaths(item, [...prefix, String(i)]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...prefix, key]));
  }
  return [];
}

function poisoned(value: Json, path: string[], poison: (text: string) => string): Json {
  if (path.length === 0) return poison(value as string);
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) return value.map((item, i) => (String(i) === head ? poisoned(item, rest, poison) : item));
  const object = value as { [key: string]: Json };
  return { ...object, [head]: poisoned(object[head]!, rest, poison) };
}

/** NUL in the middle, or another control character for a second pass. */
const POISONS: Array<[string, (text: string) => string]> = [
  ['NUL', (text) => `${text.slice(0, 1)}\u0000${text.slice(1)}`],
  ['ESC', (text) => `${text}\u001b[31m`],
];

const ID = '00000000-0000-4000-8000-000000000001';

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('ctrlchars');
  // Dozens of malformed payloads per event, back to back: the per-event limits (eventFlood.test.ts)
  // are raised so that each reaches validation.
  server = await startServerProcess({
    name: 'ctrlchars',
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      SFU_PLAIN_RTP: 'true',
      EVENT_RATE_SCALE: '100',
    },
  });
  const register = async () => {
    const res = await request<{ user: { id: string }; token: string }>(`${server.url}/api/auth/register`, {
      json: { username: uniqueName('ctrl'), password: PASSWORD },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const [me, other] = await Promise.all([register(), register()]);
  token = me.token;
  otherId = other.user.id;
  client = await connectSocket(server.url, token);
});

afterAll(async () => {
  client?.close();
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
});

describe('HTTP bodies and queries', () => {
  const bodies: Array<[string, string, () => Json]> = [
    ['POST', '/api/auth/register', () => ({ username: 'abcdef', password: PASSWORD, displayName: 'Ada L.' })],
    ['POST', '/api/auth/login', () => ({ username: 'abcdef', password: PASSWORD })],
    ['POST', '/api/contacts', () => ({ userId: otherId })],
    ['POST', '/api/conversations', () => ({ title: 'Team', memberIds: [otherId] })],
    ['POST', '/api/meetings', () => ({ title: 'Standup', inviteeIds: [otherId], conversationId: ID })],
  ];
  for (const [method, path, body] of bodies) {
    it(`${method} ${path}: every text field`, async () => {
      for (const field of stringPaths(body())) {
        for (const [name, poison] of POISONS) {
          const res = await request<{ error: { code: string; field?: string } }>(`${server.url}${path}`, {
            method,
            json: poisoned(body(), field, poison),
            token,
          });
          const what = `${name} in ${field.join('.')}`;
          expect(res.status, `${what}: ${res.text}`).toBe(400);
          expect(res.body.error.code, what).toBe('bad_request');
          expect(res.body.error.field, what).toBe(field.join('.'));
        }
      }
    });
  }

  it('query strings and path parameters', async () => {
    const paths = [
      '/api/users?q=ab%00c',
      '/api/contacts?after=ab%00c',
      `/api/conversations/${ID.slice(0, 8)}%00/messages`,
      '/api/users?q=ab%1bc',
    ];
    for (const path of paths) {
      const res = await request<{ error: { code: string } }>(`${server.url}${path}`, { token });
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
  });

  it('running text keeps its newlines and tabs; lone surrogates are refused', async () => {
    const ok = await request(`${server.url}/api/conversations`, {
      json: { title: 'Team', memberIds: [otherId] },
      token,
    });
    expect(ok.status).toBe(201);
    const conversationId = (ok.body as { conversation: { id: string } }).conversation.id;
    const sent = await client.ackRaw<{ ok: boolean }>('message', {
      conversationId,
      clientId: 'c-1',
      text: 'line one\n\tline two\r\n',
    });
    expect(sent.ok).toBe(true);
    const lone = await client.ackRaw<{ ok: boolean; error?: { code: string } }>('message', {
      conversationId,
      clientId: 'c-2',
      text: 'broken \ud800 pair',
    });
    expect(lone).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'text' } });
  });
});

describe('socket payloads', () => {
  const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] };
  const rtpParameters = {
    mid: '0',
    codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
  };
  const rtpCapabilities = {
    codecs: [
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] },
    ],
    headerExtensions: [{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 }],
  };
  const events: Array<[string, Json]> = [
    ['message', { conversationId: ID, clientId: 'c-1', text: 'hello' }],
    ['typing', { conversationId: ID, isTyping: true }],
    ['mark_read', { conversationId: ID, messageId: '1' }],
    ['start_meeting', { title: 'Standup', inviteeIds: [ID], conversationId: ID }],
    ['join_meeting', { meetingId: ID }],
    ['leave_meeting', { meetingId: ID }],
    ['stop_meeting', { meetingId: ID }],
    ['get_room_info', { meetingId: ID }],
    ['ping', { echo: 'hello' }],
    [
      'video-signal',
      { meetingId: ID, to: ID, signal: { description: { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0' } } },
    ],
    [
      'video-signal',
      {
        meetingId: ID,
        to: ID,
        signal: {
          candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0', usernameFragment: 'u' },
        },
      },
    ],
    [SfuEvents.getCapabilities, { meetingId: ID }],
    [SfuEvents.createTransport, { meetingId: ID, direction: 'send' }],
    [SfuEvents.connectTransport, { meetingId: ID, transportId: ID, dtlsParameters }],
    [SfuEvents.restartIce, { meetingId: ID, transportId: ID }],
    [
      SfuEvents.produce,
      { meetingId: ID, transportId: ID, kind: 'video', rtpParameters, appData: { source: 'camera' } },
    ],
    [SfuEvents.pauseProducer, { meetingId: ID, producerId: ID }],
    [SfuEvents.getProducers, { meetingId: ID }],
    [SfuEvents.consume, { meetingId: ID, transportId: ID, producerId: ID, rtpCapabilities }],
    [SfuEvents.resumeConsumer, { meetingId: ID, consumerId: ID }],
    [SfuEvents.setPreferredLayers, { meetingId: ID, consumerId: ID, spatialLayer: 1 }],
    [SfuEvents.reportTiles, { meetingId: ID, tiles: [{ consumerId: ID, width: 1, height: 1, visible: true }] }],
    [SfuEvents.createPlainTransport, { meetingId: ID, direction: 'recv' }],
  ];
  for (const [event, payload] of events) {
    it(`${event}: every text field`, async () => {
      // Enum fields (direction, kind, source, type, role) are refused as well, with their own message.
      for (const field of stringPaths(payload)) {
        for (const [name, poison] of POISONS) {
          const ack = await client.ackRaw<{ ok: boolean; error?: { code: string; field?: string } }>(
            event,
            poisoned(payload, field, poison),
          );
          const what = `${name} in ${event} ${field.join('.')}`;
          expect(ack.ok, what).toBe(false);
          expect(ack.error?.code, `${what}: ${JSON.stringify(ack)}`).toBe('bad_request');
          // Inside a union (a signal is a description or a candidate) the union is named.
          expect(field.join('.').startsWith(ack.error?.field ?? '\u0000'), `${what}: ${ack.error?.field}`).toBe(true);
        }
      }
      expect(client.socket.connected).toBe(true);
    });
  }

  it('the server stays healthy', async () => {
    expect((await request(`${server.url}/health`)).status).toBe(200);
  });
});
