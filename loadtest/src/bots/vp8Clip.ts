/**
 * A real VP8 clip for the RTP bots: encoded ONCE by headless Chromium with WebCodecs
 * (`VideoEncoder`, codec 'vp8', a keyframe every ~2 s, frames drawn on an OffscreenCanvas with
 * moving content) and cached as JSON under `<cacheDir>/vp8-<w>x<h>-<fps>.json`, so browser
 * receivers decode what the bots send. Later runs read the cache (validated with zod).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { z } from 'zod';
import { isVp8Keyframe } from './vp8Packetizer.js';

export interface Vp8Frame {
  key: boolean;
  data: Buffer;
}

export interface Vp8Clip {
  width: number;
  height: number;
  fps: number;
  frames: Vp8Frame[];
}

export interface ClipOptions {
  width: number;
  height: number;
  fps: number;
  /** Clip length (it loops); default 4 s, two keyframes. */
  seconds?: number;
  /** Default `os.tmpdir()/parley-loadtest/clips`. */
  cacheDir?: string;
  /** Default /usr/bin/chromium (or CHROMIUM_PATH). */
  chromiumPath?: string;
}

export const DEFAULT_CLIP_DIR = join(tmpdir(), 'parley-loadtest', 'clips');
const KEYFRAME_SECONDS = 2;

const ClipFile = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().positive(),
  frames: z.array(z.object({ key: z.boolean(), data: z.string().min(1) })).min(1),
});

/** The clip for this size and rate: from the cache, else encoded now (a few seconds) and cached. */
export async function loadVp8Clip(options: ClipOptions): Promise<Vp8Clip> {
  const { width, height, fps } = options;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 16 ||
    height < 16 ||
    width > 3840 ||
    height > 2160 ||
    width % 2 ||
    height % 2
  ) {
    throw new RangeError(`bad clip size ${width}x${height} (even numbers, 16x16 to 3840x2160)`);
  }
  if (!(fps >= 1 && fps <= 60)) throw new RangeError(`bad clip frame rate ${fps} (1 to 60)`);
  const dir = options.cacheDir ?? DEFAULT_CLIP_DIR;
  const file = join(dir, `vp8-${width}x${height}-${fps}.json`);
  const cached = await readClip(file);
  if (cached) return cached;
  const clip = await encodeClip(options);
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(
    temp,
    JSON.stringify({
      width,
      height,
      fps,
      frames: clip.frames.map((f) => ({ key: f.key, data: f.data.toString('base64') })),
    }),
  );
  await rename(temp, file);
  return clip;
}

async function readClip(file: string): Promise<Vp8Clip | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = ClipFile.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const frames = parsed.data.frames.map((f) => ({ key: f.key, data: Buffer.from(f.data, 'base64') }));
    if (!frames[0]?.key || !isVp8Keyframe(frames[0].data)) return null;
    return { ...parsed.data, frames };
  } catch {
    return null;
  }
}

interface EncodeResult {
  error: string | null;
  frames: Array<{ key: boolean; data: string }>;
}

/** Runs in the page: draws, encodes and returns base64 frames. Kept as a string (no bundling). */
const ENCODE_SOURCE = `async ({ width, height, fps, count, keyEvery, bitrate }) => {
  if (typeof VideoEncoder === 'undefined') return { error: 'WebCodecs VideoEncoder is not available', frames: [] };
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const frames = [];
  let error = null;
  const toBase64 = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const bytes = new Uint8Array(chunk.byteLength);
      chunk.copyTo(bytes);
      frames.push({ key: chunk.type === 'key', data: toBase64(bytes) });
    },
    error: (e) => { error = String(e); },
  });
  encoder.configure({ codec: 'vp8', width, height, bitrate, framerate: fps, latencyMode: 'realtime' });
  for (let i = 0; i < count; i++) {
    const t = i / fps;
    const grad = ctx.createLinearGradient(0, 0, width, height);
    grad.addColorStop(0, 'hsl(' + ((i * 3) % 360) + ',70%,45%)');
    grad.addColorStop(1, 'hsl(' + ((i * 3 + 180) % 360) + ',70%,35%)');
    ctx.fillStyle = grad;
    ctx.fillRect(0, 0, width, height);
    const size = Math.max(8, Math.round(height / 4));
    ctx.fillStyle = '#fff';
    ctx.fillRect(Math.round((width - size) * (0.5 + 0.5 * Math.sin(t * 2))), Math.round((height - size) * (0.5 + 0.5 * Math.cos(t * 3))), size, size);
    ctx.fillStyle = '#000';
    ctx.font = Math.max(10, Math.round(height / 8)) + 'px sans-serif';
    ctx.fillText('bot ' + i, 8, Math.max(12, Math.round(height / 6)));
    const frame = new VideoFrame(canvas, { timestamp: Math.round((i * 1e6) / fps), duration: Math.round(1e6 / fps) });
    encoder.encode(frame, { keyFrame: i % keyEvery === 0 });
    frame.close();
    if (encoder.encodeQueueSize > 8) await new Promise((r) => setTimeout(r, 5));
  }
  await encoder.flush();
  encoder.close();
  return { error, frames };
}`;

/** About 0.1 bit per pixel per frame: 320x180@15 ≈ 90 kbps ... 1280x720@30 ≈ 2.2 Mbps. */
export function clipBitrate(width: number, height: number, fps: number): number {
  return Math.min(2_500_000, Math.max(80_000, Math.round(width * height * fps * 0.08)));
}

async function encodeClip(options: ClipOptions): Promise<Vp8Clip> {
  const { width, height, fps } = options;
  const count = Math.max(1, Math.round((options.seconds ?? 4) * fps));
  const browser = await puppeteer.launch({
    executablePath: options.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    // WebCodecs needs a secure context: a made-up http://localhost page (nothing listens; the
    // request is answered here), not about:blank.
    await page.setRequestInterception(true);
    page.on(
      'request',
      (request) =>
        void request.respond({ status: 200, contentType: 'text/html', body: '<!doctype html><title>clip</title>' }),
    );
    await page.goto('http://localhost/parley-clip');
    const params = {
      width,
      height,
      fps,
      count,
      keyEvery: Math.max(1, Math.round(KEYFRAME_SECONDS * fps)),
      bitrate: clipBitrate(width, height, fps),
    };
    const result = (await page.evaluate(`(${ENCODE_SOURCE})(${JSON.stringify(params)})`)) as EncodeResult;
    if (result.error) throw new Error(`VP8 clip encoding failed: ${result.error}`);
    const frames = result.frames.map((f) => ({ key: f.key, data: Buffer.from(f.data, 'base64') }));
    if (frames.length === 0 || !frames[0]!.key || !isVp8Keyframe(frames[0]!.data))
      throw new Error('VP8 clip encoding failed: the clip does not start with a keyframe');
    return { width, height, fps, frames };
  } finally {
    await browser.close();
  }
}
