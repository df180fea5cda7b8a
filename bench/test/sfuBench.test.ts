/**
 * bench:sfu end to end at a small size: a real media node (Parley) and bare mediasoup forward
 * SRTP to the sinks, counted both ways: `held` (a stopped process owns the sink sockets, the
 * kernel counts each packet as a drop at the socket) and `read` (the traffic process reads
 * them); and once with plain RTP consumers (`--no-srtp`). Every expected packet must be
 * counted, no more: the counting is what the capacity figures stand on. Figures of record come from `npm run bench:sfu` (docs/capacity.md).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { formatReport } from '../sfu/report.js';
import { runSfuBench } from '../sfu/runSfuBench.js';
import type { SinkMode } from '../sfu/types.js';

/** The cases, each with its own ports of the layout (bench/sfu/ports.ts): base .. base + 899. */
const CASES: { sink: SinkMode; srtp: boolean; portBase: number }[] = [
  { sink: 'held', srtp: true, portBase: 61000 },
  { sink: 'read', srtp: true, portBase: 62000 },
  { sink: 'held', srtp: false, portBase: 63000 },
];

function processesHolding(port: number): string {
  try {
    return execFileSync('ss', ['-uanp', `sport = :${port}`], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

describe('bench:sfu', () => {
  for (const { sink, srtp, portBase } of CASES) {
    it(`counts every forwarded ${srtp ? 'SRTP' : 'plain RTP (--no-srtp)'} packet at the sinks (--sink ${sink}), Parley and bare`, async () => {
      const result = await runSfuBench({
        steps: [50],
        warmupS: 1,
        windowS: 2,
        mix: 'audio',
        variants: ['default'],
        rounds: 1,
        portBase,
        sink,
        srtp,
      });
      const comparison = result.variants[0];
      expect(comparison, `worker build: ${JSON.stringify(result.skipped)}`).toBeDefined();
      for (const path of ['parley', 'bare'] as const) {
        const step = comparison![path]!.steps[0]!;
        // 10 receivers × 5 opus streams × 50 packets/s.
        expect(step.receivers).toBe(10);
        expect(step.ppsIn).toBeGreaterThan(225);
        expect(step.delivered).toBeGreaterThan(0.95);
        expect(step.delivered).toBeLessThan(1.05);
        expect(step.workerCpu).toBeGreaterThan(0);
        if (sink === 'held') expect(step.sinkDropsPerS).toBe(step.ppsOut);
      }
      // The stopped sink holder went with the traffic process: its ports are free again.
      expect(processesHolding(portBase + 20)).not.toMatch(/node/);
    }, 90_000);
  }

  it('runs several worker binaries side by side in one run (--variants): a build variant and a path; a missing one is skipped', async () => {
    const installed = path.resolve('node_modules/mediasoup/worker/out/Release/mediasoup-worker');
    const result = await runSfuBench({
      steps: [50],
      warmupS: 1,
      windowS: 2,
      mix: 'audio',
      variants: ['default', installed, '/nonexistent/mediasoup-worker'],
      rounds: 1,
      portBase: 64000,
    });
    expect(result.variants.map((v) => v.variant)).toEqual(['default', installed]);
    for (const v of result.variants) {
      expect(v.mediasoupVersion).toBe(result.mediasoupVersion);
      for (const p of ['parley', 'bare'] as const) expect(v[p]!.steps[0]!.delivered).toBeGreaterThan(0.95);
    }
    expect(result.variants[1]!.parley!.workerBin).toBe(installed);
    expect(result.skipped).toEqual([
      { variant: '/nonexistent/mediasoup-worker', reason: '/nonexistent/mediasoup-worker does not exist' },
    ]);
    const report = formatReport(result);
    expect(report).toContain('side by side');
    expect(report).toMatch(new RegExp(`${installed.replace(/[/.]/g, '\\$&')}\\s.*${result.mediasoupVersion}`));
  }, 120_000);
});
