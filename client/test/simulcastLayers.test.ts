import { describe, expect, it } from 'vitest';
import { cameraEncodings } from '../src/meeting/sfu/simulcastLayers.js';

describe('cameraEncodings', () => {
  it('asks for one full-size encoding (no simulcast) below 270 lines, as Chrome sends only one', () => {
    expect(cameraEncodings({ height: 180, frameRate: 15 })).toEqual([{ maxBitrate: 200_000, maxFramerate: 15 }]);
  });

  it('asks for two layers (half and full) from 270 lines', () => {
    const layers = cameraEncodings({ height: 360, frameRate: 24 });
    expect(
      layers.map((layer) => [layer.rid, layer.scaleResolutionDownBy, layer.maxBitrate, layer.maxFramerate]),
    ).toEqual([
      ['r0', 2, 200_000, 24],
      ['r1', 1, 500_000, 24],
    ]);
  });

  it('asks for three layers (quarter, half, full) from 540 lines', () => {
    const layers = cameraEncodings({ height: 720, frameRate: 30 });
    expect(layers.map((layer) => [layer.rid, layer.scaleResolutionDownBy, layer.maxBitrate])).toEqual([
      ['r0', 4, 200_000],
      ['r1', 2, 500_000],
      ['r2', 1, 1_500_000],
    ]);
  });

  it('falls back to 180 lines at 15 fps when the track does not say', () => {
    expect(cameraEncodings({})).toEqual([{ maxBitrate: 200_000, maxFramerate: 15 }]);
  });
});
