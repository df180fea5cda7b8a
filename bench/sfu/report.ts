import type { PathResult, SfuBenchResult, StepResult } from './types.js';

export const GOALS = { ppsOutPerCpuSecond: 115_000, capacityRatio: 0.95 };

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const k = (n: number) => (Number.isFinite(n) ? `${(n / 1000).toFixed(1)}k` : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : 'n/a');

function stepRow(path: string, s: StepResult, ratio?: number): string[] {
  return [
    String(s.consumers),
    path,
    String(s.ppsIn),
    k(s.ppsOut),
    k(s.ppsOutExpected),
    String(s.inputDropsPerS),
    String(s.sinkDropsPerS),
    `${(s.delivered * 100).toFixed(0)} %${s.delivered < 0.95 ? '!' : ''}`,
    pct(s.workerCpu),
    k(s.ppsOutPerCpuSecond),
    ratio === undefined ? '' : ratio.toFixed(3),
  ];
}

function summary(p: PathResult | undefined): string {
  if (!p) return 'not run';
  if (p.error) return `FAILED: ${p.error}`;
  return `${k(p.ppsOutPerCpuSecond)} pps out per CPU-s at ${p.ppsOutPerCpuSecondAt} consumers; ~${p.consumersPerCore} consumers per core at 80 % CPU (${p.interpolation})`;
}

/** The human-readable report (stdout). */
export function formatReport(r: SfuBenchResult): string {
  const out: string[] = [
    '',
    `bench:sfu  mediasoup ${r.mediasoupVersion}, ${r.host.cpus} cores (${r.host.model}), load average at start ${r.host.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
    `mix "${r.mix.name}": ${r.mix.description}: ${r.mix.packetsPerSecondIn} pps in, mean packet ${r.mix.meanPacketBytes} B; consumers on ${r.options.srtp === false ? 'plain RTP (no SRTP: --no-srtp)' : 'SRTP (AES_CM_128_HMAC_SHA1_80)'} plain transports`,
    `warm-up ${r.options.warmupS} s, window ${r.options.windowS} s per step${r.options.rounds > 1 ? `, ${r.options.rounds} rounds per path (median round per step)` : ''}; one worker; pps out = packets at the UDP sinks (read + dropped by the kernel at their small buffers)`,
    `delivered = pps out / expected; "!" under 95 %: the worker did not keep up (saturated or starved by other load), step left out of the capacity figures;`,
    `"in drops/s" > 0 means RTP was lost at the worker's input socket: the worker fell behind`,
  ];
  for (const v of r.variants) {
    out.push('', `worker build: ${v.variant}${v.mediasoupVersion ? ` (mediasoup ${v.mediasoupVersion})` : ''}`);
    for (const note of v.notes ?? []) out.push(`  ${note}`);
    const rows: string[][] = [];
    for (const s of v.parley?.steps ?? []) {
      rows.push(stepRow('parley', s, v.stepRatios.find((x) => x.consumers === s.consumers)?.ratio));
      const b = v.bare?.steps.find((x) => x.consumers === s.consumers);
      if (b) rows.push(stepRow('bare', b));
    }
    for (const b of v.bare?.steps ?? [])
      if (!v.parley?.steps.some((s) => s.consumers === b.consumers)) rows.push(stepRow('bare', b));
    out.push(
      table(
        [
          'consumers',
          'path',
          'pps in',
          'pps out',
          'expected',
          'in drops/s',
          'sink drops/s',
          'delivered',
          'worker CPU',
          'pps/CPU-s',
          'parley/bare',
        ],
        rows,
      ),
    );
    out.push(`  parley: ${summary(v.parley)}`, `  bare:   ${summary(v.bare)}`);
    if (v.capacityRatio !== undefined) {
      const at =
        v.capacityRatioAt !== undefined
          ? `at ${v.capacityRatioAt} consumers`
          : 'from the headline figures (no step delivered by both)';
      out.push(`  Parley/bare capacity: ${v.capacityRatio.toFixed(3)} ${at} (goal >= ${GOALS.capacityRatio})`);
    }
  }
  if (r.variants.length > 1) out.push('', ...sideBySide(r));
  for (const s of r.skipped) out.push('', `worker build ${s.variant} SKIPPED: ${s.reason}`);
  out.push('');
  if (r.best) {
    const b = r.best;
    out.push(
      `best build: ${b.variant}: ${k(b.ppsOutPerCpuSecond)} pps out per CPU-second (goal >= ${k(GOALS.ppsOutPerCpuSecond)}: ${b.ppsOutPerCpuSecond >= GOALS.ppsOutPerCpuSecond ? 'met' : 'NOT met'}), ` +
        `~${b.consumersPerCore} consumers per core at 80 % CPU` +
        (b.capacityRatio !== undefined
          ? `, Parley/bare ${b.capacityRatio.toFixed(3)} (goal >= ${GOALS.capacityRatio}: ${b.capacityRatio >= GOALS.capacityRatio ? 'met' : 'NOT met'})`
          : ''),
    );
  } else {
    out.push('no Parley figures: see the errors above');
  }
  return out.join('\n');
}

/**
 * Every worker binary of the run in one table: packets out per CPU-second at the highest step
 * each path delivered, against the first variant measured in the same run.
 */
function sideBySide(r: SfuBenchResult): string[] {
  const first = r.variants[0]!;
  const vs = (path: 'parley' | 'bare', v: (typeof r.variants)[number]) => {
    const a = v[path]?.ppsOutPerCpuSecond;
    const b = first[path]?.ppsOutPerCpuSecond;
    return a && b ? (a / b).toFixed(3) : '-';
  };
  const rows = r.variants.map((v) => [
    v.variant,
    v.mediasoupVersion ?? '',
    v.parley?.ppsOutPerCpuSecond ? k(v.parley.ppsOutPerCpuSecond) : '-',
    vs('parley', v),
    v.bare?.ppsOutPerCpuSecond ? k(v.bare.ppsOutPerCpuSecond) : '-',
    vs('bare', v),
    v.capacityRatio !== undefined ? v.capacityRatio.toFixed(3) : '-',
  ]);
  return [
    `side by side (pps out per worker CPU-second at the highest delivered step; "vs ${first.variant}": over the first variant, same run):`,
    table(
      ['variant', 'mediasoup', 'parley', `vs ${first.variant}`, 'bare', `vs ${first.variant}`, 'parley/bare'],
      rows,
    ),
  ];
}
