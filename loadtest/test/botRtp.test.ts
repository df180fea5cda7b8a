import { describe, expect, it } from 'vitest';
import type * as dgram from 'node:dgram';
import { BotSender } from '../src/bots/BotSender.js';
import { nextKeyframe, packetizeClip } from '../src/bots/clipPackets.js';
import { MediaClock } from '../src/bots/mediaClock.js';
import { receiveCapabilities } from '../src/bots/mediaParams.js';
import { summarize } from '../src/bots/BotReceiver.js';
import { usernameFor } from '../src/bots/botSignalling.js';
import { buildRtpPacket, isRtcp, keyframeRequests, parseRtp } from '../src/bots/rtp.js';
import { BotReceiver } from '../src/bots/BotReceiver.js';
import { randomSrtpParameters, srtpAuthTagBytes } from '../src/bots/srtp.js';
import { FREEZE_MS, StreamStats } from '../src/bots/streamStats.js';
import { transportTarget } from '../src/bots/udpSocket.js';
import { isVp8Keyframe, packetizeVp8, parseVp8Descriptor, setPictureId } from '../src/bots/vp8Packetizer.js';

/** Pure logic of the RTP bots (loadtest/src/bots). The integration test is botRtpCall.test.ts. */

describe('RTP header', () => {
  it('writes and parses a header', () => {
    const packet = buildRtpPacket(
      { payloadType: 101, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef },
      Buffer.from([1, 2, 3]),
    );
    expect(packet.length).toBe(15);
    expect(packet[0]).toBe(0x80);
    expect(parseRtp(packet)).toEqual({
      payloadType: 101,
      marker: true,
      sequenceNumber: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      payloadOffset: 12,
      payloadLength: 3,
    });
  });

  it('skips CSRCs, a header extension and padding', () => {
    const ext = Buffer.from([0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00]);
    const header = buildRtpPacket(
      { payloadType: 100, marker: false, sequenceNumber: 7, timestamp: 1, ssrc: 5 },
      Buffer.alloc(0),
    );
    header[0] = 0x80 | 0x20 | 0x10 | 0x01; // padding, extension, 1 CSRC
    const packet = Buffer.concat([header, Buffer.alloc(4, 9), ext, Buffer.from([0xaa, 0xbb]), Buffer.from([0, 0, 3])]);
    const parsed = parseRtp(packet)!;
    expect(parsed.payloadOffset).toBe(12 + 4 + 8);
    expect(parsed.payloadLength).toBe(2);
  });

  it('SRTP: leaves the auth tag out of the payload and does not read the (encrypted) padding count', () => {
    const packet = buildRtpPacket(
      { payloadType: 101, marker: true, sequenceNumber: 9, timestamp: 90, ssrc: 77 },
      Buffer.alloc(40 + 10, 0xff),
    );
    packet[0] = 0x80 | 0x20; // padding bit: its count byte would be 0xff, inside the tag
    expect(parseRtp(packet)).toBeNull();
    expect(parseRtp(packet, 10)).toMatchObject({
      marker: true,
      sequenceNumber: 9,
      ssrc: 77,
      payloadOffset: 12,
      payloadLength: 40,
    });
    expect(parseRtp(Buffer.alloc(12 + 5, 0x80).fill(0, 1), 10)).toBeNull();
  });

  it('SRTP keys and tags per crypto suite; the receiver counts bytes without the tag', () => {
    expect(srtpAuthTagBytes('AES_CM_128_HMAC_SHA1_80')).toBe(10);
    expect(srtpAuthTagBytes('AEAD_AES_256_GCM')).toBe(16);
    const a = randomSrtpParameters('AES_CM_128_HMAC_SHA1_80');
    expect(a.cryptoSuite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(Buffer.from(a.keyBase64, 'base64').length).toBe(30);
    expect(randomSrtpParameters('AES_CM_128_HMAC_SHA1_80').keyBase64).not.toBe(a.keyBase64);
    expect(Buffer.from(randomSrtpParameters('AEAD_AES_256_GCM').keyBase64, 'base64').length).toBe(44);
    expect(Buffer.from(randomSrtpParameters('AEAD_AES_128_GCM').keyBase64, 'base64').length).toBe(28);

    let now = 0;
    const receiver = new BotReceiver(() => now);
    receiver.authTagBytes = 10;
    receiver.addConsumer('c1', 77, 'video', 90_000);
    for (let i = 0; i < 10; i++) {
      now += 100;
      receiver.onRtp(
        buildRtpPacket(
          { payloadType: 101, marker: true, sequenceNumber: i, timestamp: i * 9000, ssrc: 77 },
          Buffer.alloc(88 + 10),
        ),
      );
    }
    now = 1000;
    const figures = receiver.sample();
    expect(figures.bitrateIn).toBeCloseTo(10 * 100 * 8, 6);
    expect(figures.fps).toBeCloseTo(10, 6);
    expect(receiver.firstVideoFrameAt).toBe(100);
  });

  it('refuses what is not RTP', () => {
    expect(parseRtp(Buffer.alloc(5))).toBeNull();
    expect(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
    const rtcp = Buffer.from([0x81, 201, 0, 1, 0, 0, 0, 1]);
    expect(isRtcp(rtcp)).toBe(true);
    expect(parseRtp(Buffer.concat([rtcp, Buffer.alloc(8)]))).toBeNull();
    const badExt = buildRtpPacket(
      { payloadType: 1, marker: false, sequenceNumber: 1, timestamp: 1, ssrc: 1 },
      Buffer.from([0xbe, 0xde, 0x00, 0x09]),
    );
    badExt[0] = 0x90;
    expect(parseRtp(badExt)).toBeNull();
  });

  it('finds PLI and FIR targets in a compound RTCP packet and ignores the rest', () => {
    const rr = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 9]);
    const pli = Buffer.alloc(12);
    pli[0] = 0x81;
    pli[1] = 206;
    pli.writeUInt16BE(2, 2);
    pli.writeUInt32BE(1, 4);
    pli.writeUInt32BE(1111, 8);
    const fir = Buffer.alloc(20);
    fir[0] = 0x84;
    fir[1] = 206;
    fir.writeUInt16BE(4, 2);
    fir.writeUInt32BE(2222, 12);
    const nack = Buffer.from(pli);
    nack[0] = 0x81;
    nack[1] = 205;
    expect(keyframeRequests(Buffer.concat([rr, pli, nack, fir]))).toEqual([1111, 2222]);
    expect(keyframeRequests(Buffer.concat([rr, pli.subarray(0, 10)]))).toEqual([]);
  });
});

describe('VP8 packetizer (RFC 7741)', () => {
  const frame = Buffer.alloc(3000, 7);
  frame[0] = 0x10; // keyframe tag (bit 0 = 0)

  it('splits a frame into ≤ 1200-byte payloads with S on the first, and keeps every byte', () => {
    const payloads = packetizeVp8(frame, 300);
    expect(payloads).toHaveLength(3);
    for (const p of payloads) expect(p.length).toBeLessThanOrEqual(1200);
    const descriptors = payloads.map((p) => parseVp8Descriptor(p)!);
    expect(descriptors.map((d) => d.start)).toEqual([true, false, false]);
    expect(descriptors.every((d) => d.pictureId === 300 && d.headerBytes === 4 && d.partitionId === 0)).toBe(true);
    expect(Buffer.concat(payloads.map((p, i) => p.subarray(descriptors[i]!.headerBytes)))).toEqual(frame);
  });

  it('sends a tiny frame as one packet and wraps the 15-bit PictureID', () => {
    const [only, ...rest] = packetizeVp8(Buffer.from([1, 2]), 0x8001);
    expect(rest).toHaveLength(0);
    expect(parseVp8Descriptor(only!)).toMatchObject({ start: true, pictureId: 1 });
    setPictureId(only!, 0x7fff);
    expect(parseVp8Descriptor(only!)!.pictureId).toBe(0x7fff);
    expect(() => packetizeVp8(frame, 0, 4)).toThrow(RangeError);
  });

  it('parses other descriptor forms (7-bit PictureID, TL0PICIDX, TID) and short ones', () => {
    expect(parseVp8Descriptor(Buffer.from([0x90, 0xe0, 0x05, 0x01, 0x40, 0xaa]))).toEqual({
      start: true,
      partitionId: 0,
      pictureId: 5,
      headerBytes: 5,
    });
    expect(parseVp8Descriptor(Buffer.from([0x10, 0xaa]))).toEqual({
      start: true,
      partitionId: 0,
      pictureId: null,
      headerBytes: 1,
    });
    expect(parseVp8Descriptor(Buffer.from([0x90, 0x80]))).toBeNull();
    expect(parseVp8Descriptor(Buffer.alloc(0))).toBeNull();
  });

  it('tells keyframes from the frame tag, and finds the next keyframe of a clip', () => {
    expect(isVp8Keyframe(Buffer.from([0x10]))).toBe(true);
    expect(isVp8Keyframe(Buffer.from([0x11]))).toBe(false);
    const key = { key: true, data: Buffer.from([0x10, 1]) };
    const delta = { key: false, data: Buffer.from([0x11, 1]) };
    const clip = packetizeClip({ width: 16, height: 16, fps: 10, frames: [key, delta, delta, key, delta] });
    expect(clip.keyframes).toEqual([0, 3]);
    expect(nextKeyframe(clip, -1)).toBe(0);
    expect(nextKeyframe(clip, 0)).toBe(3);
    expect(nextKeyframe(clip, 3)).toBe(0);
    expect(clip.bitrate).toBeCloseTo((6 * 5 * 8 * 10) / 5);
    expect(() => packetizeClip({ width: 16, height: 16, fps: 10, frames: [delta, key] })).toThrow(/keyframe/);
  });
});

describe('receive accounting', () => {
  it('counts frames by marker, fps and loss from sequence gaps across the 16-bit wrap', () => {
    const s = new StreamStats('video', 90_000, 0);
    let seq = 65_530;
    // 10 frames of 2 packets at 100 ms; the second packet of frame 5 is lost.
    for (let f = 0; f < 10; f++) {
      const at = f * 100;
      const ts = f * 9000;
      if (f !== 5) s.onPacket(at, seq & 0xffff, ts, false, 500);
      seq++;
      s.onPacket(at + 1, seq & 0xffff, ts, true, 500);
      seq++;
    }
    const d = s.delta(1000);
    expect(d.frames).toBe(10);
    expect(d.expected).toBe(20);
    expect(d.received).toBe(19);
    expect(d.bytes).toBe(19 * 500);
    expect(d.frames / d.seconds).toBeCloseTo(10);
    expect(d.freezes).toBe(0);
    expect(s.firstFrameAt).toBe(1);
  });

  it('computes RFC 3550 jitter: zero for perfect pacing, about the variation otherwise', () => {
    const even = new StreamStats('audio', 48_000, 0);
    for (let i = 0; i < 100; i++) even.onPacket(i * 20, i, i * 960, false, 100);
    expect(even.delta(2000).jitterMs).toBeCloseTo(0, 6);
    const uneven = new StreamStats('audio', 48_000, 0);
    for (let i = 0; i < 400; i++) uneven.onPacket(i * 20 + (i % 2 ? 10 : 0), i, i * 960, false, 100);
    // |D| is 10 ms on every packet: J converges to 10 ms.
    expect(uneven.delta(8000).jitterMs).toBeCloseTo(10, 1);
  });

  it('counts a freeze once, with its length, whether it ends before or after a sample', () => {
    const s = new StreamStats('video', 90_000, 0);
    s.onPacket(0, 1, 0, true, 100);
    s.onPacket(100, 2, 9000, true, 100);
    s.onPacket(800, 3, 18000, true, 100); // 700 ms gap
    const first = s.delta(900);
    expect(first).toMatchObject({ freezes: 1, freezeMs: 700 });
    // Ongoing at the next sample: counted once, then continued.
    const second = s.delta(800 + FREEZE_MS + 200);
    expect(second.freezes).toBe(1);
    expect(second.freezeMs).toBe(FREEZE_MS + 200);
    s.onPacket(1800, 4, 27000, true, 100);
    const third = s.delta(1900);
    expect(third.freezes).toBe(0);
    expect(third.freezeMs).toBe(300);
    expect(s.delta(2000).freezes).toBe(0);
  });

  it('does not count audio gaps or a stream that has not started as freezes', () => {
    const audio = new StreamStats('audio', 48_000, 0);
    audio.onPacket(0, 1, 0, false, 10);
    audio.onPacket(2000, 2, 960, false, 10);
    expect(audio.delta(3000).freezes).toBe(0);
    const idle = new StreamStats('video', 90_000, 0);
    expect(idle.delta(5000)).toMatchObject({ freezes: 0, expected: 0, received: 0 });
  });

  it('summarizes streams into the sample figures', () => {
    const base = { seconds: 1, jitterMs: 2, freezes: 0, freezeMs: 0, started: true };
    const figures = summarize(
      [
        { ...base, kind: 'video', frames: 15, bytes: 10_000, expected: 20, received: 19, freezes: 1, freezeMs: 600 },
        { ...base, kind: 'video', frames: 5, bytes: 5_000, expected: 10, received: 10 },
        { ...base, kind: 'audio', frames: 50, bytes: 1_000, expected: 50, received: 50, jitterMs: 5 },
        { ...base, kind: 'video', frames: 0, bytes: 0, expected: 0, received: 0, started: false },
      ],
      2,
    );
    expect(figures).toEqual({
      videoStreams: 3,
      fps: 10,
      minFps: 5,
      freezes: 1,
      freezeMs: 600,
      packetLoss: 1 / 80,
      jitterMs: 3,
      bitrateIn: (16_000 * 8) / 2,
    });
    expect(summarize([], 1)).toMatchObject({
      fps: null,
      minFps: null,
      packetLoss: null,
      jitterMs: null,
      bitrateIn: null,
      videoStreams: 0,
    });
  });
});

describe('shared clock and helpers', () => {
  it('runs tasks at their period from one tick and re-phases after a long stall', () => {
    let now = 0;
    const clock = new MediaClock({ now: () => now, maxLagMs: 100 });
    const runs: number[] = [];
    const stop = clock.every(20, (at) => runs.push(at), 0);
    for (now = 0; now <= 100; now += 5) clock.tick(now);
    expect(runs).toHaveLength(6);
    now = 1000;
    clock.tick(now);
    expect(runs).toHaveLength(7); // not a burst of 45
    stop();
    expect(clock.size).toBe(0);
    clock.stop();
  });

  it('derives valid usernames, receive capabilities and transport targets', () => {
    expect(usernameFor('bot-7')).toBe('bot-7');
    expect(usernameFor('Load+Bot.7@example.com')).toBe('load_bot.7');
    expect(usernameFor('a@b')).toMatch(/^[a-z0-9_.-]{3,32}$/);
    expect(usernameFor(`${'x'.repeat(40)}@e.com`)).toHaveLength(32);
    const caps = receiveCapabilities({
      codecs: [{ mimeType: 'video/VP8' }, { mimeType: 'video/rtx' }],
      headerExtensions: [{ uri: 'x' }],
    });
    expect(caps).toEqual({ codecs: [{ mimeType: 'video/VP8' }], headerExtensions: [] });
    expect(transportTarget('10.0.0.5', 'http://127.0.0.1:3000')).toBe('10.0.0.5');
    expect(transportTarget('0.0.0.0', 'http://192.168.1.9:3000')).toBe('192.168.1.9');
    expect(transportTarget('0.0.0.0', 'http://parley.local')).toBe('127.0.0.1');
  });
});

describe('BotSender', () => {
  const key = { key: true, data: Buffer.concat([Buffer.from([0x10]), Buffer.alloc(2000, 1)]) };
  const delta = (n: number) => ({ key: false, data: Buffer.from([0x11, n]) });
  const clip = packetizeClip({ width: 16, height: 16, fps: 10, frames: [key, delta(1), delta(2), key, delta(4)] });

  function sender() {
    const sent: Buffer[] = [];
    const socket = {
      send: (packet: Buffer) => void sent.push(packet),
    } as unknown as dgram.Socket;
    let now = 0;
    const clock = new MediaClock({ now: () => now });
    const s = new BotSender(socket, clip, clock);
    const run = (until: number) => {
      for (; now <= until; now += 5) clock.tick(now);
    };
    return { s, sent, run, clock };
  }

  it('sends opus every 20 ms and the clip at its rate with markers, PictureIDs and 90 kHz timestamps', () => {
    const { s, sent, run, clock } = sender();
    s.start({ ip: '127.0.0.1', port: 9 }, { audio: true, video: true });
    run(1000);
    clock.stop();
    const rtp = sent.map((p) => ({ p, h: parseRtp(p)! }));
    const audio = rtp.filter((x) => x.h.ssrc === s.audioSsrc);
    const video = rtp.filter((x) => x.h.ssrc === s.videoSsrc);
    expect(audio.length).toBeGreaterThanOrEqual(49);
    expect(audio.length).toBeLessThanOrEqual(51);
    const frames = video.filter((x) => x.h.marker);
    expect(frames.length).toBeGreaterThanOrEqual(9);
    expect(frames.length).toBeLessThanOrEqual(11);
    // The first frame is the keyframe in 2 packets (S on the first), then one packet per delta frame.
    expect(video.slice(0, 3).map((x) => [x.h.marker, parseVp8Descriptor(x.p.subarray(12))!.start])).toEqual([
      [false, true],
      [true, false],
      [true, true],
    ]);
    for (let i = 1; i < video.length; i++)
      expect(video[i]!.h.sequenceNumber).toBe((video[0]!.h.sequenceNumber + i) & 0xffff);
    const ts = frames.map((x) => x.h.timestamp);
    for (let i = 1; i < ts.length; i++) expect((ts[i]! - ts[i - 1]! + 2 ** 32) % 2 ** 32).toBe(9000);
    const pids = frames.map((x) => parseVp8Descriptor(x.p.subarray(12))!.pictureId!);
    for (let i = 1; i < pids.length; i++) expect(pids[i]).toBe((pids[i - 1]! + 1) & 0x7fff);
    expect(s.packetsSent).toBe(sent.length);
  });

  it('jumps to the next keyframe on a PLI for its video SSRC only', () => {
    const { s, sent, clock } = sender();
    s.start({ ip: '127.0.0.1', port: 9 }, { audio: false, video: true });
    let now = 0;
    // The first packet of each frame (S bit) carries the frame tag.
    const frames = () => sent.filter((p) => parseVp8Descriptor(p.subarray(12))!.start);
    /** Ticks until `n` more frames went out; returns [tag bit (0 = key), first data byte] of the last. */
    const next = (n = 1) => {
      const want = frames().length + n;
      while (frames().length < want && now < 10_000) clock.tick((now += 5));
      const last = frames().at(-1)!;
      return [last[12 + 4]! & 1, last[12 + 4 + 1]];
    };
    expect(next(2)).toEqual([1, 1]); // frames 0 (key) and 1
    s.onKeyframeRequest([12345]);
    expect(next()).toEqual([1, 2]); // not ours: no jump
    s.onKeyframeRequest([s.videoSsrc]);
    expect(next()).toEqual([0, 1]); // keyframe 3
    s.onKeyframeRequest([s.videoSsrc]);
    expect(next()).toEqual([0, 1]); // keyframe 0 (looped), frame 4 skipped
    expect(next()).toEqual([1, 1]); // frame 1
    expect(s.keyframeRequests).toBe(2);
    s.stop();
    clock.stop();
  });
});
