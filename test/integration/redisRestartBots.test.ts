/**
 * Redis restarted empty under an SFU meeting of six RTP bots spread over two signalling instances
 * and two media nodes (SFU_NODE_CONSUMER_BUDGET low, so some receivers are on the second node and
 * every producer is piped there). Each instance writes its part again: room peers, SFU producers,
 * and the pipe records. Room info lists every bot within 5 s, a newcomer (placed on the second
 * node) consumes every producer made before the restart and gets RTP from each, and nobody is
 * shown leaving. The machine's shared Redis is never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotShared, type BotShared } from '../../loadtest/src/bots/index.js';
import {
  everyoneSeesEveryone,
  nodeTransports,
  startBotMeeting,
  until,
  type BotMeeting,
} from '../support/botMeeting.js';
import { startPrivateRedis, type PrivateRedis } from '../support/faults/privateRedis.js';
import {
  TEST_MEDIA_SECRET,
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  type MediaNodeProcess,
} from '../support/mediaNodeProcess.js';
import { freePort } from '../support/serverProcess.js';
import { startCluster, type Cluster } from './meetingsHarness.js';

const BOTS = 6;
let redis: PrivateRedis;
let nodes: MediaNodeProcess[] = [];
let cluster: Cluster;
let shared: BotShared;
let meeting: BotMeeting | undefined;

beforeAll(async () => {
  redis = await startPrivateRedis();
  buildMediaWorkers();
  const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  nodes = await Promise.all(
    [0, 1].map((i) =>
      startMediaNodeProcess({
        MEDIA_WORKERS: '1',
        MEDIA_RPC_PORT: String(ports[i]),
        MEDIA_RTC_PORT: String(ports[2 + i]),
        MEDIA_LISTEN_IP: '127.0.0.1',
        MEDIA_NODE_ID: `redisbots-${i}-${Date.now()}`,
      }),
    ),
  );
  cluster = await startCluster('redisbots', [ports[4]!, ports[5]!], {
    REDIS_URL: redis.url,
    MEDIA_NODE_URLS: nodes.map((n) => n.url).join(','),
    SFU_PLAIN_RTP: 'true',
    // A receiver's transport goes to the other node once the first holds this many consumers
    // (each bot consumes the others' VP8 and opus): the last bots, and the newcomer, land there.
    SFU_NODE_CONSUMER_BUDGET: '24',
    MESH_MAX_PARTICIPANTS: '2',
    MESH_RETURN_AT: '0',
    MEETING_SWEEP_MS: '250',
    EMPTY_MEETING_MS: '2000',
  });
  for (const url of [cluster.a.url, cluster.b.url]) {
    const both = await until(async () => {
      const health = (await (await fetch(`${url}/health`)).json()) as {
        media?: { load?: Array<{ workers?: number }> };
      };
      return (health.media?.load ?? []).filter((n) => (n.workers ?? 0) > 0).length === 2;
    }, 20_000);
    expect(both, `${url} sees both media nodes`).toBe(true);
  }
  shared = createBotShared({ bindIp: '127.0.0.1', firstFrameWaitMs: 15_000 });
}, 180_000);

afterAll(async () => {
  await meeting?.close();
  shared?.close();
  await cluster?.stop();
  await redis?.stop();
  await stopAllMediaNodes();
});

describe('Redis restarted empty under a 6-bot SFU meeting on two instances and two media nodes', () => {
  it('lists every bot within 5 s; a newcomer on the second node consumes every producer and gets RTP', async () => {
    meeting = await startBotMeeting(cluster.a.url, BOTS, shared, {
      botUrls: [cluster.a.url, cluster.b.url],
      spare: 1,
      // Each bot joins once the earlier ones consume each other, so the first node's load is
      // known when its recv transport is placed: bots 0-3 (or 0-4) there, the rest on the second.
      joinStaggerMs: 1500,
    });
    const m = meeting;
    expect(await until(() => everyoneSeesEveryone(m.bots, BOTS - 1, 10), 30_000), 'frames before the restart').toBe(
      true,
    );
    const loads = await Promise.all(nodes.map((n) => nodeTransports(n.url, TEST_MEDIA_SECRET)));
    expect(
      loads.every((n) => n > 0),
      `client transports per node: ${loads.join(', ')}`,
    ).toBe(true);

    // Let each instance read its pipe and feature records once after the last change (MEETING_SWEEP_MS).
    await new Promise((r) => setTimeout(r, 600));
    const restartedAt = Date.now();
    await redis.restart();
    const listed = await until(async () => {
      const ack = (await m.host
        .timeout(2000)
        .emitWithAck('get_room_info', { meetingId: m.meetingId })
        .catch(() => null)) as { ok?: boolean; participants?: unknown[]; mode?: string } | null;
      return ack?.ok === true && ack.participants?.length === BOTS + 1 && ack.mode === 'sfu';
    }, 5_000);
    expect(listed, 'room info lists the host and every bot within 5 s').toBe(true);
    console.log(
      `[redisRestartBots] room info lists all ${BOTS} bots ${Date.now() - restartedAt} ms after the restart began`,
    );

    // The newcomer joins on instance B; the first node is over its budget, so it receives on the
    // second node, where every producer was piped before the restart.
    const newcomer = m.spares[0]!;
    const before = await Promise.all(nodes.map((n) => nodeTransports(n.url, TEST_MEDIA_SECRET)));
    const joined = await newcomer.join();
    expect(joined, JSON.stringify(joined)).toMatchObject({ ok: true, mode: 'sfu' });
    const after = await Promise.all(nodes.map((n) => nodeTransports(n.url, TEST_MEDIA_SECRET)));
    // Its send transport is on the meeting's node, its recv transport on the other one.
    expect(
      after.every((n, i) => n > before[i]!),
      `client transports per node before ${before.join(', ')}, after ${after.join(', ')}`,
    ).toBe(true);
    expect(
      await until(() => everyoneSeesEveryone([newcomer], BOTS, 10), 15_000),
      `the newcomer gets RTP from every bot (frames per sender: ${JSON.stringify([...newcomer.frameGaps()])})`,
    ).toBe(true);
    // The others go on, too.
    for (const b of m.bots) b.resetFrameGaps();
    expect(await until(() => everyoneSeesEveryone(m.bots, BOTS, 10), 15_000), 'frames after the restart').toBe(true);

    // Nobody was shown leaving, nothing ended, nobody was reset.
    const bad = m.hostEvents.filter((e) =>
      ['meeting_user_left', 'meeting_ended', 'sfu:transports_reset'].includes(e.event),
    );
    expect(bad).toEqual([]);
  }, 150_000);
});
