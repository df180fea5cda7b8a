import type { PeerStats } from '../session/MeetingSession.js';

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface ConnectionQuality {
  level: QualityLevel;
  /** Share of packets lost since the previous sample, 0..1. */
  loss: number;
  /** Receive jitter in milliseconds, or null. */
  jitterMs: number | null;
  fps: number | null;
}

/**
 * A participant's connection quality from two successive stats samples (packet loss over the
 * interval, jitter, decoded frame rate). Poor: > 8 % loss, > 100 ms jitter or < 5 fps; fair:
 * > 2 % loss, > 30 ms jitter or < 10 fps.
 */
export function connectionQuality(previous: PeerStats | undefined, current: PeerStats): ConnectionQuality {
  const lost = Math.max(0, (current.packetsLost ?? 0) - (previous?.packetsLost ?? 0));
  const received = Math.max(0, (current.packetsReceived ?? 0) - (previous?.packetsReceived ?? 0));
  const loss = lost + received > 0 ? lost / (lost + received) : 0;
  const jitterMs = current.jitter === undefined || current.jitter === null ? null : current.jitter * 1000;
  const fps = current.framesPerSecond;
  if (current.state !== 'connected' && current.state !== 'connecting') return { level: 'poor', loss, jitterMs, fps };
  if (received === 0 && lost === 0 && fps === null) return { level: 'unknown', loss, jitterMs, fps };
  let level: QualityLevel = 'good';
  if (loss > 0.08 || (jitterMs ?? 0) > 100 || (fps !== null && fps < 5)) level = 'poor';
  else if (loss > 0.02 || (jitterMs ?? 0) > 30 || (fps !== null && fps < 10)) level = 'fair';
  return { level, loss, jitterMs, fps };
}

export function describeQuality(quality: ConnectionQuality): string {
  const parts = [`${Math.round(quality.loss * 100)} % loss`];
  if (quality.jitterMs !== null) parts.push(`${Math.round(quality.jitterMs)} ms jitter`);
  if (quality.fps !== null) parts.push(`${Math.round(quality.fps)} fps`);
  return `Connection ${quality.level}: ${parts.join(', ')}`;
}
