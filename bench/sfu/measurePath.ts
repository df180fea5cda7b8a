import { maxReceivers, type PortLayout } from './ports.js';
import type { SfuTarget } from './target.js';
import { startTraffic } from './trafficClient.js';
import type { PacketMix, SinkMode, StepResult } from './types.js';

export const DELIVERED_MIN = 0.95;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StepPlan {
  steps: number[];
  warmupS: number;
  windowS: number;
  sink: SinkMode;
  srtp: boolean;
}

/**
 * Builds the topology on `target` step by step (receivers are only added, never removed) and
 * measures each step over its own window after a warm-up: packets in (sender), packets out (sinks:
 * read + dropped at a full socket buffer) and worker CPU (two getResourceUsage snapshots).
 */
export async function measurePath(
  startTarget: () => Promise<SfuTarget>,
  layout: PortLayout,
  mix: PacketMix,
  plan: StepPlan,
  log: (line: string) => void,
): Promise<StepResult[]> {
  const traffic = await startTraffic(layout, plan.sink);
  let target: SfuTarget | undefined;
  const results: StepResult[] = [];
  try {
    target = await startTarget();
    const dest = await target.setupProducers(mix.streams);
    await traffic.send(dest.ip, dest.port, mix.streams);
    let receivers = 0;
    for (const consumers of plan.steps) {
      const wanted = Math.ceil(consumers / mix.streams.length);
      if (wanted > maxReceivers(layout)) {
        log(
          `  ${target.path}: ${consumers} consumers need ${wanted} transports, over the ${maxReceivers(layout)} ports of the layout; stopping here`,
        );
        break;
      }
      const t0 = Date.now();
      await target.addReceivers(wanted - receivers, traffic.sinkPorts, plan.srtp);
      receivers = wanted;
      log(
        `  ${target.path}: ${receivers * mix.streams.length} consumers on ${receivers} ${plan.srtp ? 'SRTP' : 'plain RTP'} transports (set up in ${((Date.now() - t0) / 1000).toFixed(1)} s); warm-up ${plan.warmupS} s, window ${plan.windowS} s`,
      );
      await sleep(plan.warmupS * 1000);
      // The media node samples worker CPU every 2 s: the window's first sample must not be older
      // than the end of the warm-up (it would count set-up work), its last one a window later.
      const warmedUp = Date.now();
      const u0 = await cpuSampleAfter(target, warmedUp);
      const c0 = await traffic.counts();
      await sleep(plan.windowS * 1000);
      const c1 = await traffic.counts();
      const u1 = await cpuSampleAfter(target, u0.at + plan.windowS * 1000 - 500);
      const seconds = (c1.at - c0.at) / 1000;
      const cpu = u1.at > u0.at ? (u1.cpuMs - u0.cpuMs) / (u1.at - u0.at) : NaN;
      const ppsIn = (c1.sent - c0.sent) / seconds;
      const ppsOut = (c1.received + c1.drops - (c0.received + c0.drops)) / seconds;
      const step: StepResult = {
        consumers: receivers * mix.streams.length,
        receivers,
        seconds: round(seconds, 2),
        ppsIn: Math.round(ppsIn),
        ppsOut: Math.round(ppsOut),
        ppsOutExpected: Math.round(receivers * ppsIn),
        sinkDropsPerS: Math.round((c1.drops - c0.drops) / seconds),
        inputDropsPerS: Math.round((c1.inputDrops - c0.inputDrops) / seconds),
        delivered: round(ppsOut / (receivers * ppsIn), 3),
        workerCpu: round(cpu, 3),
        ppsOutPerCpuSecond: Math.round(ppsOut / cpu),
      };
      log(
        `  ${target.path}: ${step.consumers} consumers: out ${step.ppsOut} pps (expected ${step.ppsOutExpected}), worker CPU ${(cpu * 100).toFixed(1)} %, ${step.ppsOutPerCpuSecond} pps per CPU-s${step.delivered < DELIVERED_MIN ? ' (the worker did not keep up: not used for capacity)' : ''}`,
      );
      results.push(step);
    }
  } finally {
    await target?.close().catch(() => undefined);
    await traffic.stop();
  }
  return results;
}

async function cpuSampleAfter(target: SfuTarget, notBefore: number): Promise<{ cpuMs: number; at: number }> {
  let sample = await target.cpu();
  // Few polls (each is an RPC to the media node, CPU taken from the worker's core's neighbours):
  // wait until the next 2-s sample is due, then in short steps.
  for (let i = 0; i < 40 && sample.at < notBefore; i++) {
    await sleep(Math.min(2_050, Math.max(100, sample.at + 2_050 - Date.now())));
    sample = await target.cpu();
  }
  return sample;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
