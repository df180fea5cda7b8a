/**
 * VP8 RTP payloads (RFC 7741): every packet starts with a 4-byte payload descriptor
 * `X=1 S PID=0 | I=1 | M=1 PictureID(15 bits)`; S is set on the first packet of a frame, and the
 * caller sets the RTP marker on the last one. The PictureID is patched per send
 * (`setPictureId`), so pre-built payloads can be reused when a clip loops.
 */

export const VP8_DESCRIPTOR_BYTES = 4;
/** Largest payload per packet (descriptor included), well under a 1500-byte MTU with headers. */
export const MAX_VP8_PAYLOAD = 1200;

/** Splits one encoded frame into RTP payloads (descriptor + a slice of the frame each). */
export function packetizeVp8(frame: Uint8Array, pictureId = 0, maxPayload = MAX_VP8_PAYLOAD): Buffer[] {
  const room = maxPayload - VP8_DESCRIPTOR_BYTES;
  if (room < 1) throw new RangeError('maxPayload leaves no room for VP8 data');
  const count = Math.max(1, Math.ceil(frame.length / room));
  // Even sizes: no tiny last packet.
  const size = Math.ceil(frame.length / count);
  const payloads: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const slice = frame.subarray(i * size, Math.min(frame.length, (i + 1) * size));
    const payload = Buffer.allocUnsafe(VP8_DESCRIPTOR_BYTES + slice.length);
    payload[0] = 0x80 | (i === 0 ? 0x10 : 0);
    payload[1] = 0x80;
    setPictureId(payload, pictureId);
    payload.set(slice, VP8_DESCRIPTOR_BYTES);
    payloads.push(payload);
  }
  return payloads;
}

/** Writes a 15-bit PictureID (M bit set) into a payload made by packetizeVp8. */
export function setPictureId(payload: Buffer, pictureId: number): void {
  payload.writeUInt16BE(0x8000 | (pictureId & 0x7fff), 2);
}

export interface Vp8Descriptor {
  start: boolean;
  partitionId: number;
  pictureId: number | null;
  /** Offset of the VP8 data after the descriptor. */
  headerBytes: number;
}

/** Reads the payload descriptor (any form RFC 7741 allows), or null when it is cut short. */
export function parseVp8Descriptor(payload: Uint8Array): Vp8Descriptor | null {
  if (payload.length < 1) return null;
  const b0 = payload[0]!;
  let offset = 1;
  let pictureId: number | null = null;
  if (b0 & 0x80) {
    const x = payload[offset++];
    if (x === undefined) return null;
    if (x & 0x80) {
      const p = payload[offset];
      if (p === undefined) return null;
      if (p & 0x80) {
        if (payload.length < offset + 2) return null;
        pictureId = ((p & 0x7f) << 8) | payload[offset + 1]!;
        offset += 2;
      } else {
        pictureId = p;
        offset += 1;
      }
    }
    if (x & 0x40) offset++;
    if (x & 0x30) offset++;
  }
  if (offset > payload.length) return null;
  return { start: (b0 & 0x10) !== 0, partitionId: b0 & 0x0f, pictureId, headerBytes: offset };
}

/** A VP8 keyframe: bit 0 of the first byte of the frame is 0 (RFC 6386 frame tag). */
export function isVp8Keyframe(frame: Uint8Array): boolean {
  return frame.length > 0 && (frame[0]! & 0x01) === 0;
}

/** A keyframe's picture size (RFC 6386 §9.1: start code, then 14-bit width and height), or null. */
export function vp8KeyframeSize(frame: Uint8Array): { width: number; height: number } | null {
  if (frame.length < 10 || !isVp8Keyframe(frame)) return null;
  if (frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return null;
  return { width: (frame[6]! | (frame[7]! << 8)) & 0x3fff, height: (frame[8]! | (frame[9]! << 8)) & 0x3fff };
}
