/**
 * The pure parts of calibrate and check: the cost taken from bench:sfu's steps, the steady
 * worker CPU read from a load-test report, the percent error, the plan as the bots run it, and
 * the calibration file round trip with validation.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { botLayerShare, clipRate } from '../src/capacity/botTraffic.js';
import { meetingTraffic } from '../src/capacity/meetingTraffic.js';
import {
  CALIBRATION_VERSION,
  readCalibration,
  writeCalibration,
  type Calibration,
} from '../src/capacity/calibration.js';
import { asLoadTested, botWorkerCost, PLAIN_RTP_SPEEDUP, runProblems } from '../src/capacity/check.js';
import { compareCpu } from '../src/capacity/checkResult.js';
import { fitCost } from '../src/capacity/costFit.js';
import { loadTestOptions, measuredWorkerCpu } from '../src/capacity/loadAdapter.js';
import { parsePlanInput } from '../src/capacity/planInput.js';
import type { LoadReport, ServerSample, TimelinePoint } from '../src/reportTypes.js';

const step = (consumers: number, ppsOut: number, workerCpu: number, ppsOutExpected = ppsOut) => ({
  consumers,
  ppsIn: 290,
  ppsOut,
  ppsOutExpected,
  workerCpu,
});

describe('fitCost', () => {
  it('takes the ratio at the highest step that delivered its packets', () => {
    const fit = fitCost([step(100, 5_800, 0.08), step(250, 14_500, 0.18), step(500, 24_000, 0.3, 29_000)]);
    expect(fit.atConsumers).toBe(250);
    expect(fit.ppsOutPerCpuSecond).toBeCloseTo(14_500 / 0.18, 6);
    expect(fit.used).toBe(2);
    expect(fit.leftOut).toBe(1);
    // 58 packets/s per consumer: 0.8 × 80 555.6 / 58 = 1 111.1
    expect(fit.consumersAt80).toBeCloseTo((0.8 * (14_500 / 0.18)) / 58, 6);
    // line through (5 800, 0.08) and (14 500, 0.18): slope 0.1 / 8 700
    expect(fit.line?.marginalPpsOutPerCpuSecond).toBeCloseTo(87_000, 6);
    expect(fit.line?.interceptCpu).toBeCloseTo(0.08 - 5_800 * (0.1 / 8_700), 9);
  });

  it('refuses steps that all lost packets', () => {
    expect(() => fitCost([step(1000, 20_000, 0.4, 58_000)])).toThrow(/no benchmark step delivered 95 %/);
  });
});

function sample(t: number, total: number | null, ok = true): ServerSample {
  return {
    t,
    ok,
    mediaNodes: 1,
    workerCpu: {},
    workerCpuMax: total,
    workerCpuTotal: total,
    consumers: 0,
    producers: 0,
    routers: 1,
    eventLoopLagMs: null,
    serverCpu: null,
  };
}

function point(t: number, joined: number, bitrateInTotal = 0): TimelinePoint {
  return {
    t,
    joined,
    failed: 0,
    fpsMean: null,
    fpsP5: null,
    bitrateInTotal,
    bitrateOutTotal: 0,
    packetLossMean: null,
    jitterMsP95: null,
    rttMsP95: null,
    freezes: 0,
  };
}

describe('measuredWorkerCpu', () => {
  const summary = { clients: 4, failed: 0 } as LoadReport['summary'];

  it('averages the samples after the last join, leaving out the first', () => {
    const report = {
      summary,
      timeline: [point(1000, 2, 1e6), point(3000, 4, 2e6), point(5000, 4, 3e6), point(7000, 4, 5e6)],
      server: [
        sample(1000, 0.01),
        sample(3000, 0.02),
        sample(4000, 0.5),
        sample(5000, 0.1),
        sample(6000, 0.3),
        sample(7000, null, false),
      ],
    };
    const m = measuredWorkerCpu(report);
    expect(m.samples).toBe(2);
    expect(m.workerCpu).toBeCloseTo(0.2, 9);
    expect(m.workerCpuMax).toBe(0.3);
    // what the clients received from the first steady sample (t = 5000) on
    expect(m.clientsDownBps).toBe(4e6);
  });

  it('falls back to every sample, and fails clearly without any', () => {
    expect(
      measuredWorkerCpu({ summary, timeline: [point(1000, 1)], server: [sample(500, 0.1), sample(900, 0.3)] })
        .workerCpu,
    ).toBeCloseTo(0.2, 9);
    expect(() => measuredWorkerCpu({ summary, timeline: [], server: [sample(1, null, false)] })).toThrow(
      /recorded no worker CPU/,
    );
  });
});

describe('compareCpu', () => {
  it('gives the signed percent error against the measurement', () => {
    const under = compareCpu(0.9, 1, 15);
    expect(under.errorPercent).toBeCloseTo(-10, 9);
    expect(under.withinTolerance).toBe(true);
    const over = compareCpu(1.2, 1, 15);
    expect(over.errorPercent).toBeCloseTo(20, 9);
    expect(over.withinTolerance).toBe(false);
    expect(() => compareCpu(1, 0, 15)).toThrow(/nothing was forwarded/);
  });
});

describe('runProblems', () => {
  it('flags failed joins and traffic far from the plan', () => {
    expect(runProblems(0, 63e6, 61.5e6)).toEqual([]);
    expect(runProblems(2, 63e6, 40.5e6)).toEqual([
      '2 client(s) failed to join (see the load-test report)',
      'the clients received 36 % less than the plan sends (an overloaded load generator, or joins that failed)',
    ]);
    expect(runProblems(0, 10e6, null)).toEqual([]);
  });
});

describe('the plan as the load test runs it', () => {
  const s = parsePlanInput({ meetings: 2, participants: 20, senders: 6, resolution: 720 });

  it('bots below 540 lines: one stream, every camera visible, mics only on senders', () => {
    const { settings, adjustments } = asLoadTested({ ...s, resolution: 360 }, 'bots');
    expect(settings).toMatchObject({ simulcast: false, audioSenders: 6, pageSize: 21 });
    expect(adjustments.length).toBe(4);
    expect(
      loadTestOptions(settings, { clients: 'bots', durationSec: 30, joinRate: 5, portBase: 52_000, outDir: 'x' }),
    ).toMatchObject({
      meetings: 2,
      senders: 0,
      receivers: 0,
      botSenders: 6,
      botReceivers: 14,
      video: { width: 640, height: 360, fps: 15 },
      meshMax: 3,
      consumerBudget: 400, // the plan's SFU_CONSUMER_BUDGET reaches the embedded Parley
    });
  });

  it('bots over SRTP (default) use the calibration as is; --no-bot-srtp scales it and reaches the load test', () => {
    const cost = { ppsOutPerCpuSecond: 80_000, cpuSecondsPerPacketIn: 2e-6, consumersPerCore: 1_100 };
    expect(botWorkerCost(cost, true)).toEqual({ cost, adjustment: null });
    const plain = botWorkerCost(cost, false);
    expect(plain.cost.ppsOutPerCpuSecond).toBeCloseTo(80_000 * PLAIN_RTP_SPEEDUP, 6);
    expect(plain.cost.cpuSecondsPerPacketIn).toBeCloseTo(2e-6 / PLAIN_RTP_SPEEDUP, 12);
    expect(plain.adjustment).toMatch(/× 1\.41 \(the bots receive plain RTP/);
    expect(botWorkerCost(cost, false, 2.2).cost.ppsOutPerCpuSecond).toBeCloseTo(176_000, 6);
    expect(() => botWorkerCost(cost, false, 0)).toThrow(/above 0/);
    const run = { clients: 'bots' as const, durationSec: 30, joinRate: 5, portBase: 52_000, outDir: 'x' };
    expect(loadTestOptions(s, run)).not.toHaveProperty('botSrtp');
    expect(loadTestOptions(s, { ...run, botSrtp: false })).toMatchObject({ botSrtp: false });
  });

  it("bots from 540 lines: simulcast with the tile mix, the plan's mics, and it reaches the load test", () => {
    const big = parsePlanInput({ meetings: 1, participants: 300, senders: 4, audioSenders: 10, resolution: 540 });
    const { settings, adjustments } = asLoadTested(big, 'bots');
    expect(settings).toMatchObject({ simulcast: true, audioSenders: 10, pageSize: 301 });
    expect(adjustments.join('; ')).toMatch(/tile mix/);
    const run = { clients: 'bots' as const, durationSec: 30, joinRate: 5, portBase: 52_000, outDir: 'x' };
    expect(loadTestOptions(settings, { ...run, botTiles: { medium: 0.2, large: 0 } })).toMatchObject({
      botSenders: 4,
      botReceivers: 296,
      botSimulcast: true,
      botAudioSenders: 10,
      botTiles: { medium: 0.2, large: 0 },
      video: { width: 960, height: 540, fps: 15 },
    });
    // 238 small, 29 medium, 29 large receivers of 296, each seeing 4 cameras
    const share = botLayerShare(296, 4, { medium: 0.1, large: 0.1 });
    expect(share[0]).toBeCloseTo((238 + (29 * 3) / 4) / 296, 9);
    expect(share[1]).toBeCloseTo(29 / 296, 9);
    expect(share[2]).toBeCloseTo(29 / 296 / 4, 9);
    expect(share[0] + share[1] + share[2]).toBeCloseTo(1, 9);
    // The layers' rates replace the table; the shares replace the layout's tile sizes.
    const layer = (pps: number) => ({ pps, bps: pps * 8000 });
    const traffic = meetingTraffic(settings, {
      cameraLayers: [layer(24), layer(48), layer(96)],
      audio: { pps: 50, bps: 16_000 },
      layerShare: [0.5, 0.25, 0.25],
    });
    // listeners (290): 10 mics × 50 + 4 cameras × (0.5 × 24 + 0.25 × 48 + 0.25 × 96) = 500 + 192
    expect(traffic.classes.find((c) => c.name === 'listener')!.down.pps).toBeCloseTo(692, 9);
    expect(traffic.in.pps).toBeCloseTo(10 * 50 + 4 * (24 + 48 + 96), 9);
  });

  it('browsers keep simulcast and paging', () => {
    expect(asLoadTested(s, 'browsers').settings).toMatchObject({ simulcast: true, pageSize: 9, audioSenders: 6 });
  });

  it('refuses meetings that stay in the mesh', () => {
    expect(() =>
      asLoadTested(parsePlanInput({ meetings: 1, participants: 3, senders: 1, resolution: 360 }), 'bots'),
    ).toThrow(/more than 3 participants/);
  });

  it("counts the bots' clip packets with their headers", () => {
    // two frames: 2 packets of 1000 B, 1 packet of 500 B payload, at 10 fps
    const frames = [[Buffer.alloc(1000), Buffer.alloc(1000)], [Buffer.alloc(500)]];
    expect(clipRate(frames, 10)).toEqual({ pps: 15, bps: ((2_500 + 3 * 40) * 8 * 10) / 2 });
  });
});

describe('calibration file', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const calibration: Calibration = {
    version: CALIBRATION_VERSION,
    createdAt: '2026-11-21T22:00:00.000Z',
    machine: {
      cpuModel: 'AMD EPYC',
      cores: 2,
      hostname: 'vm',
      node: 'v20.20.2',
      worker: { path: '/x', sha256: null, variant: 'missing' },
    },
    cost: { ppsOutPerCpuSecond: 80_000, cpuSecondsPerPacketIn: 0, consumersPerCore: 1_100 },
    bench: { quick: true, variant: 'default', srtp: true, packetMix: 'meeting', durationSec: 10, figures: {} },
  };

  it('round-trips and rejects a damaged or missing file with a clear error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-capacity-'));
    dirs.push(dir);
    const file = path.join(dir, 'sub', 'capacity.json');
    await writeCalibration(calibration, file);
    expect(await readCalibration(file)).toEqual(calibration);
    const json = JSON.parse(await readFile(file, 'utf8')) as Calibration;
    await writeFile(file, JSON.stringify({ ...json, cost: { ...json.cost, ppsOutPerCpuSecond: -1 } }));
    await expect(readCalibration(file)).rejects.toThrow(/is invalid \(cost\.ppsOutPerCpuSecond: must be above 0\)/);
    await writeFile(file, '{not json');
    await expect(readCalibration(file)).rejects.toThrow(/is not JSON/);
    await expect(readCalibration(path.join(dir, 'none.json'))).rejects.toThrow(
      /run `npm run capacity -- calibrate` first/,
    );
  });
});
