/**
 * Store outages under chat traffic, on a PostgreSQL cluster and a redis-server of this test's
 * own (the machine's shared ones are never touched): every send is answered, `ok` (stored) or
 * `unavailable`, within 5 s; nothing acknowledged is lost or doubled at a live recipient on the
 * other instance; both recover without a manual step.
 */
import type { Contact, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../support/faults/privatePostgres.js';
import { startPrivateRedis, type PrivateRedis } from '../support/faults/privateRedis.js';
import { request } from './_http.js';
import { registerUser, sleep, startCluster, type Cluster, type TestUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket } from './testSocket.js';

let redis: PrivateRedis;
let postgres: PrivatePostgres;
let cluster: Cluster;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;
let aliceSocket: TestSocket;
let bobSocket: TestSocket;

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
  cluster = await startCluster('outages', [3156, 3157], {
    REDIS_URL: redis.url,
    DATABASE_URL: postgres.url,
    // 20 messages a second from one user: above the default per-event limit (5 a second).
    EVENT_RATE_SCALE: '10',
  });
  [alice, bob] = await Promise.all([registerUser(cluster.a.url, 'alice'), registerUser(cluster.b.url, 'bob')]);
  const contact = await request<{ contact: Contact }>(`${cluster.a.url}/api/contacts`, {
    token: alice.token,
    json: { userId: bob.user.id },
  });
  expect(contact.status, contact.text).toBe(201);
  conversationId = contact.body.contact.conversationId;
  aliceSocket = await connectSocket(cluster.a.url, alice.token);
  bobSocket = await connectSocket(cluster.b.url, bob.token);
}, 90_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
  await redis?.stop();
  await postgres?.destroy();
});

interface Sent {
  clientId: string;
  outcome: 'ok' | 'unavailable' | 'other';
  messageId?: string;
  detail?: string;
}

/**
 * Alice sends one message every 50 ms for `durationMs` while `fault` runs; every ack must come
 * within 5 s (the socket's ack timeout fails the send otherwise).
 */
async function sendUnder(label: string, durationMs: number, fault: () => Promise<void>): Promise<Sent[]> {
  const sends: Array<Promise<Sent>> = [];
  const faultDone = fault();
  const end = Date.now() + durationMs;
  for (let i = 0; Date.now() < end; i++) {
    const clientId = `${label}-${i}`;
    sends.push(
      aliceSocket
        .ack('message', { conversationId, clientId, text: `${label} ${i}` }, 5000)
        .then((ack): Sent => {
          if (ack.ok) return { clientId, outcome: 'ok', messageId: ack.message.id };
          return {
            clientId,
            outcome: ack.error?.code === 'unavailable' ? 'unavailable' : 'other',
            detail: JSON.stringify(ack),
          };
        })
        .catch((error: Error): Sent => ({ clientId, outcome: 'other', detail: `no ack: ${error.message}` })),
    );
    await sleep(50);
  }
  await faultDone;
  return Promise.all(sends);
}

/** Every message id of the conversation, page by page (newest page first). */
async function history(): Promise<string[]> {
  const ids: string[] = [];
  let before = '';
  for (;;) {
    const res = await request<{ messages: Message[] }>(
      `${cluster.b.url}/api/conversations/${conversationId}/messages?limit=100${before ? `&before=${before}` : ''}`,
      { token: bob.token },
    );
    expect(res.status, res.text).toBe(200);
    const page = res.body.messages.map((m) => m.id);
    ids.push(...page);
    if (page.length < 100) return ids;
    before = page[0]!;
  }
}

function summary(sent: Sent[]): string {
  const count = (o: Sent['outcome']) => sent.filter((s) => s.outcome === o).length;
  return `${sent.length} sent: ${count('ok')} ok, ${count('unavailable')} unavailable, ${count('other')} other`;
}

describe('PostgreSQL stopped for 10 s under chat traffic', () => {
  it('answers every send ok or unavailable within 5 s, loses nothing acked, and recovers by itself', async () => {
    const sent = await sendUnder('pg', 16_000, async () => {
      await sleep(2000);
      await postgres.stop();
      await sleep(10_000);
      await postgres.start();
    });
    console.log(`[storeOutages] PostgreSQL stop: ${summary(sent)}`);
    expect(sent.filter((s) => s.outcome === 'other')).toEqual([]);
    expect(sent.filter((s) => s.outcome === 'unavailable').length).toBeGreaterThan(0);
    // Sending works again without a manual step.
    const after = await aliceSocket.ack('message', { conversationId, clientId: 'pg-after', text: 'back' }, 5000);
    expect(after.ok, JSON.stringify(after)).toBe(true);
    const stored = new Set(await history());
    const acked = sent.filter((s) => s.outcome === 'ok').map((s) => s.messageId!);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
  }, 60_000);
});

describe('Redis paused for 10 s under chat traffic', () => {
  it('answers every send, and every acknowledged message reaches the live recipient once (after a catch-up)', async () => {
    const live = new Map<string, number>();
    bobSocket.socket.on('message', (payload: { message: { id: string } }) =>
      live.set(payload.message.id, (live.get(payload.message.id) ?? 0) + 1),
    );
    let healthDuringPause = 0;
    const sent = await sendUnder('redis', 15_000, async () => {
      await sleep(2000);
      redis.pause();
      await sleep(4000);
      healthDuringPause = (await request(`${cluster.a.url}/health`)).status;
      await sleep(6000);
      redis.resume();
    });
    console.log(`[storeOutages] Redis pause: ${summary(sent)}`);
    expect(healthDuringPause).toBe(503);
    expect(sent.filter((s) => s.outcome === 'other')).toEqual([]);
    await sleep(3000);
    // The client's catch-up (on reconnection, or when told delivery may have gaps): the history.
    const caughtUp = new Set([...live.keys(), ...(await history())]);
    const acked = sent.filter((s) => s.outcome === 'ok').map((s) => s.messageId!);
    expect(acked.filter((id) => !caughtUp.has(id))).toEqual([]);
    expect([...live].filter(([, count]) => count > 1)).toEqual([]);
    const missedLive = acked.filter((id) => !live.has(id)).length;
    console.log(
      `[storeOutages] Redis pause: ${missedLive} of ${acked.length} acked messages reached Bob only through the catch-up`,
    );
    const gaps = bobSocket.events.filter((e) => e.event === 'resync').length;
    if (missedLive > 0) expect(gaps).toBeGreaterThan(0);
  }, 60_000);
});
