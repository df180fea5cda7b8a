export interface OpenedTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** The last getUserMedia error, when a wanted kind could not be opened. */
  failure: unknown;
}

/**
 * getUserMedia for the wanted kinds; when the pair fails, each kind alone, and a device that is
 * gone (OverconstrainedError, NotFoundError on an exact deviceId) falls back to the default one.
 * `constraints(kind, deviceId)` builds each kind's constraints (deviceId null: any device).
 */
export async function openUserMedia(
  want: { audio: boolean; video: boolean },
  deviceIds: { audio: string | null; video: string | null },
  constraints: (kind: 'audio' | 'video', deviceId: string | null) => MediaTrackConstraints,
): Promise<OpenedTracks> {
  const attempt = async (audio: boolean, video: boolean, exact: boolean): Promise<MediaStream> =>
    navigator.mediaDevices.getUserMedia({
      audio: audio ? constraints('audio', exact ? deviceIds.audio : null) : false,
      video: video ? constraints('video', exact ? deviceIds.video : null) : false,
    });
  /** The stream, or what getUserMedia threw (the caller tells them apart with `instanceof MediaStream`). */
  const tryOne = async (audio: boolean, video: boolean): Promise<unknown> => {
    try {
      return await attempt(audio, video, true);
    } catch (error) {
      const deviceGone =
        error instanceof DOMException && ['OverconstrainedError', 'NotFoundError'].includes(error.name);
      if (deviceGone && ((audio && deviceIds.audio) || (video && deviceIds.video))) {
        try {
          return await attempt(audio, video, false);
        } catch (again) {
          return again;
        }
      }
      return error;
    }
  };
  const result: OpenedTracks = { audio: null, video: null, failure: null };
  if (!want.audio && !want.video) return result;
  const both = want.audio && want.video ? await tryOne(true, true) : null;
  if (both instanceof MediaStream) {
    result.audio = both.getAudioTracks()[0] ?? null;
    result.video = both.getVideoTracks()[0] ?? null;
    return result;
  }
  result.failure = both;
  for (const kind of ['audio', 'video'] as const) {
    if (!want[kind]) continue;
    const single = await tryOne(kind === 'audio', kind === 'video');
    if (single instanceof MediaStream) result[kind] = single.getTracks()[0] ?? null;
    else result.failure = single;
  }
  return result;
}
