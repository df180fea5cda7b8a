/**
 * `npm start` as a new user runs it: no DATABASE_URL, no REDIS_URL. One command brings up a
 * signalling server (embedded PGlite, in-process adapter) and a media node as separate
 * processes, serves the built client, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureClientBuild } from '../support/browser.js';
import { REPO_ROOT, freePort, serverEnv } from '../support/serverProcess.js';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-npm-start-'));
let parley: ChildProcess | undefined;

afterAll(() => {
  if (parley && parley.exitCode === null) parley.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Health {
  status: string;
  db: string;
  redis: string;
  media: { nodes: number; connected: number };
}

async function pollHealth(url: string, ready: (h: Health) => boolean, timeoutMs: number): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      last = await response.json();
      if (response.status === 200 && ready(last as Health)) return last as Health;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready after ${timeoutMs} ms; last /health: ${JSON.stringify(last)}`);
}

describe('npm start (embedded default)', () => {
  it('answers /health with one media node, serves the page, and exits 0 on SIGTERM', async () => {
    ensureClientBuild();
    // Three distinct ports (the OS may hand the same free port out twice in a row).
    const taken = new Set<number>();
    const distinctPort = async (): Promise<number> => {
      for (;;) {
        const candidate = await freePort();
        if (!taken.has(candidate)) return (taken.add(candidate), candidate);
      }
    };
    const port = await distinctPort();
    const rpcPort = await distinctPort();
    const rtcPort = await distinctPort();
    const env = serverEnv(port, dataDir, {
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      MEDIA_NODE_URLS: undefined,
      MEDIA_WORKERS: '1',
      MEDIA_RPC_PORT: String(rpcPort),
      MEDIA_RTC_PORT: String(rtcPort),
    });
    parley = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs')], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    parley.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    parley.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const url = `http://127.0.0.1:${port}`;

    const health = await pollHealth(url, (h) => h.media?.connected >= 1, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- output ---\n${output.slice(-4000)}`);
    });
    expect(health).toMatchObject({ status: 'ok', db: 'ok', redis: 'disabled' });
    expect(health.media.nodes).toBe(1);

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<div id="root">');
    const deepLink = await fetch(`${url}/meet/some-meeting`);
    expect(await deepLink.text()).toContain('<div id="root">');
    expect(readdirSync(dataDir)).toContain('pglite');

    const exited = new Promise<number | null>((resolve) => parley!.once('exit', (code) => resolve(code)));
    parley.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 180_000);
});
