/**
 * Events the contract does not name (`clientEventNames` of `@parley/protocol`): sent with an ack
 * they are answered `bad_request` exactly once (docs/protocol.md: every ack is answered exactly once),
 * after the per-event limits like any other event; without an ack nothing is answered. Every
 * event the contract names is answered by its own handler, once.
 */
import { clientEventNames, DEFAULT_EVENT_RATE } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/serverProcess.js';
import { registerUser, startCluster, type Cluster } from './chatSupport.js';
import { TestSocket, connectSocket } from './testSocket.js';

/** What an ack holds, as far as these tests read it. */
interface Ack {
  ok: boolean;
  error?: { code: string; message: string; retryAfterMs?: number };
}

describe('events the contract does not name', () => {
  let cluster: Cluster;
  let client: TestSocket;
  /** socket.io ACK packets (`3<id>[…]`) that reached the client, by ack id. */
  const acks = new Map<number, number>();

  beforeAll(async () => {
    cluster = await startCluster('unknown_events', [await freePort()]);
    const url = cluster.servers[0]!.url;
    const alice = await registerUser(url, 'alice');
    client = await connectSocket(url, alice.token);
    client.socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type !== 'message' || typeof packet.data !== 'string') return;
      const ack = /^3(\d+)\[/.exec(packet.data);
      if (ack) acks.set(Number(ack[1]), (acks.get(Number(ack[1])) ?? 0) + 1);
    });
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await cluster?.close();
  });

  /** Every ack packet received so far answered its request once. */
  const expectEachAckOnce = async () => {
    // A ping answered after everything sent before it: any second answer would have been sent by now.
    await client.ackRaw<Ack>('ping', {});
    expect([...acks.values()].filter((count) => count !== 1)).toEqual([]);
  };

  it('answers an unknown event sent with an ack bad_request, once', async () => {
    const before = acks.size;
    const answer = await client.ackRaw<Ack>('no_such_event', { meetingId: 'x' });
    expect(answer).toEqual({ ok: false, error: { code: 'bad_request', message: 'unknown event "no_such_event"' } });
    const noPayload = await client.ackRaw<Ack>('sfu:no_such_request');
    expect(noPayload.ok).toBe(false);
    expect(noPayload.error?.code).toBe('bad_request');
    await expectEachAckOnce();
    expect(acks.size).toBe(before + 3);
  });

  it('quotes at most 64 characters of a long unknown name', async () => {
    const answer = await client.ackRaw<Ack>('x'.repeat(10_000), {});
    expect(answer.error?.code).toBe('bad_request');
    expect(answer.error?.message).toBe(`unknown event "${'x'.repeat(64)}"`);
  });

  it('answers nothing to an unknown event sent without an ack, and the socket stays usable', async () => {
    const before = acks.size;
    client.socket.emit('no_such_event', { a: 1 });
    client.socket.emit('another_unknown_event');
    const ping = await client.ackRaw<Ack>('ping', {});
    expect(ping.ok).toBe(true);
    expect(acks.size).toBe(before + 1);
    expect(client.socket.connected).toBe(true);
  });

  it('answers every event the contract names through its own handler, once', async () => {
    for (const event of clientEventNames) {
      const answer = await client.ackRaw<Ack>(event, { __probe: true });
      expect(typeof answer.ok, event).toBe('boolean');
      if (!answer.ok) expect(answer.error?.message, event).not.toMatch(/^unknown event/);
    }
    await expectEachAckOnce();
  }, 60_000);

  it('limits unknown events like any other, all names in one bucket', async () => {
    // More than the steady rate plus the burst of DEFAULT_EVENT_RATE, each under a new name.
    const count = 3 * (DEFAULT_EVENT_RATE.burst + DEFAULT_EVENT_RATE.perSecond);
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => client.ackRaw<Ack>(`flood_${i}`, {})));
    const codes = new Set(answers.map((answer) => answer.error?.code));
    expect(codes).toEqual(new Set(['bad_request', 'rate_limited']));
    const limited = answers.find((answer) => answer.error?.code === 'rate_limited');
    expect(limited?.error?.retryAfterMs).toBeGreaterThan(0);
    await expectEachAckOnce();
    expect(client.socket.connected).toBe(true);
  });
});
