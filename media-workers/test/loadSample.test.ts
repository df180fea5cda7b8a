import { describe, expect, it } from 'vitest';
import { WorkerLoadTracker } from '../src/load.js';
import { MediaNodeMetrics } from '../src/metrics/mediaNodeMetrics.js';

/**
 * The periodic load sample of a worker (getResourceUsage every 2 s): a worker that answers late
 * gets no pile of samples (in the stall, 20 were waiting), and its CPU is timed by the answers.
 */
describe('WorkerLoadTracker.sample', () => {
  it('skips a tick while the worker has not answered the previous sample, and times CPU by the answer', async () => {
    let answer!: (usage: { ru_utime: number; ru_stime: number }) => void;
    let calls = 0;
    const worker = {
      closed: false,
      pid: 1,
      observer: { on: () => undefined },
      getResourceUsage: () => {
        calls++;
        return new Promise((resolve) => (answer = resolve));
      },
    };
    let now = 1_000;
    const metrics = new MediaNodeMetrics();
    const tracker = new WorkerLoadTracker(0, worker as never, metrics, () => now);
    const first = tracker.sample();
    answer({ ru_utime: 100, ru_stime: 0 });
    expect(await first).toBe(true);

    now = 3_000;
    const late = tracker.sample();
    expect(await tracker.sample()).toBe(false); // still waiting: skipped, not piled on
    expect(await tracker.sample()).toBe(false);
    expect(calls).toBe(2);
    now = 11_000; // answered 8 s late, after 4 s of CPU since the first answer
    answer({ ru_utime: 4_100, ru_stime: 0 });
    expect(await late).toBe(true);
    expect(tracker.snapshot()).toMatchObject({ cpu: 0.4, cpuMs: 4_100, sampledAt: 11_000 });
    const skipped = await metrics.registry.getSingleMetricAsString('parley_media_worker_samples_skipped_total');
    expect(skipped).toMatch(/worker="0"} 2$/m);
  });
});
