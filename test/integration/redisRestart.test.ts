/**
 * Redis restarted empty in the middle of a meeting (no persistence, as the compose file and
 * this machine run it), with two instances on a Redis of this test's own: each instance writes
 * its part of the room state again, so the meeting keeps everyone, nobody is shown leaving, the
 * meeting never ends as empty, a newcomer sees everyone, presence is right and chat crosses
 * instances. The machine's shared Redis is never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../support/faults/privateRedis.js';
import { request } from './_http.js';
import {
  closeAllSockets,
  connectSocket,
  forMeeting,
  registerUser,
  sleep,
  startCluster,
  type Cluster,
  type TestUser,
} from './meetingsHarness.js';

let redis: PrivateRedis;
let cluster: Cluster;
let host: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  redis = await startPrivateRedis();
  cluster = await startCluster('redisrestart', [3146, 3147], {
    REDIS_URL: redis.url,
    MEETING_SWEEP_MS: '250',
    PRESENCE_TTL_MS: '1500',
    // Short enough that a room left empty by the restart would end within this test.
    EMPTY_MEETING_MS: '2000',
  });
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
    const contact = await request<any>(`${cluster.a.url}/api/contacts`, {
      token: host.token,
      json: { userId: bob.user.id },
    });
    expect(contact.status, contact.text).toBe(201);
    const conversationId = contact.body.contact.conversationId as string;

    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const started = await hostSocket.ack('start_meeting', {
      title: 'Through a restart',
      inviteeIds: [bob.user.id, carol.user.id],
    });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const meetingId = started.meeting.id as string;
    expect((await hostSocket.ack('join_meeting', { meetingId })).ok).toBe(true);
    expect((await bobSocket.ack('join_meeting', { meetingId })).ok).toBe(true);
    await hostSocket.waitFor('meeting_user_joined', forMeeting(meetingId));

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
    expect(info.participants.map((p: any) => p.user.id).sort()).toEqual([host.user.id, bob.user.id].sort());
    expect(info.meeting.hostId).toBe(host.user.id);

    // A newcomer on the host's instance sees both, and both see the newcomer.
    const carolSocket = await connectSocket(cluster.a.url, carol.token);
    const joined = await carolSocket.ack('join_meeting', { meetingId });
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
    expect(joined.participants.map((p: any) => p.user.id).sort()).toEqual([host.user.id, bob.user.id].sort());
    await bobSocket.waitFor('meeting_user_joined', (p) => p.meetingId === meetingId && p.user.id === carol.user.id);

    // Mesh signalling still reaches a peer on the other instance.
    const bobPeer = joined.participants.find((p: any) => p.user.id === bob.user.id).peerId;
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
        const contacts = await request<any>(`${cluster.b.url}/api/contacts`, { token: host.token });
        return contacts.body.contacts.find((c: any) => c.user.id === bob.user.id)?.online === true ? true : undefined;
      },
      5000,
    );

    // Long past EMPTY_MEETING_MS: nobody was shown leaving and the meeting did not end.
    await sleep(3000);
    for (const socket of [hostSocket, bobSocket]) {
      expect(socket.events.filter((e) => e.event === 'meeting_user_left' || e.event === 'meeting_ended')).toEqual([]);
    }
    const after = await hostSocket.ack('get_room_info', { meetingId });
    expect(after.ok).toBe(true);
    expect(after.meeting.status).toBe('active');
    expect(after.participants).toHaveLength(3);
  }, 60_000);
});
