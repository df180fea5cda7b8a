/**
 * The receiving half of one bot: the RTP of its consumers arrives on the bot's socket (one recv
 * plain transport), is matched to a consumer by SSRC and counted (StreamStats). `sample()` turns
 * the streams' deltas into the runner's figures.
 */
import type { ClientSample } from '../clientTypes.js';
import { parseRtp } from './rtp.js';
import { StreamStats, type StreamDelta } from './streamStats.js';
import { parseVp8Descriptor, vp8KeyframeSize } from './vp8Packetizer.js';

interface Stream {
  consumerId: string;
  /** The producing peer (frame gaps are per peer, over all its consumers). */
  peerId: string | undefined;
  stats: StreamStats;
  /** The last keyframe's picture size (plain RTP only: SRTP payloads are not decrypted). */
  pictureSize: { width: number; height: number } | null;
}

/** Video frames of one sending peer: how many, the last one, the longest gap between two. */
interface PeerFrames {
  frames: number;
  lastAt: number;
  longestGapMs: number;
}

/** What a bot measures of its receive side: the receive part of a client sample. */
export type ReceiveFigures = Pick<
  ClientSample,
  'videoStreams' | 'fps' | 'minFps' | 'freezes' | 'freezeMs' | 'packetLoss' | 'jitterMs' | 'bitrateIn'
>;

export class BotReceiver {
  private readonly streams = new Map<number, Stream>();
  /** Packets whose SSRC matched no consumer (yet). */
  unknownPackets = 0;
  firstVideoFrameAt: number | null = null;
  /**
   * SRTP auth tag bytes at the end of each packet (0: plain RTP). Not decrypted: the header is
   * clear. Bytes counted per packet (bitrateIn) leave the tag out, so plain and SRTP bots report
   * the same bitrate (RTP header + payload).
   */
  authTagBytes = 0;
  private lastSampleAt: number;
  private readonly peerFrames = new Map<string, PeerFrames>();

  constructor(private readonly now: () => number) {
    this.lastSampleAt = now();
  }

  addConsumer(consumerId: string, ssrc: number, kind: 'audio' | 'video', clockRate: number, peerId?: string): void {
    const stats = new StreamStats(kind, clockRate, this.now());
    this.streams.set(ssrc >>> 0, { consumerId, peerId, stats, pictureSize: null });
  }

  /** Whether each of these consumers' video streams (audio ones are not asked) has had a frame. */
  allHaveFrames(consumerIds: readonly string[]): boolean {
    for (const s of this.streams.values()) {
      if (s.stats.kind === 'video' && consumerIds.includes(s.consumerId) && s.stats.firstFrameAt === null) return false;
    }
    return true;
  }

  /** Per sending peer: frames and the longest gap since the last reset (the open gap counts). */
  frameGaps(): Map<string, { frames: number; longestGapMs: number }> {
    const now = this.now();
    const out = new Map<string, { frames: number; longestGapMs: number }>();
    for (const [peerId, f] of this.peerFrames)
      out.set(peerId, { frames: f.frames, longestGapMs: Math.max(f.longestGapMs, now - f.lastAt) });
    return out;
  }

  resetFrameGaps(): void {
    const now = this.now();
    for (const f of this.peerFrames.values()) Object.assign(f, { frames: 0, lastAt: now, longestGapMs: 0 });
  }

  removeConsumer(consumerId: string): void {
    for (const [ssrc, s] of this.streams) if (s.consumerId === consumerId) this.streams.delete(ssrc);
  }

  clear(): void {
    this.streams.clear();
  }

  /** An RTP packet from the socket (RTCP is handled by the caller). */
  onRtp(packet: Buffer): void {
    const rtp = parseRtp(packet, this.authTagBytes);
    if (!rtp) return;
    const stream = this.streams.get(rtp.ssrc);
    if (!stream) {
      this.unknownPackets++;
      return;
    }
    const now = this.now();
    stream.stats.onPacket(now, rtp.sequenceNumber, rtp.timestamp, rtp.marker, packet.length - this.authTagBytes);
    if (rtp.marker && stream.stats.kind === 'video' && stream.peerId) this.onPeerFrame(stream.peerId, now);
    if (stream.stats.kind === 'video' && this.authTagBytes === 0)
      this.readPictureSize(stream, packet, rtp.payloadOffset);
    if (this.firstVideoFrameAt === null && stream.stats.kind === 'video' && stream.stats.firstFrameAt !== null)
      this.firstVideoFrameAt = now;
  }

  /** A keyframe's first packet carries the picture size: which simulcast layer arrives. */
  private readPictureSize(stream: Stream, packet: Buffer, payloadOffset: number): void {
    const payload = packet.subarray(payloadOffset);
    const descriptor = parseVp8Descriptor(payload);
    if (!descriptor?.start || descriptor.partitionId !== 0) return;
    const size = vp8KeyframeSize(payload.subarray(descriptor.headerBytes));
    if (size) stream.pictureSize = size;
  }

  /** Per video consumer: the picture size of the last keyframe received (null: none yet, or SRTP). */
  pictureSizes(): Map<string, { width: number; height: number } | null> {
    const out = new Map<string, { width: number; height: number } | null>();
    for (const s of this.streams.values()) if (s.stats.kind === 'video') out.set(s.consumerId, s.pictureSize);
    return out;
  }

  private onPeerFrame(peerId: string, now: number): void {
    const f = this.peerFrames.get(peerId);
    if (!f) {
      this.peerFrames.set(peerId, { frames: 1, lastAt: now, longestGapMs: 0 });
      return;
    }
    f.longestGapMs = Math.max(f.longestGapMs, now - f.lastAt);
    f.lastAt = now;
    f.frames++;
  }

  get videoStreams(): number {
    let n = 0;
    for (const s of this.streams.values()) if (s.stats.kind === 'video') n++;
    return n;
  }

  sample(): ReceiveFigures {
    const now = this.now();
    const seconds = Math.max(0.001, (now - this.lastSampleAt) / 1000);
    this.lastSampleAt = now;
    const deltas: Array<StreamDelta & { started: boolean }> = [];
    for (const s of this.streams.values()) deltas.push({ ...s.stats.delta(now), started: s.stats.packets > 0 });
    return summarize(deltas, seconds);
  }
}

/** The runner's figures from the streams' deltas over `seconds` (pure). */
export function summarize(deltas: Array<StreamDelta & { started: boolean }>, seconds: number): ReceiveFigures {
  const video = deltas.filter((d) => d.kind === 'video');
  const started = video.filter((d) => d.started);
  const rates = started.map((d) => d.frames / d.seconds);
  const expected = deltas.reduce((n, d) => n + d.expected, 0);
  const received = deltas.reduce((n, d) => n + d.received, 0);
  const withData = deltas.filter((d) => d.started);
  const bytes = deltas.reduce((n, d) => n + d.bytes, 0);
  return {
    videoStreams: video.length,
    fps: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null,
    minFps: rates.length ? Math.min(...rates) : null,
    freezes: video.reduce((n, d) => n + d.freezes, 0),
    freezeMs: Math.round(video.reduce((n, d) => n + d.freezeMs, 0)),
    packetLoss: expected > 0 ? Math.min(1, Math.max(0, (expected - received) / expected)) : null,
    jitterMs: withData.length ? withData.reduce((n, d) => n + d.jitterMs, 0) / withData.length : null,
    bitrateIn: withData.length ? (bytes * 8) / seconds : null,
  };
}
