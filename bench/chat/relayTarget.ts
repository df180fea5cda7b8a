import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearRedisPrefix, freshRedisPrefix, TEST_REDIS_URL } from '../../test/support/testDatabase.js';
import { cpuProfSetup, type Target, type TargetOptions } from './fleet.js';
import { GC_HOOK } from './parleyTarget.js';
import type { Topology } from './topology.js';

const RELAY_SCRIPT = fileURLToPath(new URL('./relayServer.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`relay at ${url} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`relay at ${url} not healthy after ${timeoutMs} ms`);
}

/** Two baseline relay processes (relayServer.ts) on one fresh Redis prefix. */
export async function startRelayTarget(topology: Topology, options: TargetOptions): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-relay-'));
  const membersFile = join(dir, 'members.json');
  const conversationIds = topology.groups.map((_, g) => `c${g}`);
  const members = Object.fromEntries(topology.groups.map((users, g) => [`c${g}`, users.map((u) => `u${u}`)]));
  writeFileSync(membersFile, JSON.stringify(members));
  const prefix = freshRedisPrefix('bench-relay');
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
    await clearRedisPrefix(prefix);
  };
  process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));
  try {
    for (const [i, port] of options.ports.entries()) {
      const profile = cpuProfSetup(options.cpuProfDir, `relay-${'ab'[i]}`);
      const child = spawn(process.execPath, ['--require', GC_HOOK, ...profile.args, '--import', 'tsx', RELAY_SCRIPT], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          REDIS_URL: TEST_REDIS_URL,
          REDIS_PREFIX: prefix,
          RELAY_MEMBERS: membersFile,
          ...profile.env,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      await waitForHealth(`http://127.0.0.1:${port}`, child);
    }
    return {
      name: 'baseline',
      urls: options.ports.map((port) => `http://127.0.0.1:${port}`) as [string, string],
      pids: children.map((child) => child.pid ?? -1),
      auth: (user) => ({ userId: `u${user}` }),
      conversationIds,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
