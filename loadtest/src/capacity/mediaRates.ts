/**
 * What one media stream costs on the wire: the documented bitrate table and the packet
 * arithmetic the planner uses (docs/capacity.md, "The model"). Pure functions only.
 */

/** Video bitrate (bit/s) at the reference frame rate, by picture height (16:9). */
export const VIDEO_BITRATE_AT_15FPS: Readonly<Record<number, number>> = {
  90: 30_000,
  135: 50_000,
  180: 80_000,
  270: 150_000,
  360: 250_000,
  540: 450_000,
  720: 700_000,
  1080: 1_500_000,
};

/** Frame rate of the table above (the client's camera encodings use 15 fps). */
export const REFERENCE_FPS = 15;
/** RTP payload bytes per video packet (VP8 packetisation stays under the ~1200 B MTU budget). */
export const VIDEO_PAYLOAD_BYTES = 1100;
/** Opus voice: one packet per 20 ms. */
export const AUDIO_PPS = 50;
/** Opus payload bit rate (Chrome's default for voice). */
export const AUDIO_BITRATE = 32_000;
/** Bytes per packet on the wire besides the payload: IPv4 20 + UDP 8 + RTP 12 + extensions ~10 + SRTP tag 10. */
export const WIRE_OVERHEAD_BYTES = 60;

/** Heights a camera may be planned at (non-simulcast). */
export const RESOLUTIONS = [180, 360, 540, 720, 1080] as const;
/** Heights a simulcast camera may be planned at: its layers (÷4, ÷2, ÷1) must be in the table. */
export const SIMULCAST_RESOLUTIONS = [360, 540, 720, 1080] as const;

/** One RTP stream: packets per second and bits per second on the wire. */
export interface StreamRate {
  pps: number;
  /** bit/s including per-packet overhead. */
  bps: number;
}

export const ZERO_RATE: StreamRate = { pps: 0, bps: 0 };

export function addRates(a: StreamRate, b: StreamRate): StreamRate {
  return { pps: a.pps + b.pps, bps: a.bps + b.bps };
}

export function scaleRate(rate: StreamRate, factor: number): StreamRate {
  return { pps: rate.pps * factor, bps: rate.bps * factor };
}

/** Video payload bit rate for a picture height at a frame rate (linear in fps). */
export function videoBitrate(height: number, fps: number): number {
  const at15 = VIDEO_BITRATE_AT_15FPS[height];
  if (at15 === undefined)
    throw new Error(
      `no bitrate for ${height}p in the table (known: ${Object.keys(VIDEO_BITRATE_AT_15FPS).join(', ')})`,
    );
  return (at15 * fps) / REFERENCE_FPS;
}

/**
 * One video stream: each frame is cut into packets of at most VIDEO_PAYLOAD_BYTES, so
 * packets/s = fps × ceil(bytes per frame / VIDEO_PAYLOAD_BYTES).
 */
export function videoStream(height: number, fps: number): StreamRate {
  const bitrate = videoBitrate(height, fps);
  const bytesPerFrame = bitrate / 8 / fps;
  const pps = fps * Math.ceil(bytesPerFrame / VIDEO_PAYLOAD_BYTES);
  return { pps, bps: bitrate + pps * WIRE_OVERHEAD_BYTES * 8 };
}

export function audioStream(): StreamRate {
  return { pps: AUDIO_PPS, bps: AUDIO_BITRATE + AUDIO_PPS * WIRE_OVERHEAD_BYTES * 8 };
}

/** Heights of the simulcast layers 0, 1, 2 of a camera sent at `height` (÷4, ÷2, ÷1). */
export function simulcastLayerHeights(height: number): [number, number, number] {
  return [height / 4, height / 2, height];
}
