// The official prebuilt worker from mediasoup's GitHub releases, fetched and
// unpacked with Node alone (fetch, zlib and a small tar reader).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const FETCH_TIMEOUT_MS = 10_000;

/**
 * The tarball URL exactly as mediasoup's npm-scripts.mjs computes it
 * (downloadPrebuiltWorker + getWorkerPrebuildTarName), including its
 * MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL override.
 * @param {string} mediasoupDir
 */
export function prebuiltUrl(mediasoupDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8'));
  const releaseBase =
    process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    `${pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/releases/download`;
  let name = `mediasoup-worker-${pkg.version}-${os.platform()}-${os.arch()}`;
  if (os.platform() === 'linux') name += `-kernel${Number(os.release().split('.')[0])}`;
  return `${releaseBase}/${pkg.version}/${name}.tgz`;
}

/**
 * Downloads the tarball (at most FETCH_TIMEOUT_MS in all) and writes the
 * mediasoup-worker it contains to `outFile`.
 * @returns {Promise<{ok: true} | {ok: false, reason: string}>}
 */
export async function downloadPrebuilt(url, outFile) {
  let body;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status} ${res.statusText}` };
    body = Buffer.from(await res.arrayBuffer());
  } catch (error) {
    const cause = error?.cause?.code ?? error?.cause?.message;
    return { ok: false, reason: `${error?.name ?? 'Error'}: ${error?.message}${cause ? ` (${cause})` : ''}` };
  }
  let tar;
  try {
    tar = zlib.gunzipSync(body);
  } catch (error) {
    return { ok: false, reason: `not a gzip file: ${error.message}` };
  }
  const worker = findTarEntry(tar, (name) => path.posix.basename(name) === 'mediasoup-worker');
  if (!worker) return { ok: false, reason: 'no mediasoup-worker in the tarball' };
  fs.writeFileSync(outFile, worker, { mode: 0o755 });
  return { ok: true };
}

/**
 * Returns the contents of the first regular file of an (uncompressed) tar
 * archive whose name matches. Reads ustar/GNU headers; pax and GNU long-name
 * records are honoured for the name of the entry that follows them.
 * @param {Buffer} tar @param {(name: string) => boolean} match
 * @returns {Buffer | null}
 */
export function findTarEntry(tar, match) {
  let offset = 0;
  let longName = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break; // end-of-archive block
    const field = (start, len) => header.toString('latin1', start, start + len).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = null;
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;

    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
    } else if (type === 'x') {
      const pathRecord = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (pathRecord) longName = pathRecord[1] ?? null;
    } else if ((type === '0' || type === '7') && match(name.replace(/^\.\//, ''))) {
      return Buffer.from(data);
    }
  }
  return null;
}
