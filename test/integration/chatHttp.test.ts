/**
 * The chat HTTP API (docs/protocol.md, HTTP section) on two server processes sharing PostgreSQL and
 * Redis: users search, contacts, group conversations, conversation list, history paging, and
 * what a non-member or an anonymous caller gets.
 */
import { randomUUID } from 'node:crypto';
import type { Contact, Conversation, ErrorBody, Message, User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, startCluster, type Cluster, type TestUser } from './chatSupport.js';
import { connectSocket, expectOk, TestSocket } from './testSocket.js';

describe('chat over HTTP, two instances', () => {
  let cluster: Cluster;
  let a: string;
  let b: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let mallory: TestUser;
  const clients: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster('chat_http', [3301, 3302]);
    [a, b] = cluster.servers.map((s) => s.url) as [string, string];
    [alice, bob, carol, mallory] = await Promise.all([
      registerUser(a, 'alice'),
      registerUser(b, 'bob'),
      registerUser(a, 'carol'),
      registerUser(b, 'mallory'),
    ]);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.close();
  });

  it('searches users by username prefix, never returning the caller', async () => {
    const found = await api(a, 'GET', '/api/users?q=CA', { token: alice.token });
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ users: [{ id: carol.id, username: 'carol', displayName: 'carol' }] });
    const all = await api<{ users: User[] }>(b, 'GET', '/api/users', { token: alice.token });
    expect(all.body.users.map((u) => u.username)).toEqual(['bob', 'carol', 'mallory']);
    const tooLong = await api<ErrorBody>(a, 'GET', `/api/users?q=${'x'.repeat(40)}`, { token: alice.token });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'bad_request', field: 'q' });
  });

  it('adds mutual contacts with one direct conversation, and reports their presence', async () => {
    const bobOnline = await connectSocket(b, bob.token);
    clients.push(bobOnline);
    const added = await api<{ contact: Contact }>(a, 'POST', '/api/contacts', {
      token: alice.token,
      body: { userId: bob.id },
    });
    expect(added.status).toBe(201);
    expect(added.body.contact).toEqual({
      user: { id: bob.id, username: 'bob', displayName: 'bob' },
      conversationId: expect.any(String) as unknown,
      online: true,
    });
    const again = await api<{ contact: Contact }>(b, 'POST', '/api/contacts', {
      token: bob.token,
      body: { userId: alice.id },
    });
    expect(again.status).toBe(201);
    expect(again.body.contact.conversationId).toBe(added.body.contact.conversationId);
    expect(again.body.contact.online).toBe(false);

    const bobsContacts = await api(b, 'GET', '/api/contacts', { token: bob.token });
    expect(bobsContacts.body).toEqual({
      contacts: [
        {
          user: { id: alice.id, username: 'alice', displayName: 'alice' },
          conversationId: added.body.contact.conversationId,
          online: false,
        },
      ],
    });
  });

  it('validates contact requests', async () => {
    const cases: Array<[unknown, number, string, string | undefined]> = [
      [{}, 400, 'bad_request', 'userId'],
      [{ userId: 42 }, 400, 'bad_request', 'userId'],
      [{ userId: alice.id }, 400, 'bad_request', 'userId'],
      [{ userId: randomUUID() }, 404, 'not_found', 'userId'],
      [{ userId: 'nobody' }, 404, 'not_found', 'userId'],
    ];
    for (const [body, status, code, field] of cases) {
      const response = await api<Partial<ErrorBody>>(a, 'POST', '/api/contacts', { token: alice.token, body });
      expect({ body, status: response.status, error: response.body.error }).toEqual({
        body,
        status,
        error: expect.objectContaining({ code, ...(field ? { field } : {}) }) as unknown,
      });
    }
  });

  it('creates groups with the caller as a member; an unknown member id is a 400 naming it', async () => {
    const created = await api<{ conversation: Conversation }>(a, 'POST', '/api/conversations', {
      token: alice.token,
      body: { title: 'Project', memberIds: [bob.id, carol.id] },
    });
    expect(created.status).toBe(201);
    const conversation = created.body.conversation;
    expect(conversation).toMatchObject({ kind: 'group', title: 'Project', unreadCount: 0, lastMessage: null });
    expect(conversation.members.map((m) => m.id).sort()).toEqual([alice.id, bob.id, carol.id].sort());

    const unknown = await api<ErrorBody>(a, 'POST', '/api/conversations', {
      token: alice.token,
      body: { title: 'x', memberIds: [bob.id, randomUUID()] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'bad_request', field: 'memberIds.1' });
    const noTitle = await api<ErrorBody>(a, 'POST', '/api/conversations', {
      token: alice.token,
      body: { memberIds: [bob.id] },
    });
    expect(noTitle.body.error).toMatchObject({ code: 'bad_request', field: 'title' });
    const notArray = await api<ErrorBody>(a, 'POST', '/api/conversations', {
      token: alice.token,
      body: { title: 't', memberIds: bob.id },
    });
    expect(notArray.body.error).toMatchObject({ code: 'bad_request', field: 'memberIds' });
  });

  it('lists conversations with the last message and unread count, and pages history', async () => {
    const group = (
      await api<{ conversation: Conversation }>(b, 'POST', '/api/conversations', {
        token: bob.token,
        body: { title: 'History', memberIds: [alice.id] },
      })
    ).body.conversation;
    const bobSocket = await connectSocket(a, bob.token);
    clients.push(bobSocket);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const ack = await expectOk(bobSocket, 'message', {
        conversationId: group.id,
        clientId: `h${i}`,
        text: `line ${i}`,
      });
      ids.push(ack.message.id);
    }
    const listed = await api<{ conversations: Conversation[] }>(b, 'GET', '/api/conversations', { token: alice.token });
    expect(listed.status).toBe(200);
    const entry = listed.body.conversations.find((c) => c.id === group.id);
    expect(entry).toMatchObject({
      unreadCount: 12,
      lastReadMessageId: null,
      lastMessage: { id: ids[11], text: 'line 11' },
    });
    expect(listed.body.conversations[0]?.id).toBe(group.id); // most recently active first

    const path = `/api/conversations/${group.id}/messages`;
    const latest = await api<{ messages: Message[] }>(a, 'GET', `${path}?limit=5`, { token: alice.token });
    expect(latest.body.messages.map((m) => m.id)).toEqual(ids.slice(7));
    expect(latest.body.messages[0]).toEqual({
      id: ids[7],
      conversationId: group.id,
      senderId: bob.id,
      text: 'line 7',
      clientId: 'h7',
      createdAt: expect.stringMatching(/Z$/) as unknown,
    });
    const older = await api<{ messages: Message[] }>(b, 'GET', `${path}?limit=5&before=${ids[7]}`, {
      token: alice.token,
    });
    expect(older.body.messages.map((m) => m.id)).toEqual(ids.slice(2, 7));
    const standard = await api<{ messages: Message[] }>(a, 'GET', path, { token: alice.token });
    expect(standard.body.messages).toHaveLength(12);

    for (const [query, field] of [
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['limit=x', 'limit'],
      ['before=abc', 'before'],
    ]) {
      const bad = await api<Partial<ErrorBody>>(a, 'GET', `${path}?${query}`, { token: alice.token });
      expect({ query, status: bad.status, field: bad.body.error?.field }).toEqual({ query, status: 400, field });
    }
  });

  it('tells a non-member nothing about a conversation', async () => {
    const group = (
      await api<{ conversation: Conversation }>(a, 'POST', '/api/conversations', {
        token: alice.token,
        body: { title: 'Secret', memberIds: [bob.id] },
      })
    ).body.conversation;
    const existing = await api(a, 'GET', `/api/conversations/${group.id}/messages`, { token: mallory.token });
    const missing = await api(a, 'GET', `/api/conversations/${randomUUID()}/messages`, { token: mallory.token });
    const garbage = await api(a, 'GET', `/api/conversations/not-an-id/messages`, { token: mallory.token });
    expect(existing.status).toBe(404);
    expect(existing.body).toEqual(missing.body);
    expect(garbage.body).toEqual(missing.body);
    const listed = await api(a, 'GET', '/api/conversations', { token: mallory.token });
    expect(listed.body).toEqual({ conversations: [] });
    const contacts = await api(a, 'GET', '/api/contacts', { token: mallory.token });
    expect(contacts.body).toEqual({ contacts: [] });
  });

  it('requires authentication on every chat route', async () => {
    const id = randomUUID();
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/users?q=a'],
      ['POST', '/api/contacts', { userId: bob.id }],
      ['GET', '/api/contacts'],
      ['POST', '/api/conversations', { title: 't', memberIds: [bob.id] }],
      ['GET', '/api/conversations'],
      ['GET', `/api/conversations/${id}/messages`],
    ];
    for (const [method, path, body] of routes) {
      const response = await api<Partial<ErrorBody> | null>(b, method, path, {
        body,
        token: path.includes('contacts') ? 'not-a-token' : undefined,
      });
      expect({ method, path, status: response.status, code: response.body?.error?.code }).toEqual({
        method,
        path,
        status: 401,
        code: 'unauthorized',
      });
    }
  });
});
