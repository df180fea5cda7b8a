import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/faults/privateRedis.js';
import { RedisRoomStore } from '../../src/meetings/RedisRoomStore.js';
import { RedisPipeStore } from '../../src/sfu/RedisPipeStore.js';
import { RedisSfuStore } from '../../src/sfu/RedisSfuStore.js';
import { RTP_CAPABILITIES, RTP_PARAMETERS, sfuUnderTest } from './support/sfuUnderTest.js';

/**
 * How many Redis commands one `sfu:consume` on a placed meeting issues (docs/sfu.md, "Redis per
 * request"), counted with MONITOR on a private redis-server, each named by the key it reads; the
 * figures are printed. The meeting's placement is kept in memory (MeetingPlacement), so none of
 * them reads `sfu:node:*` or `sfu:nodes:*`.
 */
describe('Redis commands of one sfu:consume', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let monitored: Redis;
  let monitor: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url);
    monitored = new Redis(server.url);
    monitor = await monitored.monitor();
  });
  afterAll(async () => {
    monitor.disconnect();
    monitored.disconnect();
    redis.disconnect();
    await server.stop();
  });

  it('reads no placement (sfu:node) once the meeting is placed', async () => {
    const prefix = 'count:';
    const { service: sfu, join } = sfuUnderTest({
      rooms: new RedisRoomStore(redis, prefix),
      store: new RedisSfuStore(redis, prefix),
      pipes: new RedisPipeStore(redis, prefix),
    });
    const meetingId = 'm1';
    await join(meetingId, 's1');
    await join(meetingId, 's2');
    const send = await sfu.createTransport('s1', { meetingId, direction: 'send' });
    const { producerId } = await sfu.produce('s1', {
      meetingId,
      transportId: send.transportId,
      kind: 'video',
      rtpParameters: RTP_PARAMETERS,
      appData: { source: 'camera' },
    });
    const recv = await sfu.createTransport('s2', { meetingId, direction: 'recv' });

    const seen: string[][] = [];
    const onCommand = (_time: string, args: string[]) => seen.push(args);
    monitor.on('monitor', onCommand);
    await redis.ping('before');
    await sfu.consume('s2', {
      meetingId,
      transportId: recv.transportId,
      producerId,
      rtpCapabilities: RTP_CAPABILITIES,
    });
    await redis.ping('after');
    await new Promise((resolve) => setTimeout(resolve, 100));
    monitor.off('monitor', onCommand);

    const from = seen.findIndex((a) => a[0]?.toLowerCase() === 'ping' && a[1] === 'before');
    const to = seen.findIndex((a) => a[0]?.toLowerCase() === 'ping' && a[1] === 'after');
    const commands = seen.slice(from + 1, to);
    const named = commands.map((args) => `${args[0]?.toLowerCase()} ${whatItReads(prefix, meetingId, args[1] ?? '')}`);
    const placement = named.filter((command) => command.endsWith('placement'));
    console.log(
      `sfu:consume on a placed meeting: ${commands.length} Redis commands ` +
        `(${commands.map((a) => a.join(' ')).join(' | ')}); placement reads: ${placement.length}`,
    );
    expect(placement).toEqual([]);
    // What one consume may read: the socket's membership (its room peer and the room's mode) and the producer.
    expect(named).toEqual(['hmget membership: room peers', 'hgetall membership: room meta', 'hget producer']);
  });
});

/** What a key of the SFU's and the rooms' Redis layout holds, for naming the commands of one request. */
function whatItReads(prefix: string, meetingId: string, key: string): string {
  const names: Record<string, string> = {
    [`${prefix}sfu:node:${meetingId}`]: 'placement',
    [`${prefix}sfu:nodes:${meetingId}`]: 'placement',
    [`${prefix}sfu:pipes:${meetingId}`]: 'pipes',
    [`${prefix}sfu:piped:${meetingId}`]: 'pipes',
    [`${prefix}sfu:producers:${meetingId}`]: 'producer',
    [`${prefix}room:${meetingId}:peers`]: 'membership: room peers',
    [`${prefix}room:${meetingId}`]: 'membership: room meta',
  };
  return names[key] ?? `unknown key ${key}`;
}
