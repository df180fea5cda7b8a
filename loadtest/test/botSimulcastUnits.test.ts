import { describe, expect, it } from 'vitest';
import type * as dgram from 'node:dgram';
import { BotSender } from '../src/bots/BotSender.js';
import { packetizeClip } from '../src/bots/clipPackets.js';
import { MediaClock } from '../src/bots/mediaClock.js';
import { videoRtpParameters } from '../src/bots/mediaParams.js';
import { isRtcp, parseRtp } from '../src/bots/rtp.js';
import { buildSenderReport } from '../src/bots/senderReport.js';
import { cameraLayers } from '../src/bots/simulcastLayers.js';
import { parseTileMix, tileClassCounts, tileClassFor, tilesFor } from '../src/bots/tilePlan.js';
import { vp8KeyframeSize } from '../src/bots/vp8Packetizer.js';
import { spatialLayerForHeight } from '@parley/protocol';

describe('bot simulcast layers', () => {
  it('follows the browser client: 3 layers from 540 lines, 2 from 270, halves, even sizes', () => {
    expect(cameraLayers({ width: 960, height: 540, fps: 24 }, true)).toEqual([
      { width: 240, height: 136, fps: 24 },
      { width: 480, height: 270, fps: 24 },
      { width: 960, height: 540, fps: 24 },
    ]);
    expect(cameraLayers({ width: 640, height: 360, fps: 15 }, true).map((l) => l.height)).toEqual([180, 360]);
    expect(cameraLayers({ width: 320, height: 180, fps: 15 }, true)).toHaveLength(1);
    expect(cameraLayers({ width: 960, height: 540, fps: 24 }, false)).toEqual([{ width: 960, height: 540, fps: 24 }]);
    expect(videoRtpParameters([1, 2, 3]).encodings).toEqual([{ ssrc: 1 }, { ssrc: 2 }, { ssrc: 3 }]);
  });
});

describe('bot tiles', () => {
  it('spreads the classes evenly over receivers and maps them to the server layers', () => {
    const mix = parseTileMix('0.1,0.1');
    expect(tileClassCounts(296, mix)).toEqual({ small: 238, medium: 29, large: 29 });
    expect(tileClassFor(10, mix)).toBe('large');
    const ids = ['a', 'b', 'c', 'd'];
    expect(tilesFor(ids, 'small', 3).map((t) => spatialLayerForHeight(t.height))).toEqual([0, 0, 0, 0]);
    expect(tilesFor(ids, 'medium', 3).map((t) => spatialLayerForHeight(t.height))).toEqual([1, 1, 1, 1]);
    // The large tile rotates with the receiver's index.
    expect(tilesFor(ids, 'large', 5).map((t) => spatialLayerForHeight(t.height))).toEqual([0, 2, 0, 0]);
    expect(tilesFor(ids, 'large', 5).every((t) => t.visible)).toBe(true);
    expect(() => parseTileMix('0.8,0.5')).toThrow(/MEDIUM,LARGE/);
  });
});

describe('sender reports and keyframe sizes', () => {
  it('writes an RFC 3550 SR with NTP time and the RTP timestamp', () => {
    const sr = buildSenderReport({ ssrc: 0xdeadbeef, wallMs: 1_000_500, rtpTimestamp: 1234, packets: 7, octets: 900 });
    expect(sr).toHaveLength(28);
    expect(isRtcp(sr)).toBe(true);
    expect([sr[0], sr[1], sr.readUInt16BE(2), sr.readUInt32BE(4)]).toEqual([0x80, 200, 6, 0xdeadbeef]);
    expect(sr.readUInt32BE(8)).toBe(1000 + 2_208_988_800);
    expect(sr.readUInt32BE(12)).toBe(0x8000_0000);
    expect([sr.readUInt32BE(16), sr.readUInt32BE(20), sr.readUInt32BE(24)]).toEqual([1234, 7, 900]);
  });

  it('reads a VP8 keyframe picture size and ignores delta frames', () => {
    const key = Buffer.from([0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0xe0, 0x01, 0x0e, 0x01]);
    expect(vp8KeyframeSize(key)).toEqual({ width: 480, height: 270 });
    expect(vp8KeyframeSize(Buffer.from([0x51, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0xe0, 0x01, 0x0e, 0x01]))).toBeNull();
  });
});

describe('BotSender in simulcast', () => {
  const key = { key: true, data: Buffer.concat([Buffer.from([0x10]), Buffer.alloc(100, 1)]) };
  const delta = { key: false, data: Buffer.from([0x11, 1]) };
  const clip = (size: number) => packetizeClip({ width: size, height: size, fps: 10, frames: [key, delta, delta] });

  it('sends every layer on its SSRC with one timestamp per frame, and a sender report per layer each second', () => {
    const sent: Buffer[] = [];
    const socket = { send: (packet: Buffer) => void sent.push(packet) } as unknown as dgram.Socket;
    let now = 0;
    const clock = new MediaClock({ now: () => now });
    const s = new BotSender(socket, [clip(16), clip(32), clip(64)], clock);
    s.start({ ip: '127.0.0.1', port: 9 }, { audio: true, video: true });
    for (; now <= 2000; now += 5) clock.tick(now);
    clock.stop();
    expect(new Set(s.videoSsrcs).size).toBe(3);
    const rtp = sent.filter((p) => !isRtcp(p)).map((p) => parseRtp(p)!);
    const markers = (ssrc: number) => rtp.filter((h) => h.ssrc === ssrc && h.marker).map((h) => h.timestamp);
    const [a, b, c] = s.videoSsrcs.map(markers);
    expect(a!.length).toBeGreaterThanOrEqual(19);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const reports = sent.filter((p) => isRtcp(p) && p[1] === 200).map((p) => p.readUInt32BE(4));
    for (const ssrc of [...s.videoSsrcs, s.audioSsrc]) {
      expect(reports.filter((r) => r === ssrc).length).toBeGreaterThanOrEqual(2);
      expect(reports.filter((r) => r === ssrc).length).toBeLessThanOrEqual(3);
    }
    s.onKeyframeRequest([s.videoSsrcs[1]!]);
    expect(s.keyframeRequests).toBe(1);
    s.onKeyframeRequest([12345]);
    expect(s.keyframeRequests).toBe(1);
  });
});
