/** The plan (and the check) as text tables for the operator. */
import Table from 'cli-table3';
import type { CheckResult } from './checkResult.js';
import type { CapacityPlan } from './plan.js';

/** A plain table (no colours: the output is often piped or pasted into docs). */
function table(head: string[]): InstanceType<typeof Table> {
  return new Table({ head, style: { head: [], border: [] } });
}

export function mbit(bps: number): string {
  return `${(bps / 1e6).toFixed(bps >= 1e8 ? 0 : 2)} Mbit/s`;
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}

export function formatPlan(plan: CapacityPlan, calibrationNote: string): string {
  const s = plan.settings;
  const m = plan.meeting;
  const lines: string[] = [];
  lines.push(
    `${s.meetings} meeting(s) × ${s.participants} participants, ${s.senders} camera(s) at ${s.resolution}p${s.fps} ` +
      `${s.simulcast ? 'simulcast' : 'single stream'}, ${s.audioSenders ?? s.participants} mic(s), ${s.layout} view (page ${s.pageSize}), headroom ${pct(s.headroom)}`,
  );
  lines.push(`calibration: ${calibrationNote}`);

  const traffic = table(['', 'per meeting', 'total']);
  traffic.push(
    ['packets/s into the SFU', int(m.in.pps), int(plan.totals.in.pps)],
    ['packets/s out of the SFU', int(m.out.pps), int(plan.totals.out.pps)],
    ['packets/s piped between workers', int(m.pipe.pps), int(plan.totals.pipe.pps)],
    [
      'consumers (active)',
      `${int(m.consumers)} (${int(m.activeConsumers)})`,
      `${int(plan.totals.consumers)} (${int(plan.totals.activeConsumers)})`,
    ],
    ['routers (workers) per meeting', String(m.routers), ''],
    ['worker CPU (cores)', plan.meetingCpu.toFixed(3), plan.totals.workerCpu.toFixed(3)],
    ['bandwidth in', mbit(m.in.bps), mbit(plan.totals.in.bps)],
    ['bandwidth out', mbit(m.out.bps), mbit(plan.totals.out.bps)],
  );
  lines.push(traffic.toString());

  const people = table(['participant', 'per meeting', 'up', 'down']);
  for (const p of plan.perParticipant) people.push([p.kind, String(p.count), mbit(p.upBps), mbit(p.downBps)]);
  lines.push(people.toString());

  const need = table(['needed', '']);
  need.push(
    [
      'mediasoup workers (= cores)',
      `${plan.workers}  (by CPU ${plan.workersBy.cpu}, by consumers ${plan.workersBy.consumers}, by meeting spread ${plan.workersBy['meeting spread']}; limited by ${plan.limitedBy})`,
    ],
    ['mean worker utilisation', `${pct(plan.utilisation)} (target ≤ ${pct(plan.targetUtilisation)})`],
    ['busiest worker of one meeting', pct(plan.primaryWorkerCpu)],
    ['media nodes', `${plan.mediaNodes} × ${s.coresPerNode} cores`],
    ['per node in / out', `${mbit(plan.perNode.inBps)} / ${mbit(plan.perNode.outBps)}`],
  );
  lines.push(need.toString());
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function formatCheck(
  result: CheckResult,
  basis: string,
  traffic: { predictedBps: number; measuredBps: number | null },
): string {
  const t = table(['worker CPU (cores)', '']);
  t.push(
    ['predicted', result.predictedWorkerCpu.toFixed(3)],
    ['measured', `${result.measuredWorkerCpu.toFixed(3)} (${basis})`],
    [
      'error',
      `${result.errorPercent >= 0 ? '+' : ''}${result.errorPercent.toFixed(1)} % (tolerance ±${result.tolerancePercent} %)`,
    ],
    ['verdict', result.withinTolerance ? 'OK' : 'OFF: recalibrate, or see docs/capacity.md'],
    [
      'traffic out (predicted / received by the clients)',
      `${mbit(traffic.predictedBps)} / ${traffic.measuredBps === null ? 'unknown' : mbit(traffic.measuredBps)}`,
    ],
  );
  return t.toString();
}
