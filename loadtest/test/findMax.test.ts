/**
 * `--find-max`: the search logic with a fake step runner (pure), then ONE short real run through
 * the CLI (2 steps, RTP bots only: 2 bot senders, 2 then 4 bot receivers, 8 s hold; ports
 * 58500+ and 59500-59999) that must write find-max.json with both steps, their reports and a verdict.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { FindMaxFile } from '../src/findMax/runFindMax.js';
import {
  findMax,
  HEALTHY_THRESHOLDS,
  stepSize,
  type FindMaxGrowth,
  type StepOutcome,
  type StepSize,
} from '../src/findMax/search.js';

const growth: FindMaxGrowth = {
  baseReceivers: 0,
  baseBotReceivers: 10,
  stepReceivers: 2,
  stepBotReceivers: 20,
  maxSteps: 5,
};

const fakeStep =
  (healthyUpTo: number, calls: StepSize[]) =>
  (size: StepSize): Promise<StepOutcome> => {
    calls.push(size);
    const healthy = size.step <= healthyUpTo;
    return Promise.resolve({
      ...size,
      clients: 2 + size.receivers + size.botReceivers,
      joined: 2 + size.receivers + size.botReceivers,
      joinMsP95: 1000,
      fpsRatioMin: healthy ? 0.98 : 0.5,
      workerCpuMax: 0.1 * size.step,
      botCpuPct: 0.2,
      browserCpuPct: 5,
      healthy,
      missed: healthy ? [] : ['fpsRatio.min = 0.5, needs >= 0.9'],
      reportDir: `step-${size.step}`,
    });
  };

describe('find-max search (fake steps)', () => {
  it('grows every kind by its step from the base', () => {
    expect(stepSize(growth, 1)).toEqual({ step: 1, receivers: 2, botReceivers: 30 });
    expect(stepSize(growth, 3)).toEqual({ step: 3, receivers: 6, botReceivers: 70 });
  });

  it('stops at the first unhealthy step and keeps the one before', async () => {
    const calls: StepSize[] = [];
    const result = await findMax(growth, fakeStep(2, calls));
    expect(calls.map((c) => c.step)).toEqual([1, 2, 3]);
    expect(result.stoppedBecause).toBe('unhealthy');
    expect(result.largestHealthy?.step).toBe(2);
    expect(result.largestHealthy?.clients).toBe(2 + 4 + 50);
    expect(result.steps.map((s) => s.healthy)).toEqual([true, true, false]);
  });

  it('stops at --max-steps when every step is healthy', async () => {
    const calls: StepSize[] = [];
    const result = await findMax({ ...growth, maxSteps: 2 }, fakeStep(99, calls));
    expect(calls).toHaveLength(2);
    expect(result).toMatchObject({ stoppedBecause: 'max-steps', largestHealthy: { step: 2 } });
  });

  it('answers no healthy step when the first one is unhealthy', async () => {
    const result = await findMax(growth, fakeStep(0, []));
    expect(result.steps).toHaveLength(1);
    expect(result.largestHealthy).toBeNull();
  });

  it('stops when aborted, and refuses a growth of nothing', async () => {
    let n = 0;
    const result = await findMax(growth, fakeStep(99, []), () => n++ >= 1);
    expect(result).toMatchObject({ stoppedBecause: 'aborted', steps: [{ step: 1 }] });
    await expect(findMax({ ...growth, stepReceivers: 0, stepBotReceivers: 0 }, fakeStep(9, []))).rejects.toThrow(
      /step-receivers/,
    );
  });

  it('uses the project definition of healthy by default', () => {
    expect(HEALTHY_THRESHOLDS).toEqual(['fpsRatio.min>=0.9', 'joinMs.p95<3000', 'failed<=0']);
  });
});

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'loadtest', 'src', 'cli.ts');

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run loadtest -- --find-max (2 real steps, bots only)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'parley-loadtest-findmax-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes find-max.json with both steps, their reports and a verdict', async () => {
    const run = await runCli(
      [
        '--find-max',
        '--senders',
        '0',
        '--bot-senders',
        '2',
        '--step-bot-receivers',
        '2',
        '--max-steps',
        '2',
        '--duration',
        '8',
        '--join-rate',
        '5',
        '--sample-interval',
        '1000',
        '--mesh-max',
        '3',
        '--media-workers',
        '1',
        '--port-base',
        '58500',
        '--bot-ports',
        '59500-59999',
        '--progress',
        'none',
        '--out',
        outDir,
        '-t',
        'failed<=0',
      ],
      150_000,
    );
    const file = JSON.parse(readFileSync(join(outDir, 'find-max.json'), 'utf8')) as FindMaxFile;
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(file.steps.map((s) => [s.step, s.botReceivers, s.clients])).toEqual([
      [1, 2, 4],
      [2, 4, 6],
    ]);
    expect(file.steps.every((s) => s.healthy && s.joined === s.clients)).toBe(true);
    expect(file.stoppedBecause).toBe('max-steps');
    expect(file.largestHealthy?.step).toBe(2);
    expect(file.verdict).toMatch(/largest healthy meeting: 6 participants/);
    for (const step of file.steps) {
      expect(existsSync(join(outDir, step.reportDir, 'report.json'))).toBe(true);
      expect(step.fpsRatioMin).toBeGreaterThan(0); // the bot receivers received the senders' video
      expect(step.botCpuPct).toBeGreaterThan(0);
    }
    expect(run.stdout).toMatch(/min fps ratio/); // the steps table
  }, 170_000);
});
