/**
 * The server's share of the bench's join acks: `parley_join_step_seconds{step}`
 * (server/src/realtime/joinMetrics.ts) read from the server's /metrics, so a phase of the run
 * (the joins from navigation, the joins from pressing Join) can be told apart by the difference.
 */
export type JoinStepTotals = Map<string, { sum: number; count: number }>;

/** The histogram's sum (s) and count per step, now. */
export async function readJoinSteps(url: string): Promise<JoinStepTotals> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const totals: JoinStepTotals = new Map();
  for (const [, kind, step, value] of text.matchAll(/^parley_join_step_seconds_(sum|count)\{step="(\w+)"\} (\S+)$/gm)) {
    const total = totals.get(step!) ?? { sum: 0, count: 0 };
    total[kind as 'sum' | 'count'] = Number(value);
    totals.set(step!, total);
  }
  return totals;
}

/** The mean ms of each step between two readings, e.g. `lobby 2.1, room 1.5, …, ack 9.8 (6 joins)`. */
export function describeJoinSteps(after: JoinStepTotals, before: JoinStepTotals = new Map()): string {
  const steps: string[] = [];
  for (const [step, { sum, count }] of after) {
    const earlier = before.get(step) ?? { sum: 0, count: 0 };
    const joins = count - earlier.count;
    if (joins > 0) steps.push(`${step} ${(((sum - earlier.sum) / joins) * 1000).toFixed(1)}`);
  }
  const acks = (after.get('ack')?.count ?? 0) - (before.get('ack')?.count ?? 0);
  return `${steps.join(', ')} (${acks} joins)`;
}
