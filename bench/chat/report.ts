import type { LoadPointResult } from './loadPoint.js';
import type { TargetResult } from './measureTarget.js';
import type { QueryTiming } from './queries.js';
import { fmt } from './stats.js';

const TARGETS = { p99At200: 15, p99At1000: 25, rate: 1000, kbPerSocket: 30 };

/** Server CPU time (both instances) per message sent: robust to other load on the machine. */
function cpuPerMessage(p: LoadPointResult): number {
  const total = p.serverCpuPercent.reduce((sum, c) => sum + c, 0);
  return (10 * total) / p.sentPerS; // (total% / 100) core-seconds per second × 1000 ms / messages per second
}

/** PostgreSQL backend CPU per message sent (ms), NaN for the relay. */
function dbCpuPerMessage(p: LoadPointResult): number {
  return (10 * (p.databaseCpuPercent ?? Number.NaN)) / p.sentPerS;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

export function printReport(results: TargetResult[], queries: QueryTiming[], header: string[]): void {
  const out: string[] = ['', ...header, ''];
  const widths = [22, 7, 8, 9, 10, 7, 7, 7, 7, 7, 7, 5, 6, 12, 8, 8];
  out.push(
    row(
      [
        'target @ rate',
        'sent/s',
        'msgs/s',
        'recv/s',
        'p50 ms',
        'p95',
        'p99',
        'max',
        'ack50',
        'ack99',
        'lag99',
        'lost',
        'cli%',
        'server cpu%',
        'cpu/msg',
        'db/msg',
      ],
      widths,
    ),
  );
  for (const result of results) {
    for (const p of result.points) {
      out.push(
        row(
          [
            `${result.name} @ ${p.rate}`,
            fmt(p.sentPerS, 0),
            fmt(p.deliveredPerS, 0),
            fmt(p.receivesPerS, 0),
            fmt(p.latency.p50, 2),
            fmt(p.latency.p95, 2),
            fmt(p.latency.p99, 2),
            fmt(p.latency.max, 1),
            fmt(p.ack.p50, 2),
            fmt(p.ack.p99, 2),
            fmt(p.sendLagP99, 1),
            String(p.lost + p.ackErrors),
            fmt(p.clientCpuPercent, 0),
            p.serverCpuPercent.map((c) => fmt(c, 0)).join('+'),
            `${fmt(cpuPerMessage(p), 2)}ms`,
            Number.isNaN(dbCpuPerMessage(p)) ? '-' : `${fmt(dbCpuPerMessage(p), 2)}ms`,
          ],
          widths,
        ),
      );
    }
  }
  out.push(
    '',
    'Latency by second of sending (p99/max ms): a stall shows as one or two high seconds, a saturated machine as all of them.',
  );
  for (const result of results) {
    for (const p of result.points) {
      out.push(
        `  ${`${result.name} @ ${p.rate}`.padEnd(20)} ${p.timeline.map((s) => `${fmt(s.p99, 0)}/${fmt(s.max, 0)}`).join(' ')}`,
      );
    }
  }
  out.push('');
  for (const result of results) {
    out.push(
      `${result.name}: RSS ${fmt(result.rssBeforeMb)} → ${fmt(result.rssAfterMb)} MB for both instances; ` +
        `${fmt(result.rssPerSocket / 1024, 1)} KB per idle socket; connect ${fmt(result.connectSeconds, 1)} s`,
    );
  }
  const parley = results.find((r) => r.name === 'parley');
  const baseline = results.find((r) => r.name === 'baseline');
  if (parley && baseline) {
    out.push('', 'Parley / baseline:');
    parley.points.forEach((p, i) => {
      const b = baseline.points[i];
      if (!b) return;
      out.push(
        `  @ ${p.rate} msgs/s: p50 ×${fmt(p.latency.p50 / b.latency.p50, 2)}, p95 ×${fmt(p.latency.p95 / b.latency.p95, 2)}, ` +
          `p99 ×${fmt(p.latency.p99 / b.latency.p99, 2)}, delivered msgs/s ×${fmt(p.deliveredPerS / b.deliveredPerS, 2)}, ` +
          `server CPU per message ×${fmt(cpuPerMessage(p) / cpuPerMessage(b), 2)}` +
          (Number.isNaN(dbCpuPerMessage(p))
            ? ''
            : `, servers + PostgreSQL backends ×${fmt((cpuPerMessage(p) + dbCpuPerMessage(p)) / cpuPerMessage(b), 2)}`),
      );
    });
    out.push(`  RSS per idle socket ×${fmt(parley.rssPerSocket / baseline.rssPerSocket, 2)}`);
  }
  if (parley) {
    out.push('', 'Targets:');
    const at = (rate: number) => parley.points.find((p) => p.rate === rate);
    const low = at(200);
    const high = at(TARGETS.rate);
    if (low)
      out.push(
        `  p99 < ${TARGETS.p99At200} ms at 200 msgs/s: ${fmt(low.latency.p99, 2)} ms ${low.latency.p99 < TARGETS.p99At200 ? 'MET' : 'MISSED'}`,
      );
    if (high) {
      const ok = high.deliveredPerS >= TARGETS.rate * 0.99 && high.latency.p99 < TARGETS.p99At1000;
      out.push(
        `  ≥ ${TARGETS.rate} msgs/s delivered with p99 < ${TARGETS.p99At1000} ms: ${fmt(high.deliveredPerS, 0)} msgs/s, p99 ${fmt(high.latency.p99, 2)} ms ${ok ? 'MET' : 'MISSED'}`,
      );
    }
    const kb = parley.rssPerSocket / 1024;
    out.push(
      `  < ${TARGETS.kbPerSocket} KB per idle socket: ${fmt(kb, 1)} KB ${kb < TARGETS.kbPerSocket ? 'MET' : 'MISSED'}`,
    );
  }
  const starved = results.flatMap((r) => r.points.filter((p) => p.sendLagP99 > 20).map((p) => `${r.name} @ ${p.rate}`));
  if (starved.length > 0) {
    out.push(
      '',
      `Caution: the load generator sent late (lag99 > 20 ms) at ${starved.join(', ')}: the machine's CPUs, ` +
        'not only the server under test, limited those points (see the load average above).',
    );
  }
  if (queries.length > 0) {
    out.push('', 'Queries on one conversation of many messages (PostgreSQL, median / p95 of repeated runs):');
    for (const q of queries)
      out.push(`  ${q.name.padEnd(58)} ${fmt(q.medianMs, 2).padStart(8)} / ${fmt(q.p95Ms, 2)} ms`);
  }
  console.log(out.join('\n'));
}
