/**
 * Chat socket events (docs/protocol.md, Chat) across two server processes: delivery to every socket
 * of every member on both instances, dedupe by clientId, typing relay and throttle, mark_read
 * across tabs, authorization of every event, and a table of malformed payloads.
 */
import { randomUUID } from 'node:crypto';
import type { Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, sleep, startCluster, type Cluster, type TestUser } from './chatSupport.js';
import { connectSocket, expectOk, TestSocket } from './testSocket.js';

describe('chat over Socket.io, two instances', () => {
  let cluster: Cluster;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conversationId: string;
  /** alice's two tabs (one per instance), bob on instance B, carol (not a member) on A. */
  let aliceA: TestSocket;
  let aliceB: TestSocket;
  let bobB: TestSocket;
  let carolA: TestSocket;
  const clients: TestSocket[] = [];
  const connect = async (base: string, user: TestUser) => {
    const client = await connectSocket(base, user.token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    cluster = await startCluster('chat_rt', [3311, 3312]);
    const [a, b] = cluster.servers.map((s) => s.url) as [string, string];
    [alice, bob, carol] = await Promise.all([
      registerUser(a, 'alice'),
      registerUser(a, 'bob'),
      registerUser(b, 'carol'),
    ]);
    const created = await api<{ conversation: Conversation }>(a, 'POST', '/api/conversations', {
      token: alice.token,
      body: { title: 'Team', memberIds: [bob.id] },
    });
    conversationId = created.body.conversation.id;
    [aliceA, aliceB, bobB, carolA] = await Promise.all([
      connect(a, alice),
      connect(b, alice),
      connect(b, bob),
      connect(a, carol),
    ]);
    const [pingA, pingB] = await Promise.all([aliceA, aliceB].map((c) => expectOk(c, 'ping')));
    expect(pingA!.instanceId).not.toBe(pingB!.instanceId);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.close();
  });

  it('delivers a message to every socket of every member on both instances, after it is stored', async () => {
    const ack = await expectOk(aliceA, 'message', { conversationId, clientId: 'm-1', text: 'hello team' });
    expect(ack).toEqual({
      ok: true,
      message: {
        id: expect.stringMatching(/^\d+$/) as unknown,
        conversationId,
        senderId: alice.id,
        text: 'hello team',
        clientId: 'm-1',
        createdAt: expect.any(String) as unknown,
      },
    });
    const stored = await api<{ messages: Message[] }>(
      cluster.servers[1]!.url,
      'GET',
      `/api/conversations/${conversationId}/messages`,
      {
        token: bob.token,
      },
    );
    expect(stored.body.messages.map((m) => m.id)).toContain(ack.message.id);
    for (const client of [bobB, aliceB, aliceA]) {
      expect(await client.waitFor('message', (p) => p.message.id === ack.message.id)).toEqual({ message: ack.message });
    }
    await sleep(200);
    expect(carolA.all('message')).toEqual([]);
  });

  it('answers a resent clientId with the stored message and delivers nothing new', async () => {
    const first = await aliceB.ack('message', { conversationId, clientId: 'dup-1', text: 'once' });
    await bobB.waitFor('message', (p) => p.message.clientId === 'dup-1');
    const again = await aliceA.ack('message', { conversationId, clientId: 'dup-1', text: 'once (retry)' });
    expect(again).toEqual(first);
    await sleep(300);
    expect(bobB.all('message', (p) => p.message.clientId === 'dup-1')).toHaveLength(1);
    expect(aliceA.all('message', (p) => p.message.clientId === 'dup-1')).toHaveLength(1);
  });

  it('relays typing to the other members only, throttled unless the value changes', async () => {
    const before = bobB.all('typing').length;
    expect(await aliceA.ack('typing', { conversationId, isTyping: true })).toEqual({ ok: true });
    expect(await bobB.waitFor('typing')).toEqual({ conversationId, userId: alice.id, isTyping: true });
    expect(await aliceA.ack('typing', { conversationId, isTyping: true })).toEqual({ ok: true });
    expect(await aliceA.ack('typing', { conversationId, isTyping: false })).toEqual({ ok: true });
    await bobB.waitFor('typing', (p) => p.isTyping === false);
    await sleep(200);
    expect(
      bobB
        .all('typing')
        .slice(before)
        .map((p) => p.isTyping),
    ).toEqual([true, false]);
    expect(aliceB.all('typing')).toEqual([]);
    expect(carolA.all('typing')).toEqual([]);
  });

  it('marks read and tells the reader’s other tabs the new unread count', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await expectOk(bobB, 'message', { conversationId, clientId: `r${i}`, text: `unread ${i}` })).message.id,
      );
    }
    const ack = await aliceA.ack('mark_read', { conversationId, messageId: ids[1]! });
    expect(ack).toEqual({ ok: true, conversationId, messageId: ids[1], unreadCount: 1 });
    expect(await aliceB.waitFor('read', (p) => p.messageId === ids[1])).toEqual({
      conversationId,
      messageId: ids[1],
      unreadCount: 1,
    });
    expect(bobB.all('read')).toEqual([]);
    const listed = await api<{ conversations: Conversation[] }>(cluster.servers[0]!.url, 'GET', '/api/conversations', {
      token: alice.token,
    });
    expect(listed.body.conversations.find((c) => c.id === conversationId)).toMatchObject({
      unreadCount: 1,
      lastReadMessageId: ids[1],
    });
    const stale = await aliceB.ack('mark_read', { conversationId, messageId: ids[0]! });
    expect(stale).toMatchObject({ ok: true, messageId: ids[1], unreadCount: 1 });
  });

  it('refuses every event on a conversation the caller is not a member of', async () => {
    const elsewhere = randomUUID();
    const lastId = (await expectOk(aliceA, 'message', { conversationId, clientId: 'auth', text: 'members only' }))
      .message.id;
    const attempts: Array<[string, unknown]> = [
      ['message', { conversationId, clientId: 'intruder', text: 'let me in' }],
      ['typing', { conversationId, isTyping: true }],
      ['mark_read', { conversationId, messageId: lastId }],
      ['message', { conversationId: elsewhere, clientId: 'x', text: 'nowhere' }],
      ['message', { conversationId: 'not-a-uuid', clientId: 'x', text: 'nowhere' }],
    ];
    for (const [event, payload] of attempts) {
      const ack = await carolA.ackRaw(event, payload);
      expect({ event, ack }).toEqual({
        event,
        ack: { ok: false, error: expect.objectContaining({ code: 'not_found' }) as unknown },
      });
    }
    await sleep(200);
    expect(bobB.all('message', (p) => p.message.clientId === 'intruder')).toEqual([]);
    expect(bobB.all('typing', (p) => p.userId === carol.id)).toEqual([]);
    expect((await carolA.ack('ping')).ok).toBe(true);
  });

  it('answers every malformed payload with bad_request and keeps the socket usable', async () => {
    const valid = { conversationId, clientId: 'c', text: 't' };
    const table: Array<[string, unknown, string | undefined]> = [
      ['message', undefined, undefined],
      ['message', null, undefined],
      ['message', 42, undefined],
      ['message', 'text', undefined],
      ['message', [valid], undefined],
      ['message', {}, 'conversationId'],
      ['message', { ...valid, conversationId: 7 }, 'conversationId'],
      ['message', { ...valid, conversationId: '' }, 'conversationId'],
      ['message', { ...valid, clientId: undefined }, 'clientId'],
      ['message', { ...valid, clientId: 'x'.repeat(65) }, 'clientId'],
      ['message', { ...valid, text: '' }, 'text'],
      ['message', { ...valid, text: '   ' }, 'text'],
      ['message', { ...valid, text: 'x'.repeat(4001) }, 'text'],
      ['message', { ...valid, text: { toString: 'x' } }, 'text'],
      ['typing', undefined, undefined],
      ['typing', { conversationId }, 'isTyping'],
      ['typing', { conversationId, isTyping: 'yes' }, 'isTyping'],
      ['typing', { isTyping: true }, 'conversationId'],
      ['mark_read', undefined, undefined],
      ['mark_read', { conversationId }, 'messageId'],
      ['mark_read', { conversationId, messageId: 12 }, 'messageId'],
      ['mark_read', { conversationId, messageId: '-1' }, 'messageId'],
      ['mark_read', { conversationId, messageId: '1'.repeat(20) }, 'messageId'],
      ['mark_read', { conversationId: ['x'], messageId: '1' }, 'conversationId'],
    ];
    for (const [event, payload, field] of table) {
      const ack = await aliceA.ackRaw(event, payload);
      expect({ event, payload, ack }).toEqual({
        event,
        payload,
        ack: {
          ok: false,
          error: expect.objectContaining({ code: 'bad_request', ...(field ? { field } : {}) }) as unknown,
        },
      });
    }
    aliceA.socket.emit('message', valid); // no ack callback at all
    aliceA.socket.emit('typing');
    expect(aliceA.socket.connected).toBe(true);
    const ok = await aliceA.ack('message', { conversationId, clientId: 'after-bad', text: 'still here' });
    expect(ok.ok).toBe(true);
    expect(await bobB.waitFor('message', (p) => p.message.clientId === 'after-bad')).toBeTruthy();
  });
});
