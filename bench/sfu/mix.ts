import type { PacketMix, StreamSpec } from './types.js';

/**
 * The packet mixes. "meeting" (default): a call where 4 people talk and 1 shares video; every
 * receiver gets all 5 streams, as a WebRTC participant does over one transport.
 *  - opus: 50 packets/s (20 ms frames) of 100 bytes (12 header + 88 payload, ~32 kbit/s);
 *  - VP8-like: 30 frames/s × 3 packets of 1100 bytes (~800 kbit/s), a key frame every second.
 * "audio": 5 opus streams, comparable with the bare worker's ~122k packets/s out per CPU-second
 *  (measured with opus-sized packets; docs/capacity.md).
 */
const OPUS: StreamSpec = { kind: 'audio', codec: 'opus', packetsPerSecond: 50, packetBytes: 100 };
const VP8: StreamSpec = { kind: 'video', codec: 'vp8', packetsPerSecond: 90, packetBytes: 1100, packetsPerFrame: 3 };

function mixOf(name: string, description: string, streams: StreamSpec[]): PacketMix {
  const pps = streams.reduce((sum, s) => sum + s.packetsPerSecond, 0);
  const bytes = streams.reduce((sum, s) => sum + s.packetsPerSecond * s.packetBytes, 0);
  return { name, description, streams, packetsPerSecondIn: pps, meanPacketBytes: Math.round(bytes / pps) };
}

export function packetMix(name: 'meeting' | 'audio'): PacketMix {
  return name === 'meeting'
    ? mixOf('meeting', '4 × opus 50 pps × 100 B + 1 × VP8 30 fps × 3 pkts × 1100 B', [OPUS, OPUS, OPUS, OPUS, VP8])
    : mixOf('audio', '5 × opus 50 pps × 100 B', [OPUS, OPUS, OPUS, OPUS, OPUS]);
}

export const PAYLOAD_TYPES = { opus: 100, vp8: 101 } as const;
export const firstSsrc = 0x1000_0000;

/** What produce() gets for stream `index` of the mix (fixed SSRC: firstSsrc + index). */
export function producerRtpParameters(stream: StreamSpec, index: number) {
  const codec =
    stream.codec === 'opus'
      ? { mimeType: 'audio/opus', payloadType: PAYLOAD_TYPES.opus, clockRate: 48000, channels: 2 }
      : { mimeType: 'video/VP8', payloadType: PAYLOAD_TYPES.vp8, clockRate: 90000 };
  return { codecs: [codec], encodings: [{ ssrc: firstSsrc + index }] };
}

/**
 * RTP packet `n` of a stream (sequence n, no header extensions). Opus: timestamp step 960.
 * VP8: frame n / packetsPerFrame, timestamp step 3000, a VP8 payload descriptor (S bit on a
 * frame's first packet) and a key frame (P bit clear) every 30 frames, so consumers start at once.
 */
export function rtpPacket(stream: StreamSpec, index: number, n: number): Buffer {
  const packet = Buffer.alloc(stream.packetBytes, 0x5a);
  packet[0] = 0x80;
  packet.writeUInt16BE(n & 0xffff, 2);
  packet.writeUInt32BE(firstSsrc + index, 8);
  if (stream.codec === 'opus') {
    packet[1] = PAYLOAD_TYPES.opus;
    packet.writeUInt32BE((n * 960) >>> 0, 4);
    packet[12] = 0xfc;
    return packet;
  }
  const perFrame = stream.packetsPerFrame ?? 1;
  const frame = Math.floor(n / perFrame);
  const position = n % perFrame;
  packet[1] = PAYLOAD_TYPES.vp8 | (position === perFrame - 1 ? 0x80 : 0);
  packet.writeUInt32BE((frame * 3000) >>> 0, 4);
  packet[12] = position === 0 ? 0x10 : 0x00; // X=0, N=0, S=1 on the first packet, partition 0
  if (position === 0) {
    const key = frame % 30 === 0;
    // Frame tag: P bit (bit 0) clear on key frames; then the key frame start code and 640x360.
    packet[13] = key ? 0x50 : 0x51;
    packet[14] = 0x2e;
    packet[15] = 0x00;
    if (key) Buffer.from([0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]).copy(packet, 16);
  }
  return packet;
}
