/**
 * What the load test's RTP bots really send (loadtest/src/bots): the VP8 clip they loop
 * (packet sizes from the clip itself) and opus silence every 20 ms, as StreamRates, so `check`
 * predicts the load the bots put on the workers rather than the bitrate table's.
 */
import { AUDIO_PERIOD_MS, OPUS_SILENCE } from '../bots/mediaParams.js';
import { packetizeClip } from '../bots/clipPackets.js';
import { RTP_HEADER_BYTES } from '../bots/rtp.js';
import { cameraLayers } from '../bots/simulcastLayers.js';
import { tileClassCounts, type TileMix } from '../bots/tilePlan.js';
import { loadVp8Clip } from '../bots/vp8Clip.js';
import type { StreamRate } from './mediaRates.js';
import type { StreamOverrides } from './meetingTraffic.js';

/** IPv4 + UDP: plain RTP has no SRTP tag and the bots send no header extensions. */
const UDP_IP_BYTES = 28;

export function clipRate(frames: Buffer[][], fps: number): StreamRate {
  const packets = frames.reduce((n, f) => n + f.length, 0);
  const bytes = frames.flat().reduce((n, p) => n + p.length + RTP_HEADER_BYTES + UDP_IP_BYTES, 0);
  return { pps: (packets * fps) / frames.length, bps: (bytes * 8 * fps) / frames.length };
}

export function botAudioRate(): StreamRate {
  const pps = 1000 / AUDIO_PERIOD_MS;
  return { pps, bps: pps * (OPUS_SILENCE.length + RTP_HEADER_BYTES + UDP_IP_BYTES) * 8 };
}

/** The bots' streams at this camera size (encodes the clip with Chromium on first use, cached). */
export async function botStreams(video: { width: number; height: number; fps: number }): Promise<StreamOverrides> {
  const clip = packetizeClip(await loadVp8Clip(video));
  return { camera: clipRate(clip.frames, clip.fps), audio: botAudioRate() };
}

/**
 * Shares of the visible cameras a receiving bot gets in layers 0, 1, 2 with this tile mix, over
 * `receivers` bots that each see `cameras` cameras: small tiles all layer 0, medium all layer 1,
 * large one camera at layer 2 and the others at layer 0 (bots/tilePlan.ts).
 */
export function botLayerShare(receivers: number, cameras: number, mix: TileMix): [number, number, number] {
  if (receivers <= 0 || cameras <= 0) return [1, 0, 0];
  const c = tileClassCounts(receivers, mix);
  const large = c.large / receivers;
  return [(c.small + (c.large * (cameras - 1)) / cameras) / receivers, c.medium / receivers, large / cameras];
}

/** The simulcast bots' streams: one clip per layer (the senders' three), and the receivers' layer shares. */
export async function botSimulcastStreams(
  video: { width: number; height: number; fps: number },
  receivers: number,
  cameras: number,
  mix: TileMix,
): Promise<StreamOverrides> {
  const layers = cameraLayers(video, true);
  if (layers.length !== 3)
    throw new Error(`simulcast bots need 3 layers: a camera of 540 lines or more, not ${video.height}`);
  const rates = await Promise.all(
    layers.map(async (layer) => {
      const clip = packetizeClip(await loadVp8Clip(layer));
      return clipRate(clip.frames, clip.fps);
    }),
  );
  return {
    cameraLayers: [rates[0]!, rates[1]!, rates[2]!],
    audio: botAudioRate(),
    layerShare: botLayerShare(receivers, cameras, mix),
  };
}
