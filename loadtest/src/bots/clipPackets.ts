/**
 * A VP8 clip packetized once for every bot of the process: per frame the RTP payloads (RFC 7741,
 * PictureID patched per send), and where the keyframes are (a PLI or FIR jumps to the next one).
 */
import type { Vp8Clip } from './vp8Clip.js';
import { MAX_VP8_PAYLOAD, packetizeVp8 } from './vp8Packetizer.js';

export interface PacketizedClip {
  fps: number;
  width: number;
  height: number;
  /** Payloads of each frame, in send order. */
  frames: Buffer[][];
  keyframes: number[];
  /** Mean bits per second of the clip (payloads, no headers). */
  bitrate: number;
}

export function packetizeClip(clip: Vp8Clip, maxPayload = MAX_VP8_PAYLOAD): PacketizedClip {
  const frames = clip.frames.map((f) => packetizeVp8(f.data, 0, maxPayload));
  const keyframes = clip.frames.flatMap((f, i) => (f.key ? [i] : []));
  if (keyframes[0] !== 0) throw new Error('a clip must start with a keyframe');
  const bytes = frames.flat().reduce((n, p) => n + p.length, 0);
  return {
    fps: clip.fps,
    width: clip.width,
    height: clip.height,
    frames,
    keyframes,
    bitrate: (bytes * 8 * clip.fps) / frames.length,
  };
}

/** The first keyframe after frame `index` (looping), for a keyframe request. */
export function nextKeyframe(clip: PacketizedClip, index: number): number {
  const after = clip.keyframes.find((k) => k > index);
  return after ?? clip.keyframes[0]!;
}
