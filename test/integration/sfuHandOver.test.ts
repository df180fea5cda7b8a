/**
 * A rolling deploy of signalling in an SFU meeting of RTP bots (docs/operations.md): of three
 * bots, one is on instance A and two on B, which gets SIGTERM. B leaves their SFU objects on the
 * media node. One of B's bots resumes its peer on A (a socket with its account, `resumePeerId`):
 * A adopts its objects (`sfu.adopted`, no new transports), its producer ids stay, the bot on A
 * keeps getting its RTP and it keeps getting the others'. Nobody resumes the other bot of B:
 * once it is removed, its transports on the media node are closed (none leaks). Another user
 * cannot adopt a peer that is not its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotShared, usernameFor, type BotShared } from '../../loadtest/src/bots/index.js';
import type { BotClient } from '../../loadtest/src/bots/BotClient.js';
import {
  everyoneSeesEveryone,
  nodeTransports,
  startBotMeeting,
  until,
  type BotMeeting,
} from '../support/botMeeting.js';
import {
  TEST_MEDIA_SECRET,
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  type MediaNodeProcess,
} from '../support/mediaNodeProcess.js';
import { freePort } from '../support/serverProcess.js';
import { startCluster, type Cluster } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, expectOk as ok } from './testSocket.js';

const RESUME_MS = 3000;
let node: MediaNodeProcess;
let cluster: Cluster;
let shared: BotShared;
let meeting: BotMeeting | undefined;

beforeAll(async () => {
  buildMediaWorkers();
  const [rpcPort, rtcPort, portA, portB] = await Promise.all([0, 1, 2, 3].map(() => freePort()));
  node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RPC_PORT: String(rpcPort),
    MEDIA_RTC_PORT: String(rtcPort),
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_NODE_ID: `sfuhandover-${Date.now()}`,
  });
  cluster = await startCluster('sfuhandover', [portA!, portB!], {
    MEDIA_NODE_URLS: node.url,
    SFU_PLAIN_RTP: 'true',
    MESH_MAX_PARTICIPANTS: '2',
    MESH_RETURN_AT: '0',
    MEETING_SWEEP_MS: '200',
    MEETING_INSTANCE_TTL_MS: '1500',
    MEETING_RESUME_MS: String(RESUME_MS),
  });
  shared = createBotShared({ bindIp: '127.0.0.1', firstFrameWaitMs: 15_000 });
}, 180_000);

afterAll(async () => {
  closeAllSockets();
  await meeting?.close();
  shared?.close();
  await cluster?.stop();
  await stopAllMediaNodes();
});

/** A bot's account: its user id and a new session token (logged in over HTTP). */
async function loginAs(bot: BotClient): Promise<{ userId: string; token: string }> {
  const res = await fetch(`${cluster.a.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: usernameFor(bot.spec.email), password: bot.spec.password }),
  });
  const body = (await res.json()) as { user: { id: string }; token: string };
  expect(res.status).toBe(200);
  return { userId: body.user.id, token: body.token };
}

describe('SFU objects through a rolling deploy of signalling', () => {
  it('are adopted by the instance a peer resumes on, and closed when nobody resumes', async () => {
    meeting = await startBotMeeting(cluster.a.url, 3, shared, {
      botUrls: [cluster.a.url, cluster.b.url, cluster.b.url],
      spare: 1,
      joinStaggerMs: 800,
    });
    const m = meeting;
    const [stayed, moved, abandoned] = m.bots as [BotClient, BotClient, BotClient];
    expect(await until(() => everyoneSeesEveryone(m.bots, 2, 10), 30_000), 'frames before the deploy').toBe(true);
    const [movedUser, abandonedUser, intruderUser] = await Promise.all([moved, abandoned, m.spares[0]!].map(loginAs));
    const observer = m.host;
    const producersOf = async () =>
      (
        (await observer.timeout(5000).emitWithAck('sfu:get_producers', { meetingId: m.meetingId })) as {
          producers: Array<{ producerId: string; peerId: string; userId: string }>;
        }
      ).producers;
    const before = await producersOf();
    const movedPeer = before.find((p) => p.userId === movedUser!.userId)!.peerId;
    const abandonedPeer = before.find((p) => p.userId === abandonedUser!.userId)!.peerId;
    const movedProducers = before.filter((p) => p.peerId === movedPeer).map((p) => p.producerId);
    expect(movedProducers.length).toBeGreaterThan(0);
    const transportsBefore = await nodeTransports(node.url, TEST_MEDIA_SECRET);

    for (const bot of m.bots) bot.resetFrameGaps();
    const stoppedAt = Date.now();
    expect(await cluster.b.stop()).toBe(0);
    // Nothing was closed on the node by the stop.
    expect(await nodeTransports(node.url, TEST_MEDIA_SECRET)).toBe(transportsBefore);

    // The moved bot's client resumes its peer on A.
    const resumed = await connectSocket(cluster.a.url, movedUser!.token);
    const ack = await ok(resumed, 'join_meeting', {
      meetingId: m.meetingId,
      resumePeerId: movedPeer,
      sfuTransports: true,
    });
    expect(ack.selfPeerId).toBe(movedPeer);
    expect(ack.sfu?.adopted).toBe(true);
    expect(ack.sfu?.transports).toBeUndefined();
    console.log(`[sfuHandOver] resumed and adopted ${Date.now() - stoppedAt} ms after SIGTERM`);
    const after = await producersOf();
    expect(
      after
        .filter((p) => p.peerId === movedPeer)
        .map((p) => p.producerId)
        .sort(),
    ).toEqual([...movedProducers].sort());
    // The adopted producers are this socket's now.
    await ok(resumed, 'sfu:pause_producer', { meetingId: m.meetingId, producerId: movedProducers[0]! });
    await ok(resumed, 'sfu:resume_producer', { meetingId: m.meetingId, producerId: movedProducers[0]! });

    // RTP goes on both ways between the moved bot and the one that stayed, through the deploy.
    const frames = (bot: BotClient, from: string) => bot.frameGaps().get(from)?.frames ?? 0;
    const stayedPeer = before.find((p) => p.userId !== movedUser!.userId && p.userId !== abandonedUser!.userId)!.peerId;
    const atAdoption = [frames(stayed, movedPeer), frames(moved, stayedPeer)] as const;
    expect(
      await until(
        () => frames(stayed, movedPeer) >= atAdoption[0] + 15 && frames(moved, stayedPeer) >= atAdoption[1] + 15,
        10_000,
      ),
      `frames after the adoption: ${JSON.stringify([...stayed.frameGaps()])} / ${JSON.stringify([...moved.frameGaps()])}`,
    ).toBe(true);
    console.log(
      `[sfuHandOver] longest video gap from SIGTERM to now: stayed ← moved ${Math.round(stayed.frameGaps().get(movedPeer)?.longestGapMs ?? -1)} ms, ` +
        `moved ← stayed ${Math.round(moved.frameGaps().get(stayedPeer)?.longestGapMs ?? -1)} ms (15 fps: ~67 ms between frames)`,
    );

    // Somebody else cannot take the abandoned peer (or its objects) over.
    const intruder = await connectSocket(cluster.a.url, intruderUser!.token);
    const intruded = await ok(intruder, 'join_meeting', { meetingId: m.meetingId, resumePeerId: abandonedPeer });
    expect(intruded.selfPeerId).not.toBe(abandonedPeer);
    expect(intruded.sfu?.adopted).toBeUndefined();
    await ok(intruder, 'leave_meeting', { meetingId: m.meetingId });

    // Nobody resumes the abandoned bot: once removed, its transports (send and recv) are closed.
    const abandonedTransports = 2;
    const closed = await until(
      async () => (await nodeTransports(node.url, TEST_MEDIA_SECRET)) === transportsBefore - abandonedTransports,
      RESUME_MS + 10_000,
    );
    expect(closed, `transports on the node: ${await nodeTransports(node.url, TEST_MEDIA_SECRET)}`).toBe(true);
    expect((await producersOf()).some((p) => p.peerId === abandonedPeer)).toBe(false);
    expect((await producersOf()).filter((p) => p.peerId === movedPeer)).toHaveLength(movedProducers.length);
    // Nobody was reset, and only the abandoned peer was shown leaving.
    const left = m.hostEvents
      .filter((e) => e.event === 'meeting_user_left')
      .map((e) => (e.payload as { peerId: string }).peerId);
    expect(left).not.toContain(movedPeer);
    expect(left).toContain(abandonedPeer);
    expect(m.hostEvents.filter((e) => e.event === 'sfu:transports_reset')).toEqual([]);
    expect(resumed.events.filter((e) => e.event === 'sfu:transports_reset')).toEqual([]);
  }, 150_000);
});
