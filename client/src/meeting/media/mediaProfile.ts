/**
 * How the camera and microphone are opened. Mesh calls encode one video per remote peer, so the
 * camera stays small by default (320x180 at 15 fps). Two settings exist for load testing and
 * small machines, each read from the page URL first, then from localStorage:
 *
 * | setting | URL | localStorage | default |
 * |---|---|---|---|
 * | camera size and rate | `?video=640x360@24` | `parley.media.video` | `320x180@15` |
 * | echo cancellation, noise suppression, auto gain | `?ap=0` | `parley.media.ap` = `0` | on |
 *
 * Turning the audio processing off saves about a quarter of a client's CPU.
 */
export interface VideoProfile {
  width: number;
  height: number;
  frameRate: number;
}

export interface MediaProfile {
  video: VideoProfile;
  /** echoCancellation, noiseSuppression and autoGainControl together. */
  audioProcessing: boolean;
}

export const DEFAULT_VIDEO: VideoProfile = { width: 320, height: 180, frameRate: 15 };

/** `640x360@24` → {width, height, frameRate}; null when malformed or out of range. */
export function parseVideoProfile(text: string | null | undefined): VideoProfile | null {
  const match = /^(\d{2,4})x(\d{2,4})(?:@(\d{1,2}))?$/.exec((text ?? '').trim());
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  const frameRate = match[3] ? Number(match[3]) : DEFAULT_VIDEO.frameRate;
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
  const video = parseVideoProfile(params.get('video')) ?? parseVideoProfile(stored('parley.media.video')) ?? DEFAULT_VIDEO;
  const audioProcessing = parseSwitch(params.get('ap')) ?? parseSwitch(stored('parley.media.ap')) ?? true;
  return { video, audioProcessing };
}

export function videoConstraints(profile: MediaProfile, deviceId?: string | null): MediaTrackConstraints {
  return {
    width: { ideal: profile.video.width },
    height: { ideal: profile.video.height },
    frameRate: { ideal: profile.video.frameRate, max: profile.video.frameRate },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  };
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
