/**
 * Presence across server processes: a user is online from their first socket on any instance
 * to their last (plus a grace that hides a reload), contacts hear `presence` events, and the
 * sockets of a SIGKILLed instance are swept (short PRESENCE_TTL_MS here; the default keeps it
 * well under 30 s).
 */
import type { Contact } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, sleep, startCluster, type Cluster, type TestUser } from './chatSupport.js';
import { TestSocket, connectSocket } from './testSocket.js';

// Short enough to see the sweep quickly, long enough that a busy 2-core machine (a browser test
// just before) does not miss a refresh and flap a live user offline.
const PRESENCE_TTL_MS = 4000;
const PRESENCE_OFFLINE_GRACE_MS = 1500;

describe('presence across instances', () => {
  let cluster: Cluster;
  let a: string;
  let b: string;
  let alice: TestUser;
  let bob: TestUser;
  let stranger: TestUser;
  let bobWatching: TestSocket;
  let strangerWatching: TestSocket;
  const clients: TestSocket[] = [];
  const connect = async (base: string, user: TestUser) => {
    const client = await connectSocket(base, user.token);
    clients.push(client);
    return client;
  };
  const aliceEvents = () => bobWatching.all('presence', (p) => p.userId === alice.id);
  const aliceOnline = async () =>
    (await api<{ contacts: Contact[] }>(a, 'GET', '/api/contacts', { token: bob.token })).body.contacts.find(
      (c) => c.user.id === alice.id,
    )?.online;

  beforeAll(async () => {
    cluster = await startCluster('chat_presence', [3321, 3322], {
      PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
      PRESENCE_OFFLINE_GRACE_MS: String(PRESENCE_OFFLINE_GRACE_MS),
    });
    [a, b] = cluster.servers.map((s) => s.url) as [string, string];
    [alice, bob, stranger] = await Promise.all([
      registerUser(a, 'alice'),
      registerUser(a, 'bob'),
      registerUser(a, 'stranger'),
    ]);
    expect((await api(a, 'POST', '/api/contacts', { token: alice.token, body: { userId: bob.id } })).status).toBe(201);
    bobWatching = await connect(a, bob);
    strangerWatching = await connect(b, stranger);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.close();
  });

  it('goes online with the first socket and offline with the last, across instances', async () => {
    const tab1 = await connect(b, alice);
    const online = await bobWatching.waitFor('presence', (p) => p.userId === alice.id);
    expect(online).toEqual({ userId: alice.id, status: 'online', lastSeenAt: expect.stringMatching(/Z$/) as unknown });
    expect(await aliceOnline()).toBe(true);

    const tab2 = await connect(a, alice);
    tab1.close();
    await sleep(400);
    expect(aliceEvents().map((p) => p.status)).toEqual(['online']);
    expect(await aliceOnline()).toBe(true);

    // A reload: the last tab closes and a new one opens on the other instance within the grace.
    tab2.close();
    await sleep(300);
    const tab3 = await connect(b, alice);
    await sleep(PRESENCE_OFFLINE_GRACE_MS + 500);
    expect(aliceEvents().map((p) => p.status)).toEqual(['online']);
    expect(await aliceOnline()).toBe(true);

    const closedAt = Date.now();
    tab3.close();
    expect(await bobWatching.waitFor('presence', (p) => p.userId === alice.id && p.status === 'offline')).toMatchObject(
      {
        status: 'offline',
      },
    );
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(PRESENCE_OFFLINE_GRACE_MS - 100);
    expect(aliceEvents().map((p) => p.status)).toEqual(['online', 'offline']);
    expect(await aliceOnline()).toBe(false);
    expect(strangerWatching.all('presence')).toEqual([]);
  });

  it('takes the users of a SIGKILLed instance offline', async () => {
    const doomed = await cluster.add(3323, 'doomed');
    const before = aliceEvents().length;
    await connect(doomed.url, alice);
    await bobWatching.waitFor('presence', (p) => p.userId === alice.id && aliceEvents().length > before);
    expect(await aliceOnline()).toBe(true);

    const killedAt = Date.now();
    await doomed.kill();
    const offline = await bobWatching.waitFor(
      'presence',
      (p) => p.userId === alice.id && p.status === 'offline' && aliceEvents().indexOf(p) >= before,
      30_000,
    );
    const elapsed = Date.now() - killedAt;
    expect(offline.status).toBe('offline');
    expect(elapsed).toBeLessThan(PRESENCE_TTL_MS * 3);
    expect(await aliceOnline()).toBe(false);
  });
});
