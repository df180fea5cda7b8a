import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { debSrcList } from '../build/lib/libsrtp-source.mjs';
import { createNinjaProgress } from '../build/lib/ninja-progress.mjs';
import { findTarEntry, prebuiltUrl } from '../build/lib/prebuilt.mjs';
import { applySourceFixes } from '../build/lib/source-fixes.mjs';
import { BUILD_VARIANTS, buildVariant } from '../build/lib/build-variants.mjs';
import { BUILD_RECIPE, cacheEntry, isIntact, readMeta, sha256 } from '../build/lib/worker-cache.mjs';
import { REPO_ROOT } from '../../test/support/mediaNodeProcess.js';

const SCRIPT = path.join(REPO_ROOT, 'media-workers/build/provide-worker.mjs');
const MEDIASOUP_DIR = path.join(REPO_ROOT, 'node_modules/mediasoup');
const INSTALLED_BIN = path.join(MEDIASOUP_DIR, 'worker/out/Release/mediasoup-worker');
const VERSION = z
  .object({ version: z.string() })
  .parse(JSON.parse(fs.readFileSync(path.join(MEDIASOUP_DIR, 'package.json'), 'utf8'))).version;
const PREBUILT_PORT = 4150;

const tmpDirs: string[] = [];
const tmpDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-provide-test-'));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs provide-worker.mjs as the postinstall does (cwd = repo root). */
function provide(env: Record<string, string>, timeoutMs = 60_000) {
  return new Promise<{ code: number | null; out: string; ms: number }>((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [SCRIPT], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - t0 });
    });
  });
}

describe('provide-worker building blocks', () => {
  it('reads the worker out of ustar, GNU long-name and pax tarballs', () => {
    for (const format of ['ustar', 'gnu', 'pax']) {
      const dir = tmpDir();
      const deep = path.join(dir, 'src', 'a'.repeat(60), 'b'.repeat(60));
      fs.mkdirSync(deep, { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', 'README'), 'not me');
      fs.writeFileSync(path.join(deep, 'mediasoup-worker'), `binary-${format}`);
      const tgz = path.join(dir, 'w.tgz');
      execFileSync('tar', [`--format=${format}`, '-czf', tgz, '-C', path.join(dir, 'src'), '.']);
      const found = findTarEntry(
        zlib.gunzipSync(fs.readFileSync(tgz)),
        (n: string) => path.posix.basename(n) === 'mediasoup-worker',
      );
      expect(found?.toString(), format).toBe(`binary-${format}`);
    }
  });

  it('computes the prebuilt URL as mediasoup does', () => {
    const kernel = Number(os.release().split('.')[0]);
    expect(prebuiltUrl(MEDIASOUP_DIR)).toBe(
      `https://github.com/versatica/mediasoup/releases/download/${VERSION}/mediasoup-worker-${VERSION}-linux-${os.arch()}-kernel${kernel}.tgz`,
    );
  });

  it('keys the cache by version, build recipe, platform/arch and build variant', () => {
    const standard = cacheEntry(VERSION, 'default');
    const lto = cacheEntry(VERSION, 'lto');
    expect(BUILD_RECIPE).toBeGreaterThanOrEqual(4); // recipe 4: the first for mediasoup 3.32
    expect(standard.dir).toContain(path.join('parley', 'mediasoup-worker', VERSION, `recipe-${BUILD_RECIPE}`));
    expect(standard.dir).not.toBe(lto.dir);
    expect(path.basename(standard.dir)).toBe(`${process.platform}-${process.arch}-default`);
    expect(cacheEntry('3.19.3', 'liburing', 3).dir).toContain(path.join('3.19.3', 'recipe-3'));
  });

  it('knows its build variants; only the portable ones may go into an image', () => {
    expect(buildVariant(undefined).name).toBe('default');
    expect(buildVariant('lto').mesonArgs).toContain('-Db_lto=true');
    expect(buildVariant('native').portable).toBe(false);
    expect(() => buildVariant('O9')).toThrow(/unknown worker build variant "O9"/);
    for (const v of Object.values(BUILD_VARIANTS))
      expect(v.portable).toBe(!v.mesonArgs.some((a) => a.includes('march')));
  });

  it('derives deb-src entries for the libsrtp sources from the system apt sources, both formats', () => {
    const deb822 =
      'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n';
    expect(debSrcList('/etc/apt/sources.list.d/debian.sources', deb822)).toEqual({
      name: 'debian.sources',
      text: deb822.replace('Types: deb', 'Types: deb-src'),
    });
    const oneLine =
      '# comment\ndeb [arch=amd64] http://deb.debian.org/debian bookworm main\ndeb-src http://x/ y main\n';
    expect(debSrcList('/etc/apt/sources.list', oneLine)).toEqual({
      name: 'sources.list',
      text: 'deb-src [arch=amd64] http://deb.debian.org/debian bookworm main\n',
    });
    expect(debSrcList('/etc/apt/sources.list.d/x.list', '# only comments\n')).toBeNull();
    expect(debSrcList('/etc/apt/sources.list.d/x.sources', 'Types: deb-src\nURIs: http://x/\n')).toBeNull();
  });

  it("links the SRTP its cache entry says: libsrtp with OpenSSL leaves out Debian's libsrtp2 and NSS", () => {
    // npm install copies the worker out of a cache entry (every build variant is looked at).
    const installed = sha256(INSTALLED_BIN);
    const entry = Object.keys(BUILD_VARIANTS)
      .map((v) => cacheEntry(VERSION, v))
      .find((e) => readMeta(e)?.sha256 === installed);
    expect(entry, 'the installed worker comes from the machine cache').toBeDefined();
    const meta = readMeta(entry!);
    const linked = execFileSync('ldd', [INSTALLED_BIN], { encoding: 'utf8' });
    if (typeof meta?.srtp === 'string' && meta.srtp.includes('OpenSSL')) {
      expect(linked).not.toMatch(/libsrtp2|libnss3/);
      expect(linked).toMatch(/libcrypto/);
    } else if (meta?.source === 'build') {
      expect(linked).toMatch(/libsrtp2/);
    }
  });

  it("finds the DTLS BIO callback fix already in this mediasoup's DtlsTransport.cpp", () => {
    const workerDir = tmpDir();
    const file = path.join(workerDir, 'src/RTC/DtlsTransport.cpp');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(path.join(MEDIASOUP_DIR, 'worker/src/RTC/DtlsTransport.cpp'), file);
    expect(applySourceFixes(workerDir)).toEqual(['dtls-bio-callback-return (already in mediasoup)']);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/\(operationType & BIO_CB_RETURN\)/);
  });

  it('applies the DTLS BIO callback fix to a DtlsTransport.cpp that lacks it (mediasoup 3.19), once', () => {
    const workerDir = tmpDir();
    const file = path.join(workerDir, 'src/RTC/DtlsTransport.cpp');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // onSslBioOut's last line as mediasoup 3.19.3 shipped it.
    fs.writeFileSync(
      file,
      '\tconst long resultOfcallback = (operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;\n',
    );
    expect(applySourceFixes(workerDir)).toEqual(['dtls-bio-callback-return (applied)']);
    const fixed = fs.readFileSync(file, 'utf8');
    expect(fixed).toContain('(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;');
    expect(fixed).not.toContain('(operationType == BIO_CB_RETURN)');
    expect(applySourceFixes(workerDir)).toEqual(['dtls-bio-callback-return (already in mediasoup)']);
    fs.writeFileSync(file, '// a DtlsTransport.cpp this recipe does not know\n');
    expect(() => applySourceFixes(workerDir)).toThrow(/source fix "dtls-bio-callback-return" does not fit/);
  });

  it('reports ninja progress every 5 %, not every step', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const progress = createNinjaProgress({ label: 'compiling' });
      for (let i = 1; i <= 260; i++) progress.line(`[${i}/260] Compiling C++ object src_${i}.cpp.o`);
      progress.line('warning: something unrelated');
      progress.stop();
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines.length).toBe(20);
      expect(lines.at(-1)).toMatch(/compiling 100% \(260\/260\)/);
    } finally {
      write.mockRestore();
    }
  });
});

describe('provide-worker.mjs', () => {
  it('does nothing with PARLEY_SKIP_WORKER=1', async () => {
    const run = await provide({ PARLEY_SKIP_WORKER: '1' });
    expect(run.code).toBe(0);
    expect(run.out).toContain('PARLEY_SKIP_WORKER=1');
  });

  it('exits 0 quietly where mediasoup is not installed (a production install without media-workers)', () => {
    const root = tmpDir();
    fs.cpSync(path.join(REPO_ROOT, 'media-workers/build'), path.join(root, 'media-workers/build'), { recursive: true });
    const out = execFileSync(process.execPath, [path.join(root, 'media-workers/build/provide-worker.mjs')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toBe('');
  });

  it('rejects an unknown PARLEY_WORKER_VARIANT and a MEDIASOUP_WORKER_BIN that is not executable', async () => {
    const bad = await provide({ PARLEY_WORKER_VARIANT: 'fastest' });
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('unknown worker build variant "fastest"');
    const missing = await provide({ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('MEDIASOUP_WORKER_BIN=/nonexistent/mediasoup-worker is not an executable file');
  });

  it('accepts a MEDIASOUP_WORKER_BIN that runs', async () => {
    const run = await provide({ MEDIASOUP_WORKER_BIN: INSTALLED_BIN });
    expect(run.code).toBe(0);
    expect(run.out).toContain(`using MEDIASOUP_WORKER_BIN=${INSTALLED_BIN}`);
  });

  it('installs from the machine cache in seconds (the second `npm ci`)', async () => {
    const entry = cacheEntry(VERSION, 'default');
    expect(isIntact(entry), `no cached worker in ${entry.dir}: run npm install first`).toBe(true);
    const run = await provide({ PARLEY_WORKER_VARIANT: 'default' });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('step 2/4 cache hit');
    expect(run.ms).toBeLessThan(10_000);
    expect(fs.readFileSync(INSTALLED_BIN).equals(fs.readFileSync(entry.bin))).toBe(true);
  });

  it('downloads the prebuilt tarball at the computed URL, checks it runs and caches it', async () => {
    // A stand-in for GitHub releases serving our own binary, through mediasoup's base-URL override.
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'pkg'));
    fs.copyFileSync(INSTALLED_BIN, path.join(dir, 'pkg', 'mediasoup-worker'));
    const tgz = path.join(dir, 'worker.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', path.join(dir, 'pkg'), 'mediasoup-worker']);
    const requested: string[] = [];
    const server = http.createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/gzip' });
      fs.createReadStream(tgz).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(PREBUILT_PORT, '127.0.0.1', resolve));
    try {
      const cacheHome = tmpDir();
      const run = await provide({
        XDG_CACHE_HOME: cacheHome,
        MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL: `http://127.0.0.1:${PREBUILT_PORT}`,
      });
      expect(run.code, run.out).toBe(0);
      const kernel = Number(os.release().split('.')[0]);
      expect(requested).toEqual([`/${VERSION}/mediasoup-worker-${VERSION}-linux-${os.arch()}-kernel${kernel}.tgz`]);
      expect(run.out).toContain('step 3/4 prebuilt: downloaded');
      const cached = path.join(
        cacheHome,
        'parley/mediasoup-worker',
        VERSION,
        `recipe-${BUILD_RECIPE}`,
        `linux-${os.arch()}-default`,
      );
      const meta = z
        .object({ sha256: z.string() })
        .passthrough()
        .parse(JSON.parse(fs.readFileSync(path.join(cached, 'meta.json'), 'utf8')));
      expect(meta).toMatchObject({
        mediasoupVersion: VERSION,
        source: 'prebuilt',
        variant: 'default',
        buildRecipe: BUILD_RECIPE,
      });
      expect(fs.readFileSync(path.join(cached, 'mediasoup-worker')).equals(fs.readFileSync(INSTALLED_BIN))).toBe(true);
      expect(readMeta({ metaFile: path.join(cached, 'meta.json') })?.sha256).toBe(meta.sha256);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
