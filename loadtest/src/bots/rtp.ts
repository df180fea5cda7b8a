/**
 * RTP (RFC 3550) headers without CSRCs or extensions, as the bots send them, and a parser for
 * what they receive (extensions and padding are skipped), plus the RTCP feedback they act on.
 */

export const RTP_HEADER_BYTES = 12;

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
}

/** Writes a 12-byte header at the start of `packet` (which already holds the payload after it). */
export function writeRtpHeader(packet: Buffer, h: RtpHeader): void {
  packet[0] = 0x80;
  packet[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  packet.writeUInt16BE(h.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(h.timestamp >>> 0, 4);
  packet.writeUInt32BE(h.ssrc >>> 0, 8);
}

/** A packet: header + payload in one new buffer. */
export function buildRtpPacket(h: RtpHeader, payload: Uint8Array): Buffer {
  const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
  writeRtpHeader(packet, h);
  packet.set(payload, RTP_HEADER_BYTES);
  return packet;
}

export interface ParsedRtp extends RtpHeader {
  /** Offset of the payload in the packet, and its length (padding removed). */
  payloadOffset: number;
  payloadLength: number;
}

/** RTCP packet types 192–223 share the socket with RTP (rtcpMux). */
export function isRtcp(packet: Uint8Array): boolean {
  const pt = packet[1] ?? 0;
  return packet.length >= 4 && pt >= 192 && pt <= 223;
}

/**
 * The header of an RTP packet, or null when it is not one (too short, not version 2, bad lengths).
 * `authTagBytes` > 0: an SRTP packet, whose last bytes are the auth tag; its padding count is
 * encrypted, so padding is not removed from `payloadLength`.
 */
export function parseRtp(packet: Buffer, authTagBytes = 0): ParsedRtp | null {
  if (packet.length < RTP_HEADER_BYTES || packet[0]! >> 6 !== 2 || isRtcp(packet)) return null;
  const b0 = packet[0]!;
  const b1 = packet[1]!;
  let offset = RTP_HEADER_BYTES + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (packet.length < offset + 4) return null;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length - authTagBytes;
  if (b0 & 0x20 && authTagBytes === 0) end -= packet[packet.length - 1]!;
  if (offset > end) return null;
  return {
    payloadType: b1 & 0x7f,
    marker: (b1 & 0x80) !== 0,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payloadOffset: offset,
    payloadLength: end - offset,
  };
}

/**
 * Media SSRCs for which a compound RTCP packet asks a keyframe: PLI (PT 206, FMT 1) or FIR
 * (PT 206, FMT 4; one FCI entry per SSRC).
 */
export function keyframeRequests(packet: Buffer): number[] {
  const wanted: number[] = [];
  let offset = 0;
  while (offset + 4 <= packet.length) {
    const fmt = packet[offset]! & 0x1f;
    const pt = packet[offset + 1]!;
    const bytes = (packet.readUInt16BE(offset + 2) + 1) * 4;
    if (offset + bytes > packet.length) break;
    if (pt === 206 && fmt === 1 && bytes >= 12) wanted.push(packet.readUInt32BE(offset + 8));
    if (pt === 206 && fmt === 4)
      for (let fci = offset + 12; fci + 8 <= offset + bytes; fci += 8) wanted.push(packet.readUInt32BE(fci));
    offset += bytes;
  }
  return wanted;
}
