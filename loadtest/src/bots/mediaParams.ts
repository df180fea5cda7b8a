/** What the bots produce: opus and VP8 (one stream, or simulcast layers) RTP parameters, and the opus frame they send. */
import type { RtpCapabilitiesWire } from '@parley/protocol';

export const AUDIO_PT = 100;
export const VIDEO_PT = 101;
export const AUDIO_CLOCK = 48_000;
export const VIDEO_CLOCK = 90_000;
/** 20 ms opus frames. */
export const AUDIO_PERIOD_MS = 20;
export const AUDIO_SAMPLES_PER_PACKET = 960;
/** An opus TOC + "silence" CELT frame (20 ms, fullband) that decoders accept as comfort silence. */
export const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

export function audioRtpParameters(ssrc: number) {
  return {
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: AUDIO_PT,
        clockRate: AUDIO_CLOCK,
        channels: 2,
        parameters: { useinbandfec: 1 },
        rtcpFeedback: [],
      },
    ],
    encodings: [{ ssrc }],
  };
}

/** One encoding per SSRC: several are a simulcast producer (lowest layer first). */
export function videoRtpParameters(ssrcs: number | readonly number[]) {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VIDEO_PT,
        clockRate: VIDEO_CLOCK,
        parameters: {},
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    encodings: (typeof ssrcs === 'number' ? [ssrcs] : ssrcs).map((ssrc) => ({ ssrc })),
  };
}

/**
 * The capabilities a receiving bot consumes with: the router's codecs without RTX (no
 * retransmissions to demultiplex) and no header extensions (plain RTP headers).
 */
export function receiveCapabilities(router: unknown): RtpCapabilitiesWire {
  // The router's capabilities as the server relays them (typed `unknown` on the wire).
  const caps = (router ?? {}) as RtpCapabilitiesWire;
  return { ...caps, codecs: (caps.codecs ?? []).filter((c) => !/\/rtx$/i.test(c.mimeType)), headerExtensions: [] };
}

/** A random non-zero 32-bit SSRC. */
export function randomSsrc(): number {
  return (Math.floor(Math.random() * 0xfffffffe) + 1) >>> 0;
}
