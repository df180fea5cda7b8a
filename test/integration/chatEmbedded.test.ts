/**
 * Chat on one instance without DATABASE_URL and REDIS_URL: embedded PGlite, in-process adapter
 * and in-memory presence. The same flows as on PostgreSQL + Redis must hold.
 */
import type { Contact, Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { api, registerUser, type TestUser } from './chatSupport.js';
import { connectSocket, expectOk, TestSocket } from './testSocket.js';

describe('chat on an embedded single instance', () => {
  let server: ServerProcess;
  let alice: TestUser;
  let bob: TestUser;
  const clients: TestSocket[] = [];

  beforeAll(async () => {
    buildServer();
    server = await startServerProcess({
      port: 3331,
      name: 'chat-embedded',
      env: { DATABASE_URL: undefined, REDIS_URL: undefined, LOG_LEVEL: 'warn' },
    });
    alice = await registerUser(server.url, 'alice');
    bob = await registerUser(server.url, 'bob');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.stop();
  });

  it('adds a contact, delivers, pages history, counts unread and tracks presence', async () => {
    const bobSocket = await connectSocket(server.url, bob.token);
    clients.push(bobSocket);
    const added = await api<{ contact: Contact }>(server.url, 'POST', '/api/contacts', {
      token: alice.token,
      body: { userId: bob.id },
    });
    expect(added.status).toBe(201);
    expect(added.body.contact.online).toBe(true);
    const conversationId = added.body.contact.conversationId;

    const aliceSocket = await connectSocket(server.url, alice.token);
    clients.push(aliceSocket);
    expect(await bobSocket.waitFor('presence')).toMatchObject({ userId: alice.id, status: 'online' });

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ack = await expectOk(aliceSocket, 'message', { conversationId, clientId: `e${i}`, text: `embedded ${i}` });
      expect(ack.ok).toBe(true);
      ids.push(ack.message.id);
    }
    const again = await expectOk(aliceSocket, 'message', { conversationId, clientId: 'e0', text: 'again' });
    expect(again.message.id).toBe(ids[0]);
    expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((x, y) => (x < y ? -1 : 1)));
    await bobSocket.waitFor('message', (p) => p.message.id === ids[2]);
    expect(bobSocket.all('message')).toHaveLength(3);

    const page = await api<{ messages: Message[] }>(
      server.url,
      'GET',
      `/api/conversations/${conversationId}/messages?limit=2&before=${ids[2]}`,
      {
        token: bob.token,
      },
    );
    expect(page.body.messages.map((m) => m.id)).toEqual(ids.slice(0, 2));
    const read = await bobSocket.ack('mark_read', { conversationId, messageId: ids[0]! });
    expect(read).toEqual({ ok: true, conversationId, messageId: ids[0], unreadCount: 2 });
    const listed = await api<{ conversations: Conversation[] }>(server.url, 'GET', '/api/conversations', {
      token: bob.token,
    });
    expect(listed.body.conversations[0]).toMatchObject({ id: conversationId, kind: 'direct', unreadCount: 2 });

    aliceSocket.close();
    expect(await bobSocket.waitFor('presence', (p) => p.status === 'offline')).toMatchObject({ userId: alice.id });
  });
});
