// `npm test`: installs the system packages the suite needs (Chromium and Firefox ESR for browser
// tests, coturn for TURN tests, openssl as an independent DTLS peer of the media worker, nftables
// for the network test bed's NAT routers), builds the workspaces' declarations (`tsc -b`), runs
// the Prettier check, checks the import rules (`npm run lint:imports`, a few seconds), runs ESLint
// with its type-checked rules (`npm run lint:eslint`), builds what the tests run, type-checks the
// tests, then runs the whole suite. Prettier and ESLint cache their results in
// node_modules/.cache, so a rerun reads only changed files. ESLint's cache is per file: a type
// change in one file does not re-lint the unchanged files that use it; delete
// node_modules/.cache/eslint to lint everything again.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages, hasCommand, hasFile } from './system-packages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

ensureSystemPackages(
  [
    { pkg: 'chromium', check: hasFile('/usr/bin/chromium') },
    { pkg: 'firefox-esr', check: hasFile('/usr/bin/firefox-esr') },
    { pkg: 'coturn', check: hasCommand('turnserver') },
    { pkg: 'openssl', check: hasCommand('openssl') },
    // The network test bed (test/network) runs only as root, which can install these.
    ...(asRoot
      ? [
          { pkg: 'nftables', check: hasCommand('nft') },
          { pkg: 'iproute2', check: hasCommand('ip') },
          { pkg: 'curl', check: hasCommand('curl') },
        ]
      : []),
  ],
  'The test suite',
);

function run(cmd, args) {
  const started = Date.now();
  console.log(`[parley] ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log(`[parley]   done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
// The test and bench projects read the workspaces' types from their dist/ declarations (package
// exports), as tsc does (and so does ESLint's type-checked linting of them): bring them up to date
// first (incremental, seconds when nothing changed).
run(bin('tsc'), ['-b']);
run(bin('prettier'), ['--check', '--cache', '--log-level', 'warn', '.']);
run('npm', ['run', '--silent', 'lint:imports']);
run('npm', ['run', '--silent', 'lint:eslint']);
run('npm', ['run', '--silent', 'build']);
run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.tests.json']);
process.env.PARLEY_SKIP_BUILD = '1';
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
