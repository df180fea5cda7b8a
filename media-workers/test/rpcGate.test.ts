import { setImmediate as nextTurn } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeetingRouters } from '../src/MeetingRouters.js';
import { dispatchRpc, type RpcHandlers } from '../src/rpc/dispatch.js';
import { createRpcGate, type RpcGate } from '../src/rpc/rpcGate.js';
import { createSfuHandlers } from '../src/rpc/sfuRpcHandlers.js';
import { WorkerPool } from '../src/WorkerPool.js';

const RTC_PORT = 41300;
const BURST = 400;
const LIMIT = 16;
const logger = pino({ level: 'silent' });
const meetingId = 'gate-meeting';

/**
 * A burst of RPCs (a join storm: every one a worker request) and then a load sample. What the
 * media node's stall came from: the worker answers in request order, so a sample sent behind
 * hundreds of requests waits for all of them (and, on a worker short of CPU, for their answers
 * to trickle out of its channel queue). The gate keeps at most LIMIT of them at the worker.
 */
describe('rpcGate: a burst of RPCs does not hold up the load sample', () => {
  let pool: WorkerPool;
  let routers: MeetingRouters;
  let handlers: RpcHandlers;
  let producerId: string;

  beforeAll(async () => {
    pool = new WorkerPool({ workers: 1, listenIp: '127.0.0.1', rtcPort: RTC_PORT, logger });
    await pool.start();
    routers = new MeetingRouters(pool, logger, 0, 0);
    const room = await routers.ensureRouter(meetingId);
    const transport = await room.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } });
    room.addTransport(transport, room.primaryWorker);
    const producer = await transport.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 1111 }],
      },
    });
    room.addProducer(producer, room.primaryWorker);
    producerId = producer.id;
    handlers = createSfuHandlers(routers) as RpcHandlers;
  });
  afterAll(async () => {
    routers?.closeAll();
    await pool?.close();
  });

  /** RPCs of the burst answered when the sample's answer has been handled (its whole turn). */
  async function answeredBeforeSample(gate: RpcGate | null): Promise<number> {
    let answered = 0;
    const burst = Array.from({ length: BURST }, (_, i) => {
      const payload = { method: i % 2 ? 'resumeProducer' : 'pauseProducer', params: { meetingId, producerId } };
      const run = () => dispatchRpc(handlers, payload, logger);
      return (gate ? gate.run(payload, run) : run()).then((ack) => {
        expect(ack).toEqual({ ok: true, result: {} });
        answered++;
      });
    });
    await nextTurn(); // the burst is under way (the gate starts its first batch a tick later)
    const tracker = pool.get(0)!.load;
    expect(await tracker.sample()).toBe(true);
    await nextTurn(); // every answer read with the sample's has been handled by now
    const seen = answered;
    await Promise.all(burst);
    expect(answered).toBe(BURST);
    return seen;
  }

  it('without a gate, the sample is answered only after the whole burst (the stall)', async () => {
    expect(await answeredBeforeSample(null)).toBe(BURST);
  });

  it('with the gate, at most LIMIT RPCs are at the worker, so the sample comes back within the first batches', async () => {
    const gate = createRpcGate(LIMIT);
    const seen = await answeredBeforeSample(gate);
    expect(seen).toBeLessThanOrEqual(3 * LIMIT);
    expect(gate.queued).toBe(0);
  });

  it('getLoad and drain are never queued behind the gate', async () => {
    const gate = createRpcGate(1);
    let release!: () => void;
    const blocker = gate.run({ method: 'consume' }, () => new Promise<void>((resolve) => (release = resolve)));
    const queued = gate.run({ method: 'pauseProducer' }, () => Promise.resolve('late'));
    expect(gate.queued).toBe(1);
    expect(await gate.run({ method: 'getLoad' }, () => Promise.resolve('load'))).toBe('load');
    expect(await gate.run({ method: 'drain' }, () => Promise.resolve('drain'))).toBe('drain');
    release();
    await blocker;
    expect(await queued).toBe('late');
  });
});
