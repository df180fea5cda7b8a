/**
 * The sending half of one bot: opus silence every 20 ms and the shared VP8 clip at its frame
 * rate, over one UDP socket to a comedia plain transport, from the shared MediaClock. Payloads
 * are pre-built; per packet only the RTP header and the PictureID are written. A PLI or FIR for
 * a video SSRC makes the next video tick send that layer's next keyframe.
 *
 * Simulcast (several clips, lowest layer first): one SSRC per layer, every layer's frame sent at
 * each video tick with the same RTP timestamp (one capture), and an RTCP sender report per layer
 * about every second, which mediasoup needs to switch a consumer between layers.
 */
import type * as dgram from 'node:dgram';
import type { PacketizedClip } from './clipPackets.js';
import { nextKeyframe } from './clipPackets.js';
import type { MediaClock } from './mediaClock.js';
import {
  AUDIO_PERIOD_MS,
  AUDIO_PT,
  AUDIO_SAMPLES_PER_PACKET,
  OPUS_SILENCE,
  VIDEO_CLOCK,
  VIDEO_PT,
  randomSsrc,
} from './mediaParams.js';
import { RTP_HEADER_BYTES, writeRtpHeader } from './rtp.js';
import { buildSenderReport } from './senderReport.js';
import { setPictureId } from './vp8Packetizer.js';

export interface SenderTarget {
  ip: string;
  port: number;
}

/** One video stream (a simulcast layer, or the only one). */
interface VideoLayer {
  readonly clip: PacketizedClip;
  readonly ssrc: number;
  seq: number;
  clipIndex: number;
  wantKeyframe: boolean;
  packets: number;
  octets: number;
}

export class BotSender {
  readonly audioSsrc = randomSsrc();
  /** The video SSRCs, lowest layer first (one without simulcast). */
  readonly videoSsrcs: readonly number[];
  bytesSent = 0;
  packetsSent = 0;
  keyframeRequests = 0;
  /** RTCP sender reports sent (simulcast senders only). */
  senderReports = 0;
  private audioSeq = Math.floor(Math.random() * 0xffff);
  private audioTs = Math.floor(Math.random() * 0xffffffff);
  private audioPackets = 0;
  private audioOctets = 0;
  private readonly videoTsBase = Math.floor(Math.random() * 0xffffffff);
  private videoFrames = 0;
  private pictureId = Math.floor(Math.random() * 0x7fff);
  private readonly layers: VideoLayer[];
  private readonly fps: number;
  private readonly stops: Array<() => void> = [];
  private target: SenderTarget | null = null;

  constructor(
    private readonly socket: dgram.Socket,
    clips: PacketizedClip | readonly PacketizedClip[],
    private readonly clock: MediaClock,
  ) {
    const list: readonly PacketizedClip[] = isClipList(clips) ? clips : [clips];
    this.layers = list.map((clip) => ({
      clip,
      ssrc: randomSsrc(),
      seq: Math.floor(Math.random() * 0xffff),
      clipIndex: 0,
      wantKeyframe: false,
      packets: 0,
      octets: 0,
    }));
    this.videoSsrcs = this.layers.map((l) => l.ssrc);
    this.fps = list[0]?.fps ?? 1;
  }

  /** The lowest (or only) layer's SSRC. */
  get videoSsrc(): number {
    return this.videoSsrcs[0] ?? 0;
  }

  private get reports(): boolean {
    return this.layers.length > 1;
  }

  /** Starts sending to the transport (audio and/or video, as produced). */
  start(target: SenderTarget, media: { audio: boolean; video: boolean }): void {
    this.target = target;
    if (media.audio) this.stops.push(this.clock.every(AUDIO_PERIOD_MS, () => this.sendAudio()));
    if (media.video && this.layers.length > 0)
      this.stops.push(this.clock.every(1000 / this.fps, () => this.sendVideoFrame()));
  }

  /** RTCP from the node asked for a keyframe of some of `ssrcs`. */
  onKeyframeRequest(ssrcs: number[]): void {
    let mine = false;
    for (const layer of this.layers) {
      if (!ssrcs.includes(layer.ssrc)) continue;
      layer.wantKeyframe = true;
      mine = true;
    }
    if (mine) this.keyframeRequests++;
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.target = null;
  }

  private sendAudio(): void {
    this.audioTs = (this.audioTs + AUDIO_SAMPLES_PER_PACKET) >>> 0;
    this.audioSeq = (this.audioSeq + 1) & 0xffff;
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + OPUS_SILENCE.length);
    writeRtpHeader(packet, {
      payloadType: AUDIO_PT,
      marker: false,
      sequenceNumber: this.audioSeq,
      timestamp: this.audioTs,
      ssrc: this.audioSsrc,
    });
    OPUS_SILENCE.copy(packet, RTP_HEADER_BYTES);
    this.send(packet);
    this.audioPackets++;
    this.audioOctets += OPUS_SILENCE.length;
    if (this.reports && this.audioPackets % 50 === 1) {
      const sr = { ssrc: this.audioSsrc, rtpTimestamp: this.audioTs, packets: this.audioPackets };
      this.send(buildSenderReport({ ...sr, wallMs: Date.now(), octets: this.audioOctets }));
      this.senderReports++;
    }
  }

  private sendVideoFrame(): void {
    const timestamp = (this.videoTsBase + Math.round((this.videoFrames++ * VIDEO_CLOCK) / this.fps)) >>> 0;
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    const wallMs = Date.now();
    for (const layer of this.layers) {
      this.sendLayerFrame(layer, timestamp);
      if (this.reports && this.videoFrames % Math.max(1, Math.round(this.fps)) === 1) {
        const sr = { ssrc: layer.ssrc, rtpTimestamp: timestamp, packets: layer.packets, octets: layer.octets };
        this.send(buildSenderReport({ ...sr, wallMs }));
        this.senderReports++;
      }
    }
  }

  private sendLayerFrame(layer: VideoLayer, timestamp: number): void {
    if (layer.wantKeyframe) {
      layer.wantKeyframe = false;
      layer.clipIndex = nextKeyframe(layer.clip, layer.clipIndex - 1);
    }
    const payloads = layer.clip.frames[layer.clipIndex]!;
    layer.clipIndex = (layer.clipIndex + 1) % layer.clip.frames.length;
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i]!;
      layer.seq = (layer.seq + 1) & 0xffff;
      const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
      writeRtpHeader(packet, {
        payloadType: VIDEO_PT,
        marker: i === payloads.length - 1,
        sequenceNumber: layer.seq,
        timestamp,
        ssrc: layer.ssrc,
      });
      payload.copy(packet, RTP_HEADER_BYTES);
      setPictureId(packet.subarray(RTP_HEADER_BYTES), this.pictureId);
      this.send(packet);
      layer.packets++;
      layer.octets += payload.length;
    }
  }

  private send(packet: Buffer): void {
    const target = this.target;
    if (!target) return;
    this.bytesSent += packet.length;
    this.packetsSent++;
    this.socket.send(packet, target.port, target.ip, () => undefined);
  }
}

function isClipList(clips: PacketizedClip | readonly PacketizedClip[]): clips is readonly PacketizedClip[] {
  return Array.isArray(clips);
}
