import { describe, expect, it } from 'vitest';
import { deriveSample, type InboundTotals, type PageSnapshot } from '../src/browser/streamDeltas.js';
import type { ClientSample, ClientSpec } from '../src/clientTypes.js';
import { histogram } from '../src/reporting/histogram.js';
import {
  buildTimeline,
  lowestFpsRatio,
  summarizeClient,
  summarizeRun,
  worstClients,
  type ClientRecord,
} from '../src/stats/aggregate.js';
import { distribution, mean, percentile, quantileSorted } from '../src/stats/percentile.js';

describe('percentile', () => {
  it('interpolates between ranks (R type 7)', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([7], 95)).toBe(7);
    expect(quantileSorted([1, 2, 3], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3], 1)).toBe(3);
  });

  it('ignores the order and non-finite values, answers null when empty', () => {
    expect(percentile([5, 1, Number.NaN, 3], 50)).toBe(3);
    expect(percentile([], 50)).toBeNull();
    expect(mean([null, 2, undefined, 4])).toBe(3);
    expect(mean([])).toBeNull();
  });

  it('summarises a distribution', () => {
    const d = distribution([4, 1, 3, 2, null]);
    expect(d).toMatchObject({ count: 4, mean: 2.5, min: 1, p50: 2.5, max: 4 });
    expect(d.p5).toBeCloseTo(1.15);
    expect(d.p95).toBeCloseTo(3.85);
    expect(distribution([])).toEqual({ count: 0, mean: null, min: null, p5: null, p50: null, p95: null, max: null });
  });
});

const video = (key: string, over: Partial<InboundTotals> = {}): InboundTotals => ({
  key,
  kind: 'video',
  packetsReceived: 0,
  packetsLost: 0,
  bytesReceived: 0,
  framesDecoded: 0,
  freezeCount: 0,
  totalFreezesDuration: 0,
  jitter: null,
  ...over,
});
const snapshot = (at: number, inbound: InboundTotals[], bytesSent = 0, rtt: number | null = null): PageSnapshot => ({
  at,
  mode: 'sfu',
  inbound,
  bytesSent,
  rtt,
});

describe('deriveSample (getStats totals → rates)', () => {
  it('computes fps, freezes, loss and bitrates over the interval', () => {
    const before = snapshot(1000, [
      video('0:a', { framesDecoded: 100, bytesReceived: 10_000, packetsReceived: 100 }),
      video('0:b', { framesDecoded: 50, bytesReceived: 5000, packetsReceived: 50 }),
      { ...video('0:c', { bytesReceived: 1000, packetsReceived: 100 }), kind: 'audio' },
    ]);
    const after = snapshot(
      3000,
      [
        video('0:a', {
          framesDecoded: 130,
          bytesReceived: 30_000,
          packetsReceived: 190,
          packetsLost: 10,
          freezeCount: 1,
          totalFreezesDuration: 0.6,
          jitter: 0.01,
        }),
        video('0:b', { framesDecoded: 60, bytesReceived: 10_000, packetsReceived: 100, jitter: 0.03 }),
        { ...video('0:c', { bytesReceived: 2000, packetsReceived: 200 }), kind: 'audio' },
      ],
      40_000,
      0.025,
    );
    const sample = deriveSample('c1', 5000, snapshot(0, [], 30_000), before);
    expect(sample.fps).toBeNull(); // nothing decoded in between: streams appeared
    const next = deriveSample('c1', 7000, before, after);
    expect(next.videoStreams).toBe(2);
    expect(next.fps).toBeCloseTo((15 + 5) / 2);
    expect(next.minFps).toBeCloseTo(5);
    expect(next.freezes).toBe(1);
    expect(next.freezeMs).toBeCloseTo(600);
    expect(next.packetLoss).toBeCloseTo(10 / (10 + 240));
    expect(next.bitrateIn).toBeCloseTo(((20_000 + 5000 + 1000) * 8) / 2);
    expect(next.jitterMs).toBeCloseTo(20);
    expect(next.rttMs).toBeCloseTo(25);
    expect(next.mode).toBe('sfu');
  });

  it('counts a stalled stream as 0 fps, ignores closed and never-started ones, and never goes negative', () => {
    const before = snapshot(0, [
      video('0:a', { framesDecoded: 10, bytesReceived: 500 }),
      video('1:gone', { bytesReceived: 100 }),
      video('0:idle'),
    ]);
    const after = snapshot(1000, [video('0:a', { framesDecoded: 10, bytesReceived: 500 }), video('0:idle')], 0);
    const sample = deriveSample('c1', 1000, { ...before, bytesSent: 5000 }, after);
    expect(sample.videoStreams).toBe(1);
    expect(sample.fps).toBe(0);
    expect(sample.bitrateOut).toBe(0);
    expect(sample.packetLoss).toBeNull();
  });
});

const spec = (id: string, role: 'sender' | 'receiver' = 'sender'): ClientSpec => ({
  id,
  kind: 'browser',
  role,
  baseUrl: 'http://x',
  meetingId: 'm',
  email: id,
  password: 'p',
  video: { width: 320, height: 180, fps: 15 },
});
const sample = (clientId: string, t: number, over: Partial<ClientSample> = {}): ClientSample => ({
  t,
  clientId,
  videoStreams: 1,
  fps: 15,
  minFps: 15,
  freezes: 0,
  freezeMs: 0,
  packetLoss: 0,
  jitterMs: 5,
  rttMs: 10,
  bitrateIn: 300_000,
  bitrateOut: 300_000,
  mode: 'mesh',
  ...over,
});

describe('aggregation', () => {
  const good: ClientRecord = {
    spec: spec('good'),
    browser: 0,
    join: { ok: true, joinMs: 800, firstFrameMs: 1500, mode: 'mesh' },
    joinedAt: 1000,
  };
  const slow: ClientRecord = {
    spec: spec('slow', 'receiver'),
    browser: 0,
    join: { ok: true, joinMs: 4000, firstFrameMs: null, mode: 'mesh' },
    joinedAt: 1000,
  };
  const failed: ClientRecord = {
    spec: spec('failed'),
    browser: 1,
    join: { ok: false, stage: 'join', reason: 'meeting page ended in phase "error"' },
    joinedAt: 2000,
  };
  const samples = [
    ...[2000, 4000, 6000, 8000].map((t) => sample('good', t)),
    sample('slow', 2000, { fps: 1 }), // first sample after the join: left out of rates
    sample('slow', 4000, { fps: 5, freezes: 2, freezeMs: 1200, packetLoss: 0.05 }),
    sample('slow', 6000, { fps: 7, freezes: 1, freezeMs: 600, packetLoss: 0.03 }),
    sample('slow', 8000, { fps: 6 }),
  ];

  it('summarises each client over its steady samples', () => {
    const summary = summarizeClient(slow, samples);
    expect(summary.fpsMean).toBeCloseTo(6);
    expect(summary.fpsMin).toBe(5);
    expect(summary.freezes).toBe(3);
    expect(summary.freezeMs).toBe(1800);
    expect(summary.freezesPerMinute).toBeCloseTo((3 * 60_000) / 6000);
    expect(summary.observedMs).toBe(6000);
    expect(summary.packetLossMean).toBeCloseTo(0.08 / 3);
    // fpsRatio: the client's mean received fps / the sent fps (6 of 15); null without a sent fps.
    expect(summary.fpsRatio).toBeNull();
    expect(summarizeClient(slow, samples, 15).fpsRatio).toBeCloseTo(0.4);
    const none = summarizeClient(failed, samples);
    expect(none.fpsMean).toBeNull();
    expect(summarizeClient(failed, samples, 15).fpsRatio).toBeNull();
    expect(none.join.ok).toBe(false);
  });

  it('builds the run summary, the timeline and the worst clients', () => {
    const clients = [good, slow, failed].map((r) => summarizeClient(r, samples));
    const run = summarizeRun(clients, [
      {
        t: 2000,
        ok: true,
        mediaNodes: 1,
        workerCpu: { 'n/0': 0.2, 'n/1': 0.4 },
        workerCpuMax: 0.4,
        workerCpuTotal: 0.6,
        consumers: 10,
        producers: 4,
        routers: 1,
        eventLoopLagMs: 12,
        serverCpu: 0.1,
      },
      {
        t: 4000,
        ok: false,
        error: 'down',
        mediaNodes: null,
        workerCpu: {},
        workerCpuMax: null,
        workerCpuTotal: null,
        consumers: null,
        producers: null,
        routers: null,
        eventLoopLagMs: null,
        serverCpu: null,
      },
    ]);
    expect(run).toMatchObject({ clients: 3, joined: 2, failed: 1, consumersMax: 10 });
    expect(run.failures).toEqual([{ id: 'failed', stage: 'join', reason: 'meeting page ended in phase "error"' }]);
    expect(run.joinMs.max).toBe(4000);
    expect(run.firstFrameMs.count).toBe(1);
    expect(run.workerCpu.max).toBe(0.4);
    expect(run.workerCpu.totalMax).toBeCloseTo(0.6);

    const timeline = buildTimeline([good, slow, failed], samples);
    expect(timeline.map((p) => p.t)).toEqual([2000, 4000, 6000, 8000]);
    expect(timeline[0]).toMatchObject({ joined: 2, failed: 1, bitrateInTotal: 600_000 });
    expect(timeline[1]!.fpsMean).toBeCloseTo(10);
    expect(timeline[1]!.freezes).toBe(2);

    // fpsRatio over clients: min = the slowest client's mean (6 of 15), not one instant sample.
    const rated = [good, slow, failed].map((r) => summarizeClient(r, samples, 15));
    const ratedRun = summarizeRun(rated, []);
    expect(ratedRun.fpsRatio.count).toBe(2);
    expect(ratedRun.fpsRatio.min).toBeCloseTo(0.4);
    expect(lowestFpsRatio(rated).map((c) => c.id)).toEqual(['slow', 'good']);

    const worst = worstClients(clients, 15);
    expect(worst.map((w) => w.id)).toEqual(['failed', 'slow']);
    expect(worst[1]!.problems.join(' ')).toMatch(/6\.0 fps of 15/);
    expect(worst[1]!.problems.join(' ')).toMatch(/3 freezes \(1800 ms, 30 % of the time\)/);
  });
});

describe('histogram', () => {
  it('bins values into equal widths', () => {
    const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], 5);
    expect(h.counts).toEqual([2, 2, 2, 2, 2]);
    expect(h.labels[0]).toBe('0–2');
    expect(histogram([3, 3, 3])).toEqual({ labels: ['3'], counts: [3] });
    expect(histogram([])).toEqual({ labels: [], counts: [] });
  });
});
