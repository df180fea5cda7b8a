/**
 * Per-event limits (protocol/src/limits/eventLimits.ts, docs/security.md) against two server
 * processes on PostgreSQL and Redis: a chat flood from one socket is mostly refused with
 * `rate_limited` while another user's message is acked and delivered; the flooding socket stays
 * usable, until it keeps flooding (RATE_LIMIT_STRIKES) and is disconnected; a typing flood
 * relays a handful of updates; a `video-signal` flood in a mesh meeting is mostly refused and
 * the target receives exactly the accepted signals; the user's bucket holds across instances.
 */
import type { Conversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, sleep, startCluster, type Cluster, type TestUser } from './chatSupport.js';
import { connectSocket, expectOk, TestSocket } from './testSocket.js';

type Ack = { ok: boolean; error?: { code: string; retryAfterMs?: number }; message?: { id: string } };

const codesOf = (acks: Ack[]) => {
  const counts: Record<string, number> = {};
  for (const ack of acks) {
    const key = ack.ok ? 'ok' : (ack.error?.code ?? 'none');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe('per-event limits, two instances', () => {
  let cluster: Cluster;
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;
  const clients: TestSocket[] = [];
  const connect = async (base: string, user: TestUser) => {
    const client = await connectSocket(base, user.token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    cluster = await startCluster('event_flood', [3391, 3392], { RATE_LIMIT_STRIKES: '2500' });
    const a = cluster.servers[0]!.url;
    [alice, bob] = await Promise.all([registerUser(a, 'alice'), registerUser(a, 'bob')]);
    const created = await api<{ conversation: Conversation }>(a, 'POST', '/api/conversations', {
      token: alice.token,
      body: { title: 'Flood', memberIds: [bob.id] },
    });
    conversationId = created.body.conversation.id;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.close();
  });

  it('refuses most of a 2000-message flood with rate_limited while another user is served', async () => {
    const [a, b] = cluster.servers.map((s) => s.url) as [string, string];
    const flooder = await connect(a, alice);
    const bobA = await connect(a, bob);
    const bobB = await connect(b, bob);
    const flood = Array.from(
      { length: 2000 },
      (_, i) =>
        flooder.socket
          .timeout(20_000)
          .emitWithAck('message', { conversationId, clientId: `flood-${i}`, text: `flood ${i}` }) as Promise<Ack>,
    );
    const bobAck = await bobA.ackRaw<Ack>('message', { conversationId, clientId: 'bob-1', text: 'still here' });
    expect(bobAck.ok).toBe(true);
    expect(await flooder.waitFor('message', (p) => p.message.id === bobAck.message!.id)).toBeTruthy();
    const acks = await Promise.all(flood);
    const counts = codesOf(acks);
    // Only rate_limited refusals, never a crash or another code; a burst's worth got through.
    expect(Object.keys(counts).sort()).toEqual(['ok', 'rate_limited']);
    expect(counts.ok).toBeGreaterThanOrEqual(30);
    expect(counts.rate_limited).toBeGreaterThan(1800);
    const refused = acks.find((ack) => !ack.ok)!;
    expect(refused.error!.retryAfterMs).toBeGreaterThan(0);
    // Exactly the accepted messages were stored and delivered to bob's other instance.
    const accepted = new Set(acks.filter((ack) => ack.ok).map((ack) => ack.message!.id));
    await bobB.waitFor('message', (p) => p.message.id === bobAck.message!.id);
    await sleep(300);
    const delivered = bobB.all('message', (p) => p.message.senderId === alice.id).map((p) => p.message.id);
    expect(new Set(delivered)).toEqual(accepted);
    // The socket stays usable once the wait has passed.
    expect(flooder.socket.connected).toBe(true);
    await sleep(refused.error!.retryAfterMs! + 100);
    expect(await flooder.ack('message', { conversationId, clientId: 'after', text: 'calm' })).toMatchObject({
      ok: true,
    });
  });

  it('holds the user bucket across instances and sockets', async () => {
    const [a, b] = cluster.servers.map((s) => s.url) as [string, string];
    const tabs = await Promise.all([connect(a, bob), connect(b, bob), connect(a, bob), connect(b, bob)]);
    // Four sockets of one user: their own buckets (burst 30 + 5/s each) would admit at least 140
    // of these 160 pings; the user's bucket (EVENT_RATE_USER_FACTOR 3: burst 90 + 15/s) admits
    // at most 120, whichever instance the sockets are on.
    const acks = await Promise.all(tabs.flatMap((tab) => Array.from({ length: 40 }, () => tab.ackRaw<Ack>('ping'))));
    const counts = codesOf(acks);
    expect(Object.keys(counts).sort()).toEqual(['ok', 'rate_limited']);
    expect(counts.ok).toBeGreaterThanOrEqual(90);
    expect(counts.ok).toBeLessThanOrEqual(120);
  });

  it('relays only a few updates of a typing flood and the last value', async () => {
    const [a, b] = cluster.servers.map((s) => s.url) as [string, string];
    const typist = await connect(a, alice);
    const watcher = await connect(b, bob);
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) => typist.ackRaw<Ack>('typing', { conversationId, isTyping: i % 2 === 0 })),
    );
    const counts = codesOf(acks);
    expect(counts.rate_limited).toBeGreaterThan(150);
    // The last admitted value reaches the others after the throttle's interval.
    await sleep(1500);
    const relayed = watcher.all('typing', (p) => p.userId === alice.id);
    expect(relayed.length).toBeGreaterThanOrEqual(1);
    expect(relayed.length).toBeLessThanOrEqual(3);
    const lastAdmitted = acks
      .map((ack, i) => (ack.ok ? i % 2 === 0 : null))
      .filter((v) => v !== null)
      .at(-1);
    expect(relayed.at(-1)?.isTyping).toBe(lastAdmitted);
  });

  it('refuses most of a video-signal flood in a mesh meeting; the target gets exactly the accepted ones', async () => {
    const [a, b] = cluster.servers.map((s) => s.url) as [string, string];
    const caller = await connect(a, alice);
    const callee = await connect(b, bob);
    const started = await expectOk(caller, 'start_meeting', { inviteeIds: [bob.id] });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const meetingId = started.meeting.id;
    expect(await caller.ack('join_meeting', { meetingId })).toMatchObject({ ok: true, mode: 'mesh' });
    const joined = await expectOk(callee, 'join_meeting', { meetingId });
    expect(joined).toMatchObject({ ok: true, mode: 'mesh' });
    const to = joined.selfPeerId;
    const signal = (tag: string) => ({
      meetingId,
      to,
      signal: { candidate: { candidate: `candidate:${tag} 1 udp 1 127.0.0.1 9 typ host`, sdpMid: '0' } },
    });
    const tagOf = (payload: { signal: unknown }): string =>
      (payload.signal as { candidate: { candidate: string } }).candidate.candidate
        .split(' ')[0]!
        .slice('candidate:'.length);
    // 1000 signals at once, three times the table's burst (300, then 50/s).
    const acks = await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) => caller.socket.timeout(20_000).emitWithAck('video-signal', signal(`f${i}`)) as Promise<Ack>,
      ),
    );
    const counts = codesOf(acks);
    expect(Object.keys(counts).sort()).toEqual(['ok', 'rate_limited']);
    expect(counts.ok).toBeGreaterThanOrEqual(100);
    expect(counts.ok).toBeLessThanOrEqual(500);
    expect(counts.rate_limited).toBeGreaterThanOrEqual(500);
    const waits = acks.flatMap((ack) => (ack.ok ? [] : [ack.error!.retryAfterMs ?? 0]));
    expect(Math.min(...waits)).toBeGreaterThan(0);
    console.log('video-signal flood', counts, 'longest retryAfterMs', Math.max(...waits));
    // The socket stays usable: once the wait has passed, a later signal is accepted and relayed,
    // after every accepted one of the flood (one instance, one Redis channel: in order).
    expect(caller.socket.connected).toBe(true);
    await sleep(Math.max(...waits) + 100);
    expect(await caller.ack('video-signal', signal('after'))).toMatchObject({ ok: true });
    await callee.waitFor('video-signal', (p) => tagOf(p) === 'after');
    const accepted = new Set(acks.flatMap((ack, i) => (ack.ok ? [`f${i}`] : [])));
    const relayed = callee.all('video-signal', (p) => p.meetingId === meetingId && tagOf(p) !== 'after');
    expect(relayed.length).toBe(accepted.size);
    expect(new Set(relayed.map(tagOf))).toEqual(accepted);
    expect(caller.socket.connected).toBe(true);
  });

  it('disconnects a socket that keeps flooding', async () => {
    const flooder = await connect(cluster.servers[0]!.url, alice);
    const disconnected = new Promise<string>((resolve) => flooder.socket.once('disconnect', resolve));
    for (let i = 0; i < 3000 && flooder.socket.connected; i++) flooder.socket.emit('ping', {}, () => undefined);
    expect(await disconnected).toBe('io server disconnect');
  });
});
