/**
 * What a bot needs of SRTP to receive like a WebRTC client does, without decrypting: its own
 * random key for `sfu:connect_plain_transport` (the node needs one to set up its SRTP sessions),
 * and the length of the auth tag at the end of each SRTP packet. The 12-byte RTP header (marker,
 * sequence number, timestamp, SSRC) stays in clear, which is all the bot's counters read.
 */
import { randomBytes } from 'node:crypto';
import { SRTP_KEY_BYTES, type SrtpParametersWire } from '@parley/protocol';

export type SrtpCryptoSuite = SrtpParametersWire['cryptoSuite'];

/** Bytes of the SRTP auth tag after each RTP packet's (encrypted) payload, per crypto suite. */
const RTP_AUTH_TAG_BYTES: Record<SrtpCryptoSuite, number> = {
  AES_CM_128_HMAC_SHA1_80: 10,
  AES_CM_128_HMAC_SHA1_32: 4,
  AEAD_AES_128_GCM: 16,
  AEAD_AES_256_GCM: 16,
};

export function srtpAuthTagBytes(suite: SrtpCryptoSuite): number {
  return RTP_AUTH_TAG_BYTES[suite];
}

/** A fresh random key (master key + salt) for `suite`: the bot's side of the SRTP set-up. */
export function randomSrtpParameters(suite: SrtpCryptoSuite): SrtpParametersWire {
  return { cryptoSuite: suite, keyBase64: randomBytes(SRTP_KEY_BYTES[suite]).toString('base64') };
}
