import * as dgram from 'node:dgram';

export const OPUS = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };

/** A plain opus-like RTP packet (12-byte header, 40 bytes of payload). */
export function rtpPacket(seq: number, ssrc: number, payloadType = OPUS.payloadType): Buffer {
  const packet = Buffer.alloc(52, 0xab);
  packet[0] = 0x80;
  packet[1] = payloadType & 0x7f;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 960) >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  return packet;
}

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/**
 * An RTP packet carrying the ssrc-audio-level header extension (RFC 6464, one-byte form, id
 * `extId`): voice activity set, level `dBov` (0 = loudest, 127 = silence).
 */
export function rtpPacketWithLevel(seq: number, ssrc: number, extId: number, dBov: number): Buffer {
  const header = rtpPacket(seq, ssrc).subarray(0, 12);
  header[0] = 0x90; // version 2, extension bit
  const ext = Buffer.from([0xbe, 0xde, 0x00, 0x01, (extId << 4) | 0x00, 0x80 | (dBov & 0x7f), 0x00, 0x00]);
  return Buffer.concat([header, ext, Buffer.alloc(40, 0xab)]);
}

export interface UdpSink {
  port: number;
  /** RTP packets received (RTCP is not counted). */
  packets(): number;
  close(): void;
}

/** A UDP socket on 127.0.0.1 counting the RTP packets it receives. */
export async function udpSink(): Promise<UdpSink> {
  const socket = dgram.createSocket('udp4');
  let count = 0;
  socket.on('message', (msg) => {
    const pt = msg[1] ?? 0;
    if (msg.length >= 12 && !(pt >= 192 && pt <= 223)) count++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, packets: () => count, close: () => socket.close() };
}

export interface RtpSender {
  /** Sends `count` packets (sequence numbers from `firstSeq`), one every `intervalMs`. */
  send(count: number, firstSeq?: number, intervalMs?: number, make?: (seq: number) => Buffer): Promise<void>;
  close(): void;
}

/**
 * One UDP socket sending RTP to ip:port. Keep one per producer: a comedia transport only accepts
 * packets from the address its first packet came from.
 */
export async function rtpSender(ip: string, port: number, ssrc: number): Promise<RtpSender> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    async send(count, firstSeq = 1, intervalMs = 5, make = (seq) => rtpPacket(seq, ssrc)) {
      for (let seq = firstSeq; seq < firstSeq + count; seq++) {
        await new Promise<void>((resolve, reject) =>
          socket.send(make(seq), port, ip, (e) => (e ? reject(e) : resolve())),
        );
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    },
    close: () => socket.close(),
  };
}

/** Sends `count` RTP packets from a fresh socket. */
export async function sendRtp(ip: string, port: number, ssrc: number, count: number): Promise<void> {
  const sender = await rtpSender(ip, port, ssrc);
  try {
    await sender.send(count);
  } finally {
    sender.close();
  }
}
