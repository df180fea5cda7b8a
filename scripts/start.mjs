// `npm start`: Parley on its embedded default (PGlite under ./data, in-process adapter) with one
// signalling server and one media node, each its own process. Flags:
//   --server-only   a signalling instance alone (`npm run start:server`)
//   --media-only    a media node alone (`npm run start:media`)
//   --migrate-only  apply the database migrations and exit (`npm run migrate`)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { killGraceMs } from './shutdownGrace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const serverEntry = join(root, 'server', 'dist', 'main.js');
const mediaEntry = join(root, 'media-workers', 'dist', 'main.js');

const mode = args.has('--media-only')
  ? 'media'
  : args.has('--server-only')
    ? 'server'
    : args.has('--migrate-only')
      ? 'migrate'
      : 'all';

buildIfNeeded(root, { client: mode === 'all' || mode === 'server' });

/** Running children: process → name ('media', 'server', 'migrate'). */
const children = new Map();
let stopping = false;
let exitCode = 0;
let mediaRestarts = 0;

function launch(name, entry, extraArgs, env) {
  const child = spawn(process.execPath, [entry, ...extraArgs], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  children.set(child, name);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (stopping) {
      if (children.size === 0) process.exit(exitCode);
      return;
    }
    onChildExit(name, code, signal);
  });
  return child;
}

function onChildExit(name, code, signal) {
  if (name === 'media' && mode === 'all') {
    // Chat and mesh calls need no media node: keep serving, and bring the node back.
    const delay = Math.min(60_000, 2000 * 2 ** mediaRestarts++);
    console.error(`[parley] media node exited (${signal ?? code}); restarting in ${delay / 1000} s`);
    setTimeout(() => !stopping && startMedia(), delay);
    return;
  }
  stop(code ?? 1);
}

// Each child gets SIGTERM, then its own grace before SIGKILL: a media node's follows
// MEDIA_DRAIN_MAX_MS (scripts/shutdownGrace.mjs), so its drain is never cut short. This process
// exits once every child has.
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  if (children.size === 0) process.exit(code);
  for (const [child, name] of children) {
    child.kill('SIGTERM');
    const graceMs = killGraceMs(name, process.env);
    setTimeout(() => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      console.error(`[parley] ${name} did not exit within ${graceMs / 1000} s of SIGTERM; killing it`);
      child.kill('SIGKILL');
    }, graceMs).unref();
  }
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const mediaRpcPort = process.env.MEDIA_RPC_PORT ?? '4000';
const startMedia = () => launch('media', mediaEntry, [], {});

if (mode === 'migrate') launch('migrate', serverEntry, ['--migrate-only'], {});
if (mode === 'server') launch('server', serverEntry, [], {});
if (mode === 'media') startMedia();
if (mode === 'all') {
  startMedia();
  launch('server', serverEntry, [], {
    MEDIA_NODE_URLS: process.env.MEDIA_NODE_URLS ?? `http://127.0.0.1:${mediaRpcPort}`,
  });
}
