import type { ChainableCommander, Redis } from 'ioredis';
import type { SnapshotSource } from '../store/RedisStateSnapshots.js';
import { pairKey, pipedKey, type PipePair, type PipeStore, type PipedProducer } from './PipeStore.js';

/** Keys expire a day after the last change, like the other SFU keys. */
const TTL_S = 86_400;

/** A meeting's pipe records as read for PipeStateRestorer (written back after a Redis restart). */
export interface PipeSnapshot {
  nodes: string[];
  /** pairKey → JSON PipePair. */
  pairs: Record<string, string>;
  /** pipedKey → JSON PipedProducer. */
  piped: Record<string, string>;
}

/**
 * PipeStore in Redis: `<prefix>sfu:nodes:<meetingId>` (set of node ids),
 * `<prefix>sfu:pipes:<meetingId>` (hash "nodeA|nodeB" → JSON {nodeId: transportId}),
 * `<prefix>sfu:piped:<meetingId>` (hash "producerId>toNode" → JSON PipedProducer).
 */
export class RedisPipeStore implements PipeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(kind: 'nodes' | 'pipes' | 'piped', meetingId: string): string {
    return `${this.prefix}sfu:${kind}:${meetingId}`;
  }

  async addNode(meetingId: string, nodeId: string): Promise<void> {
    const key = this.key('nodes', meetingId);
    await this.redis.multi().sadd(key, nodeId).expire(key, TTL_S).exec();
  }

  async nodes(meetingId: string): Promise<string[]> {
    return this.redis.smembers(this.key('nodes', meetingId));
  }

  async getPair(meetingId: string, a: string, b: string): Promise<PipePair | null> {
    const json = await this.redis.hget(this.key('pipes', meetingId), pairKey(a, b));
    return json ? (JSON.parse(json) as PipePair) : null;
  }

  async putPair(meetingId: string, a: string, b: string, pair: PipePair): Promise<void> {
    const key = this.key('pipes', meetingId);
    await this.redis.multi().hset(key, pairKey(a, b), JSON.stringify(pair)).expire(key, TTL_S).exec();
  }

  async getPiped(meetingId: string, producerId: string, to: string): Promise<PipedProducer | null> {
    const json = await this.redis.hget(this.key('piped', meetingId), pipedKey(producerId, to));
    return json ? (JSON.parse(json) as PipedProducer) : null;
  }

  async putPiped(meetingId: string, piped: PipedProducer): Promise<void> {
    const key = this.key('piped', meetingId);
    await this.redis
      .multi()
      .hset(key, pipedKey(piped.producerId, piped.to), JSON.stringify(piped))
      .expire(key, TTL_S)
      .exec();
  }

  async takePiped(meetingId: string, producerId: string, to?: string): Promise<PipedProducer[]> {
    const key = this.key('piped', meetingId);
    const mine = (await this.listPiped(meetingId)).filter(
      (p) => p.producerId === producerId && (to === undefined || p.to === to),
    );
    const taken: PipedProducer[] = [];
    for (const p of mine) {
      // HDEL answers 1 to one caller only: that instance closes the copy.
      if ((await this.redis.hdel(key, pipedKey(p.producerId, p.to))) === 1) taken.push(p);
    }
    return taken;
  }

  async listPiped(meetingId: string): Promise<PipedProducer[]> {
    const values = await this.redis.hvals(this.key('piped', meetingId));
    return values.map((json) => JSON.parse(json) as PipedProducer);
  }

  async forgetNode(meetingId: string, nodeId: string): Promise<{ pairs: PipePair[]; piped: PipedProducer[] }> {
    await this.redis.srem(this.key('nodes', meetingId), nodeId);
    const pairsKey = this.key('pipes', meetingId);
    const pairs: PipePair[] = [];
    for (const [field, json] of Object.entries(await this.redis.hgetall(pairsKey))) {
      const pair = JSON.parse(json) as PipePair;
      if (nodeId in pair && (await this.redis.hdel(pairsKey, field)) === 1) pairs.push(pair);
    }
    const pipedKeyName = this.key('piped', meetingId);
    const piped: PipedProducer[] = [];
    for (const p of await this.listPiped(meetingId)) {
      if (
        (p.from === nodeId || p.to === nodeId) &&
        (await this.redis.hdel(pipedKeyName, pipedKey(p.producerId, p.to))) === 1
      )
        piped.push(p);
    }
    return { pairs, piped };
  }

  /** Reads and writes back a meeting's pipe records (PipeStateRestorer). */
  snapshotSource(): SnapshotSource<PipeSnapshot> {
    return {
      queueRead: (batch: ChainableCommander, meetingId: string) => {
        batch
          .smembers(this.key('nodes', meetingId))
          .hgetall(this.key('pipes', meetingId))
          .hgetall(this.key('piped', meetingId));
        return 3;
      },
      parse: (replies) => {
        const [nodes, pairs, piped] = replies as [string[], Record<string, string>, Record<string, string>];
        const empty = nodes.length === 0 && Object.keys(pairs).length === 0 && Object.keys(piped).length === 0;
        return empty ? undefined : { nodes, pairs, piped };
      },
      write: async (meetingId, snapshot) => {
        // Nothing present is overwritten: a record made since Redis came back wins.
        const batch = this.redis.multi();
        const nodes = this.key('nodes', meetingId);
        const pipes = this.key('pipes', meetingId);
        const piped = this.key('piped', meetingId);
        if (snapshot.nodes.length > 0) batch.sadd(nodes, ...snapshot.nodes);
        for (const [field, json] of Object.entries(snapshot.pairs)) batch.hsetnx(pipes, field, json);
        for (const [field, json] of Object.entries(snapshot.piped)) batch.hsetnx(piped, field, json);
        for (const key of [nodes, pipes, piped]) batch.expire(key, TTL_S);
        await batch.exec();
        return Object.keys(snapshot.pairs).length + Object.keys(snapshot.piped).length;
      },
    };
  }

  async clear(meetingId: string): Promise<boolean> {
    const removed = await this.redis.del(
      this.key('nodes', meetingId),
      this.key('pipes', meetingId),
      this.key('piped', meetingId),
    );
    return removed > 0;
  }
}
