/**
 * The load-test CLI end to end: `node --import tsx loadtest/src/cli.ts` (the npm script) against an embedded Parley (its own
 * ports: 58100+ and 59000-59499), 2 meetings × (2 browser senders + 1 receive-only browser + 5 RTP bot
 * senders): the run is gated by thresholds (exit 0), writes report.json and report.html with
 * the metrics; the same report fails an impossible threshold (exit 1, with the miss printed);
 * bad input exits 2 before anything starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../src/reportTypes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'loadtest', 'src', 'cli.ts');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], timeoutMs: number): Promise<CliResult> {
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
      child.kill('SIGINT'); // the CLI still tears down and writes its report
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run loadtest (CLI)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'parley-loadtest-cli-'));
  let run: CliResult;
  let report: LoadReport;

  beforeAll(async () => {
    run = await runCli(
      [
        '--meetings',
        '2',
        '--senders',
        '2',
        '--receivers',
        '1',
        '--bot-senders',
        '5',
        '--duration',
        '8',
        '--join-rate',
        '5',
        '--sample-interval',
        '1000',
        '--port-base',
        '58100',
        '--bot-ports',
        '59000-59499',
        '--media-workers',
        '2',
        '--progress',
        'lines',
        '--out',
        outDir,
        '--threshold',
        'failed<=0',
        '--threshold',
        'joined>=16',
        '--threshold',
        'fps.mean>=1',
        '--threshold',
        'workerCpu.max>=0',
      ],
      150_000,
    );
    if (existsSync(join(outDir, 'report.json')))
      report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as LoadReport;
  }, 180_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('passes its thresholds on a healthy run (exit 0) and prints the verdict', () => {
    expect(run.stderr, run.stdout).not.toMatch(/could not start/);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/thresholds: PASSED/);
    expect(run.stdout).toMatch(/joined \d+\/16/); // the progress lines
  });

  it('writes report.json with every client, their samples and the server metrics', () => {
    expect(report.summary).toMatchObject({ clients: 16, joined: 16, failed: 0 });
    const kinds = report.clients.map((c) => `${c.kind}/${c.role}`);
    expect(kinds.filter((k) => k === 'browser/sender')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'browser/receiver')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'bot/sender')).toHaveLength(10);
    expect(new Set(report.clients.map((c) => c.meetingId)).size).toBe(2);
    // 8 participants per meeting: past MESH_MAX_PARTICIPANTS, so the meetings run on the SFU.
    expect(report.clients.every((c) => c.lastMode === 'sfu')).toBe(true);
    for (const client of report.clients.filter((c) => c.kind === 'browser')) {
      expect(client.join.ok && client.join.joinMs).toBeGreaterThan(0);
      expect(client.fpsMean, client.id).toBeGreaterThan(0);
      expect(client.videoStreamsMax, client.id).toBeGreaterThanOrEqual(5); // the bots' video at least
    }
    const receiver = report.clients.find((c) => c.role === 'receiver')!;
    expect(receiver.join.ok && receiver.join.firstFrameMs).toBeGreaterThan(0);
    expect(receiver.bitrateOutMean ?? 0).toBeLessThan(receiver.bitrateInMean ?? 0); // receive-only
    expect(report.summary.joinMs.count).toBe(16);
    expect(report.summary.fps.mean).toBeGreaterThan(0);
    expect(report.samples.length).toBeGreaterThan(16);
    expect(report.timeline.length).toBeGreaterThan(3);
    const scraped = report.server.filter((s) => s.ok);
    expect(scraped.length).toBeGreaterThan(3);
    expect(Object.keys(scraped[scraped.length - 1]!.workerCpu)).toHaveLength(2);
    expect(report.summary.consumersMax).toBeGreaterThan(0);
    expect(report.summary.eventLoopLagMs.count).toBeGreaterThan(0);
    expect(report.thresholds.map((t) => t.passed)).toEqual([true, true, true, true]);
    // fps received / fps sent, per receiving client.
    expect(report.summary.fpsRatio.count).toBeGreaterThan(0);
    expect(report.summary.fpsRatio.min).toBeGreaterThan(0);
    expect(report.lowestFpsRatio.length).toBeGreaterThan(0);
    // What the clients cost over the hold.
    expect(report.cost).toMatchObject({ bots: 10, browserClients: 6, browserProcesses: 1 });
    expect(report.cost!.botCpuPct).toBeGreaterThan(0);
    expect(report.cost!.browserCpuPct).toBeGreaterThan(0);
    expect(report.cost!.parleyCpuPct).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/cost over the [\d.]+ s hold/);
  });

  it('writes a self-contained report.html with charts and the clients', () => {
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script[^>]+src=/); // everything inline
    expect(html).toContain('new Chart(');
    expect(html).toMatch(/Chart\.js v4/); // the library itself, inlined
    for (const id of ['chart-fps', 'chart-cpu', 'hist-join', 'hist-fps']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('Worst clients');
    expect(html).toContain('What the clients cost');
    expect(html).toContain('Lowest fps ratio');
    expect(html).toContain('m2-bot-sender-5');
    expect(existsSync(join(outDir, 'parley.log'))).toBe(true);
  });

  it('fails a threshold that cannot hold, saying by how much (exit 1)', async () => {
    const check = await runCli(
      ['--check-report', join(outDir, 'report.json'), '-t', 'failed<=0', '-t', 'fps.mean>=1000'],
      30_000,
    );
    expect(check.code, check.stdout + check.stderr).toBe(1);
    expect(check.stdout).toMatch(/FAILED/);
    expect(check.stdout).toMatch(/fps\.mean = [\d.]+, needs >= 1000: missed by/);
    expect(check.stdout).toMatch(/ok +failed<=0/);
  });

  it('exits 2 on bad input without starting anything', async () => {
    const bad = await runCli(['-t', 'latency<=5'], 30_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown threshold metric "latency"/);
    const missing = await runCli(['--check-report', join(outDir, 'nope.json')], 30_000);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });
});
