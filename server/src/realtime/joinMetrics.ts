import { JOIN_MARKS, type MeetingJoinTimeline } from '@parley/protocol';
import { Histogram, type Registry } from 'prom-client';
import type { ParleySocket } from './types.js';

/**
 * How long joins take, as operators see it:
 * - `parley_join_to_first_consume_seconds`: from a join_meeting acknowledged by this instance to
 *   the first `sfu:consume` answered on the same socket (SFU meetings: the server's share of
 *   "the first picture");
 * - `parley_client_join_seconds{mark}`: the page's own timeline (`meeting_join_timeline`), each
 *   step in seconds from the start of the join on the page (`start`), one timeline per join;
 * - `parley_join_step_seconds{step}`: where this instance spends a `join_meeting` ack (JoinStep).
 */
export interface JoinMetrics {
  joinToFirstConsume: Histogram;
  clientJoin: Histogram<'mark'>;
  joinStep: Histogram<'step'>;
}

/**
 * The steps of a `join_meeting` ack on the server: `lobby` (the admission check, and the wait of
 * a locked meeting's lobby), `room` (the room store's join), `adopt` (a resumed peer's SFU
 * objects), `features` (hands, lock, lobby state) and `sfu` (the router's capabilities and the
 * transports on the media node; it runs beside `features`), and `ack` (the whole answer).
 */
export type JoinStep = 'lobby' | 'room' | 'adopt' | 'features' | 'sfu' | 'ack';

const BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];
const STEP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const byRegistry = new WeakMap<Registry, JoinMetrics>();

export function joinMetricsOf(registry: Registry): JoinMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      joinToFirstConsume: new Histogram({
        name: 'parley_join_to_first_consume_seconds',
        help: 'From join_meeting acknowledged to the first sfu:consume answered on that socket',
        buckets: BUCKETS,
        registers: [registry],
      }),
      clientJoin: new Histogram({
        name: 'parley_client_join_seconds',
        help: "Steps of a join as the page times them (meeting_join_timeline), from the page's start of the join",
        labelNames: ['mark'] as const,
        buckets: BUCKETS,
        registers: [registry],
      }),
      joinStep: new Histogram({
        name: 'parley_join_step_seconds',
        help: 'Steps of a join_meeting ack on the server (lobby, room, adopt, features, sfu; ack: the whole)',
        labelNames: ['step'] as const,
        buckets: STEP_BUCKETS,
        registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** Runs one step of a join ack and observes how long it took (also when it failed). */
export async function timeJoinStep<T>(metrics: JoinMetrics, step: JoinStep, run: () => Promise<T>): Promise<T> {
  const end = metrics.joinStep.startTimer({ step });
  try {
    return await run();
  } finally {
    end();
  }
}

/** join_meeting was acknowledged on this socket: the clock of its first consume starts. */
export function joinAcknowledged(socket: ParleySocket): void {
  socket.data.join = { at: performance.now(), consumed: false, timeline: false };
}

/** A consume was answered on this socket: the first one after a join is observed. */
export function consumeAnswered(socket: ParleySocket, metrics: JoinMetrics): void {
  const join = socket.data.join;
  if (!join || join.consumed) return;
  join.consumed = true;
  metrics.joinToFirstConsume.observe((performance.now() - join.at) / 1000);
}

/** The page's timeline of its join: observed once per join, relative to its `start`. */
export function timelineReceived(socket: ParleySocket, metrics: JoinMetrics, timeline: MeetingJoinTimeline): void {
  const join = socket.data.join;
  if (!join || join.timeline) return;
  join.timeline = true;
  const start = timeline.marks.start;
  if (start === undefined) return;
  for (const mark of JOIN_MARKS) {
    const at = timeline.marks[mark];
    if (mark === 'start' || at === undefined || at < start) continue;
    metrics.clientJoin.observe({ mark }, (at - start) / 1000);
  }
}
