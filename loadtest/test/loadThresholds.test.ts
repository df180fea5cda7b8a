import { describe, expect, it } from 'vitest';
import { buildProgram, toRunOptions } from '../src/cli.js';
import { planClients } from '../src/clientPlan.js';
import { LoadTestOptionsSchema, parseVideoSize } from '../src/options.js';
import type { RunSummary } from '../src/reportTypes.js';
import { parseServerMetrics } from '../src/server/serverMetrics.js';
import { distribution } from '../src/stats/percentile.js';
import { evaluateThreshold, evaluateThresholds, parseThreshold, thresholdMetrics } from '../src/thresholds.js';

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  clients: 10,
  joined: 9,
  failed: 1,
  failures: [{ id: 'x', stage: 'join', reason: 'r' }],
  joinMs: distribution([1000, 2000, 3000, 8000]),
  firstFrameMs: distribution([]),
  fps: distribution([14, 15, 12]),
  fpsRatio: distribution([14 / 15, 1, 12 / 15]),
  freezesPerMinute: distribution([0, 1]),
  packetLoss: distribution([0.01, 0.03]),
  jitterMs: distribution([5]),
  rttMs: distribution([3]),
  bitrateIn: distribution([300_000]),
  workerCpu: { max: 0.5, mean: 0.3, totalMax: 0.9, totalMean: 0.6 },
  consumersMax: 40,
  eventLoopLagMs: distribution([10, 20]),
  ...over,
});

describe('fpsRatio thresholds', () => {
  it('fpsRatio.min is the worst client: 12 of 15 fps misses 0.9', () => {
    const result = evaluateThreshold(parseThreshold('fpsRatio.min>=0.9'), summary());
    expect(result.actual).toBeCloseTo(0.8);
    expect(result.passed).toBe(false);
    expect(evaluateThreshold(parseThreshold('fpsRatio.min>=0.75'), summary()).passed).toBe(true);
  });
});

describe('threshold parsing', () => {
  it('reads metric, operator and limit (a % divides by 100)', () => {
    expect(parseThreshold('joinMs.p95<=5000')).toEqual({
      expression: 'joinMs.p95<=5000',
      metric: 'joinMs.p95',
      op: '<=',
      limit: 5000,
    });
    expect(parseThreshold(' fps.p5 >= 12.5 ')).toMatchObject({ metric: 'fps.p5', op: '>=', limit: 12.5 });
    expect(parseThreshold('packetLoss.mean<2%')).toMatchObject({ op: '<', limit: 0.02 });
    expect(parseThreshold('failed==0')).toMatchObject({ metric: 'failed', op: '==', limit: 0 });
    expect(thresholdMetrics()).toContain('workerCpu.max');
  });

  it('rejects malformed expressions and unknown metrics with a hint', () => {
    expect(() => parseThreshold('joinMs.p95')).toThrow(/not "metric op value"/);
    expect(() => parseThreshold('joinMs.p95 => 5')).toThrow(/not "metric op value"/);
    expect(() => parseThreshold('joinMs.p99<=5')).toThrow(
      /unknown threshold metric "joinMs.p99"; try one of joinMs.mean/,
    );
    expect(() => parseThreshold('latency<=5')).toThrow(/unknown threshold metric/);
  });
});

describe('threshold evaluation', () => {
  it('passes and fails with the actual value and the miss', () => {
    const s = summary();
    expect(evaluateThreshold(parseThreshold('fps.mean>=13'), s)).toMatchObject({ passed: true, actual: 41 / 3 });
    const missed = evaluateThreshold(parseThreshold('joinMs.p95<=5000'), s);
    expect(missed.passed).toBe(false);
    expect(missed.actual).toBeCloseTo(7250);
    expect(missed.message).toBe('joinMs.p95 = 7250, needs <= 5000: missed by 2250, 45 %');
    expect(evaluateThreshold(parseThreshold('failed<=0'), s).message).toBe('failed = 1, needs <= 0: missed by 1');
    expect(evaluateThreshold(parseThreshold('failedRatio<10%'), s).passed).toBe(false);
    expect(evaluateThreshold(parseThreshold('workerCpu.max<0.6'), s).passed).toBe(true);
  });

  it('fails a threshold whose metric has no data', () => {
    const result = evaluateThreshold(parseThreshold('firstFrameMs.p95<=3000'), summary());
    expect(result).toMatchObject({ passed: false, actual: null });
    expect(result.message).toMatch(/no data/);
    expect(evaluateThresholds([], summary())).toEqual([]);
  });
});

describe('command line', () => {
  const parse = (...args: string[]) => {
    const program = buildProgram()
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} });
    program.parse(['node', 'cli', ...args]);
    return toRunOptions(program.opts<Parameters<typeof toRunOptions>[0]>());
  };

  it('maps options to a valid run', () => {
    const options = parse(
      '-m',
      '2',
      '-s',
      '3',
      '-r',
      '1',
      '--bot-senders',
      '5',
      '--video',
      '640x360@24',
      '-t',
      'fps.p5>=10',
      '-t',
      'failed<=0',
      '--bot-ports',
      '51000-51999',
    );
    expect(options).toMatchObject({
      meetings: 2,
      senders: 3,
      receivers: 1,
      botSenders: 5,
      video: { width: 640, height: 360, fps: 24 },
      thresholds: ['fps.p5>=10', 'failed<=0'],
      botPorts: { min: 51000, max: 51999 },
    });
    expect(LoadTestOptionsSchema.safeParse(options).success).toBe(true);
    expect(parse().thresholds).toEqual(['failed<=0']);
    expect(parse('--video', '320x180', '--fps', '30').video).toEqual({ width: 320, height: 180, fps: 30 });
  });

  it('rejects bad values before anything starts', () => {
    expect(() => parse('-m', '0')).toThrow(/whole number >= 1/);
    expect(() => parse('--join-rate', '-1')).toThrow(/> 0/);
    expect(() => parse('-t', 'nonsense')).toThrow(/metric op value/);
    expect(() => parse('--progress', 'fancy')).toThrow();
    expect(() => parse('--bot-ports', '9-3')).toThrow(/MIN-MAX/);
    expect(() => parseVideoSize('big')).toThrow(/WIDTHxHEIGHT/);
    expect(() => parseVideoSize('10x10')).toThrow(/out of range/);
    expect(LoadTestOptionsSchema.safeParse({ target: 'not a url' }).success).toBe(false);
  });
});

describe('client plan', () => {
  it('joins senders before receivers, meetings interleaved, with valid unique usernames', () => {
    const plan = planClients({ meetings: 2, senders: 2, receivers: 1, botSenders: 1, botReceivers: 0 }, 'abc123');
    expect(plan.map((p) => p.id)).toEqual([
      'm1-browser-sender-1',
      'm2-browser-sender-1',
      'm1-browser-sender-2',
      'm2-browser-sender-2',
      'm1-bot-sender-1',
      'm2-bot-sender-1',
      'm1-browser-receiver-1',
      'm2-browser-receiver-1',
    ]);
    const names = plan.map((p) => p.username);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9_.-]{3,32}$/);
  });
});

describe('server /metrics parsing', () => {
  it('reads worker CPU, consumers, event-loop lag and process CPU', () => {
    const text = [
      '# HELP parley_media_nodes Media nodes',
      '# TYPE parley_media_nodes gauge',
      'parley_media_nodes 1',
      '# TYPE parley_media_worker_cpu gauge',
      'parley_media_worker_cpu{node="a",worker="0"} 0.25',
      'parley_media_worker_cpu{node="a",worker="1"} 0.5',
      '# TYPE parley_media_consumers gauge',
      'parley_media_consumers{node="a",worker="0"} 12',
      'parley_media_consumers{node="a",worker="1"} 8',
      '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
      'nodejs_eventloop_lag_p99_seconds 0.015',
      '# TYPE process_cpu_seconds_total counter',
      'process_cpu_seconds_total 12.5',
      '',
    ].join('\n');
    const sample = parseServerMetrics(text, 1000);
    expect(sample).toMatchObject({
      ok: true,
      mediaNodes: 1,
      workerCpu: { 'a/0': 0.25, 'a/1': 0.5 },
      workerCpuMax: 0.5,
      workerCpuTotal: 0.75,
      consumers: 20,
      producers: null,
      cpuSeconds: 12.5,
    });
    expect(sample.eventLoopLagMs).toBeCloseTo(15);
  });

  it("prefers Parley's event-loop delay (the 10 ms timer interval taken out) to prom-client's p99", () => {
    const text = [
      '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
      'nodejs_eventloop_lag_p99_seconds 0.015',
      '# TYPE parley_event_loop_delay_seconds gauge',
      'parley_event_loop_delay_seconds{quantile="0.5"} 0.0001',
      'parley_event_loop_delay_seconds{quantile="0.99"} 0.005',
      'parley_event_loop_delay_seconds{quantile="max"} 0.008',
      '',
    ].join('\n');
    expect(parseServerMetrics(text, 1000).eventLoopLagMs).toBeCloseTo(5);
  });
});
