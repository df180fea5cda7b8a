import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  consumeAnswered,
  joinAcknowledged,
  joinMetricsOf,
  timeJoinStep,
  timelineReceived,
} from '../../src/realtime/joinMetrics.js';
import type { ParleySocket } from '../../src/realtime/types.js';

const socketLike = () => ({ data: {} }) as unknown as ParleySocket;

async function histogram(
  registry: Registry,
  name: string,
): Promise<{ labels: Record<string, unknown>; value: number; metricName?: string }[]> {
  const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return (metric?.values ?? []).map((entry) => ({
    labels: entry.labels,
    value: entry.value,
    ...('metricName' in entry && typeof entry.metricName === 'string' ? { metricName: entry.metricName } : {}),
  }));
}

describe('join metrics', () => {
  it('observes join → first consume once per join', async () => {
    const registry = new Registry();
    const metrics = joinMetricsOf(registry);
    expect(joinMetricsOf(registry)).toBe(metrics);
    const socket = socketLike();
    consumeAnswered(socket, metrics); // no join yet: nothing
    joinAcknowledged(socket);
    consumeAnswered(socket, metrics);
    consumeAnswered(socket, metrics);
    const count = (await histogram(registry, 'parley_join_to_first_consume_seconds')).find(
      (value) => value.metricName === 'parley_join_to_first_consume_seconds_count',
    );
    expect(count?.value).toBe(1);
  });

  it("observes the page's timeline once per join, in seconds from its start", async () => {
    const registry = new Registry();
    const metrics = joinMetricsOf(registry);
    const socket = socketLike();
    const timeline = { meetingId: 'm-1', marks: { socket: 100, start: 1000, capture: 1200, allFrames: 1650 } };
    timelineReceived(socket, metrics, timeline); // not joined: ignored
    joinAcknowledged(socket);
    timelineReceived(socket, metrics, timeline);
    timelineReceived(socket, metrics, timeline); // a second one for the same join: ignored
    const sums = (await histogram(registry, 'parley_client_join_seconds')).filter(
      (value) => value.metricName === 'parley_client_join_seconds_sum',
    );
    const byMark = Object.fromEntries(sums.map((value) => [String(value.labels.mark), value.value]));
    // `socket` came before the start (the page's socket was up already): not observed.
    expect(byMark).toEqual({ capture: 0.2, allFrames: 0.65 });
  });

  it('observes each step of a join ack, also one that failed, and passes its outcome on', async () => {
    const registry = new Registry();
    const metrics = joinMetricsOf(registry);
    await expect(timeJoinStep(metrics, 'room', () => Promise.resolve('joined'))).resolves.toBe('joined');
    await expect(timeJoinStep(metrics, 'lobby', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await timeJoinStep(metrics, 'room', () => Promise.resolve(null));
    const counts = (await histogram(registry, 'parley_join_step_seconds')).filter(
      (value) => value.metricName === 'parley_join_step_seconds_count',
    );
    const byStep = Object.fromEntries(counts.map((value) => [String(value.labels.step), value.value]));
    expect(byStep).toEqual({ room: 2, lobby: 1 });
  });
});
