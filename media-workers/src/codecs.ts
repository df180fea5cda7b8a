import type { RouterRtpCodecCapability } from 'mediasoup/types';

/**
 * The codecs every meeting router offers. The SFU forwards, never transcodes, so each one costs
 * nothing until a producer uses it: opus for audio; VP8 (what every browser sends) and H264
 * constrained baseline (hardware encoders, Safari) for video.
 */
export const MEDIA_CODECS: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
