/**
 * What the load test's RTP bots really send (loadtest/src/bots): the VP8 clip they loop
 * (packet sizes from the clip itself) and opus silence every 20 ms, as StreamRates, so `check`
 * predicts the load the bots put on the workers rather than the bitrate table's.
 */
import { AUDIO_PERIOD_MS, OPUS_SILENCE } from '../bots/mediaParams.js';
import { packetizeClip } from '../bots/clipPackets.js';
import { RTP_HEADER_BYTES } from '../bots/rtp.js';
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
