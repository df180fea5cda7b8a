import type { types } from 'mediasoup-client';

/**
 * The camera's simulcast encodings for the picture size it really captures. Chrome sends no
 * more layers than the picture allows (960x540 and up: 3; 480x270 and up: 2; smaller: 1) and
 * silently drops the others — keeping only the smallest one, so a 320x180 camera asked for
 * three layers reached everyone at 80x45. So the layers asked for are the ones that will be
 * sent: each half the size of the next, the top one at full size.
 */
export function cameraEncodings(settings: {
  height?: number | undefined;
  frameRate?: number | undefined;
}): types.RtpEncodingParameters[] {
  const height = settings.height && settings.height > 0 ? settings.height : 180;
  const maxFramerate = settings.frameRate && settings.frameRate > 0 ? Math.round(settings.frameRate) : 15;
  const layers = height >= 540 ? 3 : height >= 270 ? 2 : 1;
  if (layers === 1) return [{ maxBitrate: bitrateFor(height), maxFramerate }];
  return Array.from({ length: layers }, (_, index) => {
    const scaleResolutionDownBy = 2 ** (layers - 1 - index);
    return {
      rid: `r${index}`,
      scaleResolutionDownBy,
      maxBitrate: bitrateFor(height / scaleResolutionDownBy),
      maxFramerate,
    };
  });
}

/** Bits per second for a layer of this height (VP8, up to 30 fps). */
function bitrateFor(height: number): number {
  if (height <= 90) return 60_000;
  if (height <= 180) return 200_000;
  if (height <= 360) return 500_000;
  if (height <= 540) return 900_000;
  return 1_500_000;
}
