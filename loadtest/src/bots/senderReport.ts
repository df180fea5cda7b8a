/**
 * RTCP sender reports (RFC 3550 §6.4.1) for the bots' outgoing streams. mediasoup aligns the RTP
 * timestamps of a simulcast producer's layers by their sender reports when a consumer switches
 * layers; without them it drops the new layer's keyframes and asks for more, so a receiver never
 * gets the layer it asked for. Pure.
 */

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

export interface SenderReportInput {
  ssrc: number;
  /** Wall-clock time the RTP timestamp was captured at (Unix ms). */
  wallMs: number;
  rtpTimestamp: number;
  packets: number;
  octets: number;
}

/** One SR without report blocks (28 bytes). */
export function buildSenderReport(sr: SenderReportInput): Buffer {
  const packet = Buffer.alloc(28);
  packet[0] = 0x80; // V=2, P=0, RC=0
  packet[1] = 200; // SR
  packet.writeUInt16BE(6, 2); // length in 32-bit words minus one
  packet.writeUInt32BE(sr.ssrc >>> 0, 4);
  const seconds = Math.floor(sr.wallMs / 1000);
  const fraction = Math.floor(((sr.wallMs - seconds * 1000) / 1000) * 0x1_0000_0000);
  packet.writeUInt32BE((seconds + NTP_UNIX_OFFSET_S) >>> 0, 8);
  packet.writeUInt32BE(Math.min(fraction, 0xffff_ffff) >>> 0, 12);
  packet.writeUInt32BE(sr.rtpTimestamp >>> 0, 16);
  packet.writeUInt32BE(sr.packets >>> 0, 20);
  packet.writeUInt32BE(sr.octets >>> 0, 24);
  return packet;
}
