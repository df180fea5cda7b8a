import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SFU_VIDEO,
  DEFAULT_VIDEO,
  cameraProfile,
  fitsProfile,
  meshSenderLimits,
  parseVideoProfile,
  readMediaProfile,
  videoConstraints,
} from '../src/meeting/media/mediaProfile.js';
import { cameraEncodings } from '../src/meeting/sfu/simulcastLayers.js';

describe('the camera profiles', () => {
  it('defaults to 320x180@15 in mesh and 960x540@24 in SFU mode', () => {
    const profile = readMediaProfile('');
    expect(profile.video).toEqual({ width: 320, height: 180, frameRate: 15 });
    expect(profile.sfuVideo).toEqual({ width: 960, height: 540, frameRate: 24 });
    expect(cameraProfile(profile, 'mesh')).toBe(profile.video);
    expect(cameraProfile(profile, 'sfu')).toBe(profile.sfuVideo);
  });

  it('reads ?sfuVideo= separately from ?video=, with the SFU frame rate when @fps is left out', () => {
    const profile = readMediaProfile('?video=640x360@20&sfuVideo=1280x720');
    expect(profile.video).toEqual({ width: 640, height: 360, frameRate: 20 });
    expect(profile.sfuVideo).toEqual({ width: 1280, height: 720, frameRate: DEFAULT_SFU_VIDEO.frameRate });
    expect(readMediaProfile('?sfuVideo=320x180@15').sfuVideo).toEqual({ width: 320, height: 180, frameRate: 15 });
    expect(readMediaProfile('?sfuVideo=320x180@15').video).toEqual(DEFAULT_VIDEO);
  });

  it('ignores a malformed ?sfuVideo=', () => {
    expect(readMediaProfile('?sfuVideo=big').sfuVideo).toEqual(DEFAULT_SFU_VIDEO);
    expect(readMediaProfile('?sfuVideo=1x1@99').sfuVideo).toEqual(DEFAULT_SFU_VIDEO);
    expect(parseVideoProfile('640x360', 30)).toEqual({ width: 640, height: 360, frameRate: 30 });
  });

  it('gives the default SFU camera three simulcast layers (135, 270, 540 lines)', () => {
    const layers = cameraEncodings({ height: DEFAULT_SFU_VIDEO.height, frameRate: DEFAULT_SFU_VIDEO.frameRate });
    expect(
      layers.map((layer) => [
        layer.rid,
        DEFAULT_SFU_VIDEO.height / (layer.scaleResolutionDownBy ?? 1),
        layer.maxFramerate,
      ]),
    ).toEqual([
      ['r0', 135, 24],
      ['r1', 270, 24],
      ['r2', 540, 24],
    ]);
  });

  it('builds ideal size constraints with a frame-rate cap', () => {
    expect(videoConstraints(DEFAULT_SFU_VIDEO, 'cam-1')).toEqual({
      width: { ideal: 960 },
      height: { ideal: 540 },
      frameRate: { ideal: 24, max: 24 },
      deviceId: { exact: 'cam-1' },
    });
  });
});

describe('fitsProfile', () => {
  it('accepts the profile size within a few lines and a frame rate up to the profile one', () => {
    expect(fitsProfile({ height: 540, frameRate: 20 }, DEFAULT_SFU_VIDEO)).toBe(true);
    expect(fitsProfile({ height: 538, frameRate: 24 }, DEFAULT_SFU_VIDEO)).toBe(true);
    expect(fitsProfile({ height: 180, frameRate: 15 }, DEFAULT_SFU_VIDEO)).toBe(false);
    expect(fitsProfile({ height: 540, frameRate: 24 }, DEFAULT_VIDEO)).toBe(false);
    expect(fitsProfile({ height: 180, frameRate: 30 }, DEFAULT_VIDEO)).toBe(false);
    expect(fitsProfile({}, DEFAULT_VIDEO)).toBe(false);
  });
});

describe('meshSenderLimits', () => {
  it('scales an SFU-size camera down to the mesh size for every P2P link', () => {
    expect(meshSenderLimits({ height: 540 }, DEFAULT_VIDEO)).toEqual({ scaleResolutionDownBy: 3, maxFramerate: 15 });
    expect(meshSenderLimits({ height: 720 }, DEFAULT_VIDEO)).toEqual({ scaleResolutionDownBy: 4, maxFramerate: 15 });
  });

  it('leaves a mesh-size (or smaller, or unknown) camera alone', () => {
    expect(meshSenderLimits({ height: 180 }, DEFAULT_VIDEO)).toEqual({ scaleResolutionDownBy: 1, maxFramerate: 15 });
    expect(meshSenderLimits({ height: 120 }, DEFAULT_VIDEO)).toEqual({ scaleResolutionDownBy: 1, maxFramerate: 15 });
    expect(meshSenderLimits({}, DEFAULT_VIDEO)).toEqual({ scaleResolutionDownBy: 1, maxFramerate: 15 });
  });

  it('follows a custom mesh profile', () => {
    expect(meshSenderLimits({ height: 540 }, { width: 640, height: 360, frameRate: 24 })).toEqual({
      scaleResolutionDownBy: 1.5,
      maxFramerate: 24,
    });
  });
});
