import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeetingRouters, type RoutersLostEvent } from '../src/MeetingRouters.js';
import { WorkerPool, type PoolWorker } from '../src/WorkerPool.js';
import { waitFor } from '../../test/support/mediaNodeProcess.js';

const RTC_PORT = 41100;
const logger = pino({ level: 'silent' });

describe('WorkerPool and MeetingRouters (in-process)', () => {
  let pool: WorkerPool;
  let routers: MeetingRouters;

  beforeAll(async () => {
    pool = new WorkerPool({ workers: 2, listenIp: '127.0.0.1', rtcPort: RTC_PORT, logger });
    await pool.start();
    routers = new MeetingRouters(pool, logger);
  });
  afterAll(async () => {
    routers?.closeAll();
    await pool?.close();
  });

  it('starts one worker per slot, each with a WebRtcServer on its own UDP and TCP port', async () => {
    const slots = pool.all();
    expect(slots.map((s) => s.index)).toEqual([0, 1]);
    expect(new Set(slots.map((s) => s.worker.pid)).size).toBe(2);
    for (const slot of slots) {
      const dump = await slot.webRtcServer.dump();
      const ports = dump.udpSockets.map((s) => s.port).concat(dump.tcpServers.map((s) => s.port));
      expect(ports).toEqual([RTC_PORT + slot.index, RTC_PORT + slot.index]);
    }
  });

  it('puts meeting routers on the least-loaded worker and transports on that worker port', async () => {
    const a = await routers.ensureRouter('meeting-a');
    const b = await routers.ensureRouter('meeting-b');
    expect(a.workerIndex).not.toBe(b.workerIndex); // one router each
    expect(await routers.ensureRouter('meeting-a')).toBe(a); // idempotent
    const [x, y] = await Promise.all([routers.ensureRouter('meeting-c'), routers.ensureRouter('meeting-c')]);
    expect(x).toBe(y); // concurrent calls share one router

    const t = await routers.createWebRtcTransport({ meetingId: 'meeting-b', peerId: 'p1', direction: 'send' });
    const ports = new Set(t.iceCandidates.map((c) => c.port));
    expect([...ports]).toEqual([RTC_PORT + b.workerIndex]);
    expect(t.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(t.dtlsParameters.fingerprints.length).toBeGreaterThan(0);

    const loads = pool.loads();
    expect(loads.reduce((n, l) => n + l.routers, 0)).toBe(3);
    expect(loads.find((l) => l.index === b.workerIndex)?.transports).toBe(1);
    await pool.sampleLoad();
    for (const l of pool.loads()) expect(l.cpu).toBeGreaterThanOrEqual(0);
  });

  it('replaces a killed worker on the same port and reports the meetings it lost', async () => {
    const victim = pool.get(0)!;
    const lostMeetings = routers.meetingIds().filter((id) => routers.get(id)?.workerIndex === 0);
    expect(lostMeetings.length).toBeGreaterThan(0);

    const died = new Promise<RoutersLostEvent>((resolve) => routers.once('routersLost', resolve));
    const replaced = new Promise<PoolWorker>((resolve) => pool.once('workerReplaced', resolve));
    process.kill(victim.worker.pid, 'SIGKILL');

    const lost = await died;
    expect(lost).toMatchObject({ workerIndex: 0, pid: victim.worker.pid });
    expect(lost.meetingIds.sort()).toEqual(lostMeetings.sort());
    for (const id of lostMeetings) expect(routers.get(id)).toBeUndefined();

    const slot = await replaced;
    expect(slot.index).toBe(0);
    expect(slot.port).toBe(RTC_PORT);
    expect(slot.worker.pid).not.toBe(victim.worker.pid);
    await waitFor(() => pool.all().length === 2, 5_000, 'two live workers');

    // The replacement serves transports on the same port.
    const room = await routers.ensureRouter('meeting-after-death');
    const t = await routers.createWebRtcTransport({ meetingId: 'meeting-after-death' });
    expect(t.iceCandidates[0]?.port).toBe(RTC_PORT + room.workerIndex);
  });
});
