/**
 * Redis restarted empty in the middle of a meeting (no persistence, as the compose file and
 * this machine run it), with two instances on a Redis of this test's own: each instance writes
 * its part of the room state again, so the meeting keeps everyone, nobody is shown leaving, the
 * meeting never ends as empty, a newcomer sees everyone, presence is right and chat crosses
 * instances. The machine's shared Redis is never touched.
 */
import { RtpCapabilitiesSchema, SfuEvents, type Contact } from '@parley/protocol';
import { waitForMediaNode } from '../support/serverProcess.js';
import { OPUS } from '../support/rtp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMediaWorkers, startMediaNodeProcess, type MediaNodeProcess } from '../support/mediaNodeProcess.js';
import { startPrivateRedis, type PrivateRedis } from '../support/faults/privateRedis.js';
import { request } from './_http.js';
import { forMeeting, registerUser, sleep, startCluster, type Cluster, type TestUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, assertOk, expectOk as ok } from './testSocket.js';

let node: MediaNodeProcess;

let redis: PrivateRedis;
let cluster: Cluster;
let host: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  redis = await startPrivateRedis();
  buildMediaWorkers();
  node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RPC_PORT: '3148',
    MEDIA_RTC_PORT: '44600',
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_NODE_ID: `redisrestart-${Date.now()}`,
  });
  cluster = await startCluster('redisrestart', [3146, 3147], {
    REDIS_URL: redis.url,
    MEDIA_NODE_URLS: node.url,
    MESH_MAX_PARTICIPANTS: '3',
    MESH_RETURN_AT: '1',
    MEETING_SWEEP_MS: '250',
    PRESENCE_TTL_MS: '1500',
    // Short enough that a room left empty by the restart would end within this test.
    EMPTY_MEETING_MS: '2000',
  });
  for (const url of [cluster.a.url, cluster.b.url]) await waitForMediaNode(url);
  [host, bob, carol] = await Promise.all([
    registerUser(cluster.a.url, 'host'),
    registerUser(cluster.b.url, 'bob'),
    registerUser(cluster.a.url, 'carol'),
  ]);
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
  await redis?.stop();
  await node?.stop();
});

/** Polls until `check` returns a value, or fails with the last value seen. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms (last: ${String(last)})`);
    await sleep(100);
  }
}

describe('Redis restarted empty during a meeting on two instances', () => {
  it('keeps every participant, ends nothing, and lets a newcomer see everyone; chat and presence work', async () => {
    const contact = await request<{ contact: Contact }>(`${cluster.a.url}/api/contacts`, {
      token: host.token,
      json: { userId: bob.user.id },
    });
    expect(contact.status, contact.text).toBe(201);
    const conversationId = contact.body.contact.conversationId;

    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const started = await hostSocket.ack('start_meeting', {
      title: 'Through a restart',
      inviteeIds: [bob.user.id, carol.user.id],
    });
    const meetingId = assertOk(started, 'start_meeting').meeting.id;
    expect((await hostSocket.ack('join_meeting', { meetingId })).ok).toBe(true);
    expect((await bobSocket.ack('join_meeting', { meetingId })).ok).toBe(true);
    await hostSocket.waitFor('meeting_user_joined', forMeeting(meetingId));

    // Room features before the restart: Bob's hand up, the meeting locked, Carol held in its lobby.
    expect(await ok(bobSocket, 'raise_hand', { meetingId, raised: true })).toEqual({ ok: true, order: 1 });
    await ok(hostSocket, 'set_meeting_lock', { meetingId, locked: true });
    const carolSocket = await connectSocket(cluster.a.url, carol.token);
    const carolJoin = carolSocket.ack('join_meeting', { meetingId }, 30_000);
    const lobbyRequest = await hostSocket.waitFor('lobby_request', (p) => p.user?.id === carol.user.id);
    // Each instance reads the features of its meetings every MEETING_SWEEP_MS (250): let one read pass.
    await sleep(600);

    const restartedAt = Date.now();
    await redis.restart();

    // Room info (asked on the other instance than the host's) lists both again.
    const info = await eventually(
      'room info listing both participants',
      async () => {
        const ack = await bobSocket.ack('get_room_info', { meetingId }, 2000);
        return ack.ok && ack.participants.length === 2 ? ack : undefined;
      },
      5000,
    );
    console.log(`[redisRestart] room state consistent ${Date.now() - restartedAt} ms after the restart began`);
    expect(info.participants.map((p) => p.user.id).sort()).toEqual([host.user.id, bob.user.id].sort());
    expect(info.meeting.hostId).toBe(host.user.id);
    // Broadcasts between instances may have been lost meanwhile: both clients are told to catch up, once.
    for (const socket of [hostSocket, bobSocket]) {
      expect(await socket.waitFor('resync', () => true, 5000)).toEqual({ reason: 'delivery_gap' });
    }

    // The lobby request outlived the restart, and the host is still host: admitted, Carol's held
    // join goes through, into a room still locked with Bob's hand up.
    await eventually(
      'the host admitting Carol from the restored lobby',
      async () => {
        const ack = await hostSocket.ack('admit', { meetingId, requestId: lobbyRequest.requestId, allow: true }, 2000);
        if (!ack.ok) throw new Error(JSON.stringify(ack));
        return ack;
      },
      5000,
    );
    // A newcomer on the host's instance sees both, and both see the newcomer.
    const joined = assertOk(await carolJoin, 'join_meeting');
    expect(joined.room).toMatchObject({ locked: true, hands: [{ userId: bob.user.id, order: 1 }] });
    expect(joined.participants.map((p) => p.user.id).sort()).toEqual([host.user.id, bob.user.id].sort());
    await bobSocket.waitFor('meeting_user_joined', (p) => p.meetingId === meetingId && p.user.id === carol.user.id);

    // Mesh signalling still reaches a peer on the other instance.
    const bobPeer = joined.participants.find((p) => p.user.id === bob.user.id)!.peerId;
    const signalled = await carolSocket.ack('video-signal', {
      meetingId,
      to: bobPeer,
      signal: { description: { type: 'rollback' } },
    });
    expect(signalled.ok, JSON.stringify(signalled)).toBe(true);

    // Chat crosses instances.
    const sent = await hostSocket.ack('message', { conversationId, clientId: 'after-restart', text: 'still here' });
    expect(sent.ok, JSON.stringify(sent)).toBe(true);
    await bobSocket.waitFor('message', (p) => p.message.clientId === 'after-restart');

    // Presence: each sees the other online again.
    await eventually(
      'bob online for the host',
      async () => {
        const contacts = await request<{ contacts: Contact[] }>(`${cluster.b.url}/api/contacts`, { token: host.token });
        return contacts.body.contacts.find((c) => c.user.id === bob.user.id)?.online === true ? true : undefined;
      },
      5000,
    );

    // Long past EMPTY_MEETING_MS: nobody was shown leaving and the meeting did not end.
    await sleep(3000);
    for (const socket of [hostSocket, bobSocket]) {
      expect(socket.events.filter((e) => e.event === 'resync')).toHaveLength(1);
      expect(socket.events.filter((e) => e.event === 'meeting_user_left' || e.event === 'meeting_ended')).toEqual([]);
    }
    const after = assertOk(await hostSocket.ack('get_room_info', { meetingId }), 'get_room_info');
    expect(after.meeting.status).toBe('active');
    expect(after.participants).toHaveLength(3);
  }, 60_000);

  it('keeps an SFU meeting across instances: a newcomer consumes every producer made before the restart', async () => {
    const users = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => registerUser(i % 2 ? cluster.b.url : cluster.a.url, `sfu${i}`)),
    );
    const sockets = await Promise.all(
      users.map((u, i) => connectSocket(i % 2 ? cluster.b.url : cluster.a.url, u.token)),
    );
    const [first, ...others] = sockets as [TestSocket, ...TestSocket[]];
    const started = await ok(first, 'start_meeting', { inviteeIds: users.slice(1).map((u) => u.user.id) });
    const meetingId = started.meeting.id;
    const members = sockets.slice(0, 4);
    for (const socket of members) await ok(socket, 'join_meeting', { meetingId });
    await first.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'sfu');
    const producerIds: string[] = [];
    for (const [i, socket] of members.entries()) {
      await ok(socket, SfuEvents.getCapabilities, { meetingId });
      const send = await ok(socket, SfuEvents.createTransport, { meetingId, direction: 'send' });
      const produced = await ok(socket, SfuEvents.produce, {
        meetingId,
        transportId: send.transportId,
        kind: 'audio',
        rtpParameters: { codecs: [OPUS], encodings: [{ ssrc: 111_000 + i }] },
        appData: { source: 'mic' },
      });
      producerIds.push(produced.producerId);
    }

    await redis.restart();
    await eventually(
      'room info listing four participants in SFU mode',
      async () => {
        const ack = await others[0]!.ack('get_room_info', { meetingId }, 2000);
        return ack.ok && ack.participants.length === 4 && ack.mode === 'sfu' ? ack : undefined;
      },
      5000,
    );

    // The newcomer (on instance B) joins straight into SFU and consumes all four producers.
    const newcomer = sockets[4]!;
    const joined = await ok(newcomer, 'join_meeting', { meetingId });
    expect(joined.mode).toBe('sfu');
    expect(joined.participants).toHaveLength(4);
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(newcomer, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    const listed = await ok(newcomer, SfuEvents.getProducers, { meetingId });
    expect(listed.producers.map((p) => p.producerId).sort()).toEqual([...producerIds].sort());
    const recv = await ok(newcomer, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    for (const producerId of producerIds) {
      const consumed = await ok(newcomer, SfuEvents.consume, {
        meetingId,
        transportId: recv.transportId,
        producerId,
        rtpCapabilities,
      });
      expect(consumed).toMatchObject({ producerId, kind: 'audio' });
    }
    // Every transport stayed on the one node, and nobody was reset or shown leaving.
    for (const socket of members) {
      expect(
        socket.events.filter((e) => ['meeting_user_left', 'meeting_ended', 'sfu:transports_reset'].includes(e.event)),
      ).toEqual([]);
    }
  }, 60_000);
});
