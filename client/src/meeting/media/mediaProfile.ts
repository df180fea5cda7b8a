/**
 * How the camera and microphone are opened. Mesh calls encode one video per remote peer, so the
 * camera stays small there (320x180 at 15 fps). An SFU call encodes the camera once, in three
 * simulcast layers (see sfu/simulcastLayers.ts), which Chrome sends only from 540 lines: the
 * camera is brought to the SFU profile (960x540 at 24 fps) while the meeting is in SFU mode.
 * The settings are read from the page URL first, then from localStorage (for load testing and
 * small machines):
 *
 * | setting | URL | localStorage | default |
 * |---|---|---|---|
 * | camera size and rate, mesh | `?video=640x360@24` | `parley.media.video` | `320x180@15` |
 * | camera size and rate, SFU | `?sfuVideo=1280x720@30` | `parley.media.sfuVideo` | `960x540@24` |
 * | echo cancellation, noise suppression, auto gain | `?ap=0` | `parley.media.ap` = `0` | on |
 *
 * Turning the audio processing off saves about a quarter of a client's CPU. A frame rate left
 * out (`?sfuVideo=640x360`) is the default one of that setting.
 */
export interface VideoProfile {
  width: number;
  height: number;
  frameRate: number;
}

export interface MediaProfile {
  /** The camera in mesh mode (encoded once per remote peer). */
  video: VideoProfile;
  /** The camera in SFU mode (encoded once, in simulcast layers). */
  sfuVideo: VideoProfile;
  /** echoCancellation, noiseSuppression and autoGainControl together. */
  audioProcessing: boolean;
}

export const DEFAULT_VIDEO: VideoProfile = { width: 320, height: 180, frameRate: 15 };
/** 540 lines: the smallest picture Chrome sends three simulcast layers of (135, 270, 540). */
export const DEFAULT_SFU_VIDEO: VideoProfile = { width: 960, height: 540, frameRate: 24 };

/** Which camera profile applies: the mesh one or the SFU one. */
export type CameraMode = 'mesh' | 'sfu';

/**
 * `640x360@24` → {width, height, frameRate}; null when malformed or out of range. Without
 * `@fps` the frame rate is `defaultFrameRate`.
 */
export function parseVideoProfile(
  text: string | null | undefined,
  defaultFrameRate = DEFAULT_VIDEO.frameRate,
): VideoProfile | null {
  const match = /^(\d{2,4})x(\d{2,4})(?:@(\d{1,2}))?$/.exec((text ?? '').trim());
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  const frameRate = match[3] ? Number(match[3]) : defaultFrameRate;
  if (width < 96 || width > 3840 || height < 96 || height > 2160 || frameRate < 1 || frameRate > 60) return null;
  return { width, height, frameRate };
}

/** '0', 'off', 'false', 'no' → false; '1', 'on', 'true', 'yes' → true; anything else → null. */
export function parseSwitch(text: string | null | undefined): boolean | null {
  const value = (text ?? '').trim().toLowerCase();
  if (['0', 'off', 'false', 'no'].includes(value)) return false;
  if (['1', 'on', 'true', 'yes'].includes(value)) return true;
  return null;
}

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** The profile for this page: URL parameters win over localStorage, which wins over defaults. */
export function readMediaProfile(search: string = location.search): MediaProfile {
  const params = new URLSearchParams(search);
  const setting = <T>(param: string, key: string, parse: (text: string | null) => T | null, fallback: T): T =>
    parse(params.get(param)) ?? parse(stored(key)) ?? fallback;
  const sfuRate = DEFAULT_SFU_VIDEO.frameRate;
  return {
    video: setting('video', 'parley.media.video', (text) => parseVideoProfile(text), DEFAULT_VIDEO),
    sfuVideo: setting(
      'sfuVideo',
      'parley.media.sfuVideo',
      (text) => parseVideoProfile(text, sfuRate),
      DEFAULT_SFU_VIDEO,
    ),
    audioProcessing: setting('ap', 'parley.media.ap', parseSwitch, true),
  };
}

/** The camera profile of a mode. */
export function cameraProfile(profile: MediaProfile, mode: CameraMode): VideoProfile {
  return mode === 'sfu' ? profile.sfuVideo : profile.video;
}

/** getUserMedia / applyConstraints constraints for a camera profile. */
export function videoConstraints(video: VideoProfile, deviceId?: string | null): MediaTrackConstraints {
  return {
    width: { ideal: video.width },
    height: { ideal: video.height },
    frameRate: { ideal: video.frameRate, max: video.frameRate },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  };
}

/** True when a captured picture is the profile's (within a few lines: cameras round). */
export function fitsProfile(
  settings: { height?: number | undefined; frameRate?: number | undefined },
  video: VideoProfile,
): boolean {
  if (!settings.height) return false;
  if (Math.abs(settings.height - video.height) > Math.max(4, video.height * 0.05)) return false;
  return !settings.frameRate || settings.frameRate <= video.frameRate + 0.5;
}

export interface MeshSenderLimits {
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

/**
 * What a mesh sender (one per remote peer) may encode of a camera captured at `capture`: no more
 * than the mesh profile, whatever the capture. While the meeting runs on the SFU (or switches to
 * or from it) the camera is captured at the SFU profile, and each P2P link would otherwise
 * encode 960x540 at 24 fps; scaled down by 540 / 180 = 3 it stays at the mesh cost.
 */
export function meshSenderLimits(capture: { height?: number | undefined }, mesh: VideoProfile): MeshSenderLimits {
  const height = capture.height && capture.height > 0 ? capture.height : mesh.height;
  const scale = height > mesh.height ? Math.round((height / mesh.height) * 100) / 100 : 1;
  return { scaleResolutionDownBy: scale, maxFramerate: mesh.frameRate };
}

export function audioConstraints(profile: MediaProfile, deviceId?: string | null): MediaTrackConstraints {
  return {
    echoCancellation: profile.audioProcessing,
    noiseSuppression: profile.audioProcessing,
    autoGainControl: profile.audioProcessing,
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  };
}

/** Screen sharing: readable text matters more than motion. */
export function displayConstraints(): DisplayMediaStreamOptions {
  return {
    video: { frameRate: { ideal: 15, max: 15 }, width: { max: 1920 }, height: { max: 1080 } },
    audio: false,
  };
}
