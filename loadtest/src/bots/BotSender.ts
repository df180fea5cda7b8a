/**
 * The sending half of one bot: opus silence every 20 ms and the shared VP8 clip at its frame
 * rate, over one UDP socket to a comedia plain transport, from the shared MediaClock. Payloads
 * are pre-built; per packet only the RTP header and the PictureID are written. A PLI or FIR for
 * the video SSRC makes the next video tick send the clip's next keyframe.
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
import { setPictureId } from './vp8Packetizer.js';

export interface SenderTarget {
  ip: string;
  port: number;
}

export class BotSender {
  readonly audioSsrc = randomSsrc();
  readonly videoSsrc = randomSsrc();
  bytesSent = 0;
  packetsSent = 0;
  keyframeRequests = 0;
  private audioSeq = Math.floor(Math.random() * 0xffff);
  private videoSeq = Math.floor(Math.random() * 0xffff);
  private audioTs = Math.floor(Math.random() * 0xffffffff);
  private readonly videoTsBase = Math.floor(Math.random() * 0xffffffff);
  private videoFrames = 0;
  private pictureId = Math.floor(Math.random() * 0x7fff);
  private clipIndex = 0;
  private wantKeyframe = false;
  private readonly stops: Array<() => void> = [];
  private target: SenderTarget | null = null;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly clip: PacketizedClip,
    private readonly clock: MediaClock,
  ) {}

  /** Starts sending to the transport (audio and/or video, as produced). */
  start(target: SenderTarget, media: { audio: boolean; video: boolean }): void {
    this.target = target;
    if (media.audio) this.stops.push(this.clock.every(AUDIO_PERIOD_MS, () => this.sendAudio()));
    if (media.video) this.stops.push(this.clock.every(1000 / this.clip.fps, () => this.sendVideoFrame()));
  }

  /** RTCP from the node asked for a keyframe of one of `ssrcs`. */
  onKeyframeRequest(ssrcs: number[]): void {
    if (!ssrcs.includes(this.videoSsrc)) return;
    this.keyframeRequests++;
    this.wantKeyframe = true;
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
  }

  private sendVideoFrame(): void {
    if (this.wantKeyframe) {
      this.wantKeyframe = false;
      this.clipIndex = nextKeyframe(this.clip, this.clipIndex - 1);
    }
    const payloads = this.clip.frames[this.clipIndex]!;
    this.clipIndex = (this.clipIndex + 1) % this.clip.frames.length;
    const timestamp = (this.videoTsBase + Math.round((this.videoFrames++ * VIDEO_CLOCK) / this.clip.fps)) >>> 0;
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i]!;
      this.videoSeq = (this.videoSeq + 1) & 0xffff;
      const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
      writeRtpHeader(packet, {
        payloadType: VIDEO_PT,
        marker: i === payloads.length - 1,
        sequenceNumber: this.videoSeq,
        timestamp,
        ssrc: this.videoSsrc,
      });
      payload.copy(packet, RTP_HEADER_BYTES);
      setPictureId(packet.subarray(RTP_HEADER_BYTES), this.pictureId);
      this.send(packet);
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
