/**
 * Property-based fuzz (fast-check) of every client→server event of the contract table
 * (ClientEventContract, protocol/src/contract/clientEventContract.ts) against a running server: random payloads built from the
 * events' own field names (with real ids among the values), arbitrary JSON values, and
 * adversarial ones (huge strings, deep nesting, 100k-element arrays, NUL, lone surrogates).
 * Every ack is `{ok: true, ...}` or `{ok: false, error}` with a known code other than
 * `internal`; the socket is never disconnected and `/health` stays 200. The per-event limits are
 * raised so that payloads reach validation and the handlers.
 */
import { ClientEventContract, ErrorCodes } from '@parley/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, startCluster, type Cluster, type TestUser } from './chatSupport.js';
import { TestSocket, connectSocket } from './testSocket.js';

const KNOWN = new Set<string>(ErrorCodes.filter((code) => code !== 'internal'));

const FIELDS = [
  'meetingId',
  'conversationId',
  'clientId',
  'text',
  'isTyping',
  'messageId',
  'title',
  'inviteeIds',
  'access',
  'to',
  'signal',
  'echo',
  'transportId',
  'producerId',
  'consumerId',
  'direction',
  'kind',
  'rtpParameters',
  'rtpCapabilities',
  'dtlsParameters',
  'appData',
  'paused',
  'spatialLayer',
  'temporalLayer',
  'tiles',
  'srtp',
  'ip',
  'port',
];

const hugeString = 'x'.repeat(200_000);
const deep = (depth: number): unknown => {
  let value: unknown = { end: true };
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
};
const adversarial = (ids: string[]): unknown[] => [
  undefined,
  null,
  hugeString,
  new Array(100_000).fill(0),
  deep(500),
  Object.fromEntries(FIELDS.map((field) => [field, hugeString.slice(0, 20_000)])),
  Object.fromEntries(FIELDS.map((field) => [field, `a\u0000b`])),
  Object.fromEntries(FIELDS.map((field) => [field, `\ud800`])),
  // Under the 1 MB socket message limit (a bigger message closes the connection by design).
  {
    meetingId: ids[1],
    conversationId: ids[0],
    tiles: new Array(100_000).fill(0),
    inviteeIds: new Array(100_000).fill(1),
  },
  Object.fromEntries(FIELDS.map((field) => [field, new Array(50).fill(ids[0])])),
  JSON.parse(`{"meetingId": "${ids[1]}", "__proto__": {"polluted": true}, "constructor": "x"}`),
];

describe('fuzz of every client→server event', () => {
  let cluster: Cluster;
  let alice: TestUser;
  let client: TestSocket;
  let ids: string[];

  beforeAll(async () => {
    cluster = await startCluster('event_fuzz', [3395], { EVENT_RATE_SCALE: '1000', RATE_LIMIT_STRIKES: '10000000' });
    const url = cluster.servers[0]!.url;
    const [a, bob] = await Promise.all([registerUser(url, 'alice'), registerUser(url, 'bob')]);
    alice = a;
    const conversation = await api<{ conversation: { id: string } }>(url, 'POST', '/api/conversations', {
      token: alice.token,
      body: { title: 'Fuzz', memberIds: [bob.id] },
    });
    client = await connectSocket(url, alice.token);
    const started = await client.ackRaw<{ meeting: { id: string } }>('start_meeting', {
      conversationId: conversation.body.conversation.id,
    });
    await client.ack('join_meeting', { meetingId: started.meeting.id });
    ids = [conversation.body.conversation.id, started.meeting.id, bob.id, alice.id];
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await cluster?.close();
  });

  const expectKnownAck = (event: string, payload: unknown, ack: { ok?: unknown; error?: { code?: string } }) => {
    const where = `${event} ${JSON.stringify(payload)?.slice(0, 200)} → ${JSON.stringify(ack).slice(0, 300)}`;
    expect(typeof ack?.ok, where).toBe('boolean');
    if (!ack.ok) expect(KNOWN.has(ack.error?.code ?? ''), where).toBe(true);
  };

  it('answers random payloads of every event with ok or a known error, never internal', async () => {
    const value = fc.oneof(
      fc.constantFrom(...ids),
      fc.uuid(),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const payload = fc.oneof(
      fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 }),
      fc.anything({ maxDepth: 3 }),
    );
    for (const event of Object.keys(ClientEventContract)) {
      await fc.assert(
        fc.asyncProperty(payload, async (p) => {
          expectKnownAck(event, p, await client.ackRaw(event, p));
        }),
        { numRuns: 40, seed: 13 },
      );
    }
    expect(client.socket.connected).toBe(true);
  }, 120_000);

  it('answers adversarial payloads of every event with a known error, and stays up', async () => {
    for (const event of Object.keys(ClientEventContract)) {
      for (const p of adversarial(ids)) expectKnownAck(event, p, await client.ackRaw(event, p));
    }
    expect(client.socket.connected).toBe(true);
    const health = await fetch(`${cluster.servers[0]!.url}/health`);
    expect(health.status).toBe(200);
  }, 120_000);
});
