/**
 * A PostgreSQL cluster of a test's own (initdb into a temporary folder with Debian's binaries,
 * on a free port), that the test may stop, start, pause or kill without touching the machine's
 * shared PostgreSQL. initdb refuses to run as root, so as root the cluster belongs to the
 * `postgres` system user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../serverProcess.js';

export interface PrivatePostgres {
  port: number;
  /** A database `parley` owned by the trust-authenticated superuser `postgres`. */
  url: string;
  /** pg_ctl stop -m fast (connections are closed). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP of the postmaster and its backends: queries hang. */
  pause(): void;
  resume(): void;
  /** Stops it for good and removes its folder. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL binaries under ${root} (apt-get install postgresql)`);
  return join(root, versions[0]!, 'bin');
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const folder = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const data = join(folder, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(folder, uid, gid);
  }
  const exec = (tool: string, args: string[]) =>
    asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { encoding: 'utf8' })
      : spawnSync(join(bin, tool), args, { encoding: 'utf8' });
  const run = (tool: string, args: string[]) => {
    const result = exec(tool, args);
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = (): Promise<void> => {
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(folder, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
    return Promise.resolve();
  };
  await start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE parley');
  await admin.end();
  const postmasterPid = () =>
    Number(execFileSync('head', ['-1', join(data, 'postmaster.pid')], { encoding: 'utf8' }).trim());
  const signalAll = (signal: 'STOP' | 'CONT') => {
    // The postmaster and every backend (children of the postmaster).
    spawnSync('pkill', [`-${signal}`, '-P', String(postmasterPid())]);
    spawnSync('kill', [`-${signal}`, String(postmasterPid())]);
  };
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/parley`,
    stop: () => Promise.resolve(run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])),
    start,
    pause: () => signalAll('STOP'),
    resume: () => signalAll('CONT'),
    destroy() {
      try {
        signalAll('CONT');
      } catch {
        // not running
      }
      exec('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(folder, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
