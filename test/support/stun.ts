/**
 * Just enough ICE (RFC 8445 / STUN RFC 5389) for a test to be the remote peer of a mediasoup
 * WebRtcTransport (which is ICE-lite): a Binding request with USERNAME, PRIORITY,
 * ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY and FINGERPRINT.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';

const MAGIC_COOKIE = 0x2112a442;

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function header(bodyLength: number, transactionId: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(0x0001, 0); // Binding request
  h.writeUInt16BE(bodyLength, 2);
  h.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(h, 8);
  return h;
}

/**
 * A STUN Binding request to the transport whose ICE parameters are `remote` (USERNAME is
 * "remoteUfrag:localUfrag", integrity keyed with the remote password).
 */
export function stunBindingRequest(remote: { usernameFragment: string; password: string }, localUfrag: string): Buffer {
  const transactionId = crypto.randomBytes(12);
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e7f1eff, 0);
  let body = Buffer.concat([
    attribute(0x0006, Buffer.from(`${remote.usernameFragment}:${localUfrag}`)), // USERNAME
    attribute(0x0024, priority), // PRIORITY
    attribute(0x802a, crypto.randomBytes(8)), // ICE-CONTROLLING (tie-breaker)
    attribute(0x0025, Buffer.alloc(0)), // USE-CANDIDATE
  ]);
  // MESSAGE-INTEGRITY: HMAC-SHA1 over the message, its length counting the MI attribute.
  const hmac = crypto
    .createHmac('sha1', remote.password)
    .update(Buffer.concat([header(body.length + 24, transactionId), body]))
    .digest();
  body = Buffer.concat([body, attribute(0x0008, hmac)]);
  // FINGERPRINT: CRC-32 of the message (length counting it) XOR 0x5354554e.
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((zlib.crc32(Buffer.concat([header(body.length + 8, transactionId), body])) ^ 0x5354554e) >>> 0, 0);
  body = Buffer.concat([body, attribute(0x8028, crc)]);
  return Buffer.concat([header(body.length, transactionId), body]);
}

/** RFC 7983 demultiplexing: true for a STUN message (first byte 0 to 3). */
export function isStun(packet: Buffer): boolean {
  return packet.length >= 20 && packet[0]! <= 3;
}

/** True for a STUN Binding success response. */
export function isBindingSuccess(packet: Buffer): boolean {
  return isStun(packet) && packet.readUInt16BE(0) === 0x0101;
}
