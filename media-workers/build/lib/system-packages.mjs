// The Debian packages the offline worker build needs, checked and (as root on
// Debian) installed with apt-get. meson must be >= 1.1; bookworm's is 1.0.1,
// so it comes from <codename>-backports when the default candidate is older.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { info, ProvisionError, step } from './log.mjs';

/** What mediasoup 3.32's worker builds against (no abseil, usrsctp or liburing since 3.2x). */
export function buildPackages() {
  return [
    'g++',
    'pkg-config',
    'ninja-build',
    'python3',
    'libssl-dev',
    'libuv1-dev',
    'libsrtp2-dev',
    'libflatbuffers-dev',
    'flatbuffers-compiler',
  ];
}

const MIN_MESON = '1.1.0';

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

function versionAtLeast(version, min) {
  const a = String(version)
    .split(/[.+~-]/)
    .map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i];
  }
  return true;
}

export function mesonVersion() {
  const r = run('meson', ['--version']);
  return r.status === 0 ? r.stdout.trim() : null;
}

function missingDebianPackages(packages) {
  const r = run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...packages]);
  const installed = new Set(
    (r.stdout || '')
      .split('\n')
      .filter((l) => / ii\s*$/.test(l))
      .map((l) => l.split(' ')[0].replace(/:.*$/, '')),
  );
  return packages.filter((p) => !installed.has(p));
}

function osRelease() {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => {
          const i = l.indexOf('=');
          return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')];
        }),
    );
  } catch {
    return {};
  }
}

function aptCandidate(pkg) {
  const r = run('apt-cache', ['policy', pkg]);
  const m = /Candidate:\s*(\S+)/.exec(r.stdout || '');
  return m && m[1] !== '(none)' ? m[1].replace(/^\d+:/, '') : null;
}

/**
 * The system's apt source files (/etc/apt/sources.list and sources.list.d/*.list|*.sources)
 * with their text; unreadable ones are left out.
 * @returns {{file: string, text: string}[]}
 */
export function readAptSources() {
  const files = ['/etc/apt/sources.list'];
  try {
    for (const f of fs.readdirSync('/etc/apt/sources.list.d'))
      if (/\.(list|sources)$/.test(f)) files.push(`/etc/apt/sources.list.d/${f}`);
  } catch {
    /* no sources.list.d */
  }
  return files.flatMap((file) => {
    try {
      return [{ file, text: fs.readFileSync(file, 'utf8') }];
    } catch {
      return [];
    }
  });
}

function hasBackportsSource(codename) {
  return readAptSources().some(({ text }) => text.includes(`${codename}-backports`));
}

/** Runs apt-get; its (long) output is shown only when it fails. */
function aptGet(args) {
  info(`  apt-get ${args.join(' ')}`);
  const r = run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-30);
    throw new ProvisionError(
      `apt-get ${args.join(' ')} failed (exit ${r.status}):`,
      output.map((l) => `  | ${l}`),
    );
  }
}

/**
 * Makes sure the build toolchain and libraries are installed. As root on
 * Debian, installs what is missing; otherwise stops with the commands to run.
 */
export async function ensureBuildPackages() {
  const packages = buildPackages();
  const isDebian = fs.existsSync('/usr/bin/dpkg-query') && fs.existsSync('/usr/bin/apt-get');
  const meson = mesonVersion();
  const mesonOk = meson !== null && versionAtLeast(meson, MIN_MESON);

  if (!isDebian) {
    if (mesonOk && run('ninja', ['--version']).status === 0) return; // let meson report what else is missing
    throw new ProvisionError(
      'building the mediasoup worker needs meson >= 1.1, ninja, a C++17 compiler and the libraries below; this script installs them only on Debian.',
      [
        `Debian names: ${packages.join(' ')} meson`,
        'Or provide a worker: MEDIASOUP_WORKER_BIN=/path/to/mediasoup-worker, or skip it: PARLEY_SKIP_WORKER=1.',
      ],
    );
  }

  const missing = missingDebianPackages(packages);
  if (missing.length === 0 && mesonOk) {
    info(`system packages: all present (meson ${meson})`);
    return;
  }

  const codename = osRelease().VERSION_CODENAME || 'bookworm';
  const backports = `${codename}-backports`;
  info(
    `system packages missing: ${[...missing, ...(mesonOk ? [] : [`meson>=${MIN_MESON}${meson ? ` (have ${meson})` : ''}`])].join(' ')}`,
  );

  if (process.getuid?.() !== 0) {
    const lines = [];
    if (missing.length)
      lines.push(`sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
    if (!mesonOk) {
      const candidate = aptCandidate('meson');
      if (candidate && versionAtLeast(candidate, MIN_MESON)) {
        lines.push('sudo apt-get install -y --no-install-recommends meson');
      } else {
        if (!hasBackportsSource(codename)) {
          lines.push(
            `echo 'deb http://deb.debian.org/debian ${backports} main' | sudo tee /etc/apt/sources.list.d/${backports}.list`,
          );
          lines.push('sudo apt-get update');
        }
        lines.push(`sudo apt-get install -y --no-install-recommends -t ${backports} meson`);
      }
    }
    throw new ProvisionError('the offline mediasoup worker build needs system packages. Run:', [
      ...lines.map((l) => `  ${l}`),
      'then run the install again (or set PARLEY_SKIP_WORKER=1 to install without the media worker).',
    ]);
  }

  await step('apt-get: installing build packages', () => {
    aptGet(['update', '-qq']);
    if (missing.length) aptGet(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
    if (!mesonOk) {
      const candidate = aptCandidate('meson');
      if (candidate && versionAtLeast(candidate, MIN_MESON)) {
        aptGet(['install', '-y', '-qq', '--no-install-recommends', 'meson']);
      } else {
        if (!hasBackportsSource(codename)) {
          info(`adding ${backports} to apt sources (for meson >= ${MIN_MESON})`);
          fs.writeFileSync(
            `/etc/apt/sources.list.d/${backports}.sources`,
            [
              'Types: deb',
              'URIs: http://deb.debian.org/debian',
              `Suites: ${backports}`,
              'Components: main',
              'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
              '',
            ].join('\n'),
          );
          aptGet(['update', '-qq']);
        }
        aptGet(['install', '-y', '-qq', '--no-install-recommends', '-t', backports, 'meson']);
      }
    }
  });

  const after = mesonVersion();
  if (!after || !versionAtLeast(after, MIN_MESON)) {
    throw new ProvisionError(`meson ${after ?? '(none)'} is installed but mediasoup needs >= ${MIN_MESON}`);
  }
}
