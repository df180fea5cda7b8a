// Builds whatever is not built yet: the TypeScript projects (tsc -b is incremental, so an
// up-to-date tree costs about a second) and the client bundle when it is missing or older than
// its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function run(root, cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[parley] "${cmd} ${args.join(' ')}" failed`);
    process.exit(result.status ?? 1);
  }
}

export function buildIfNeeded(root, { client = true } = {}) {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  if (!existsSync(tsc)) {
    console.error('[parley] dependencies are missing: run `npm install` first');
    process.exit(1);
  }
  run(root, tsc, ['-b']);
  if (!client) return;
  const index = join(root, 'client', 'dist', 'index.html');
  const sources = [join(root, 'client', 'src'), join(root, 'protocol', 'src')];
  const stale = !existsSync(index) || Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs;
  if (stale) {
    console.log('[parley] building the client ...');
    run(root, 'npm', ['run', '--silent', 'build', '-w', 'client']);
  }
}
