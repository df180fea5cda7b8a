import { batch, createSignal, type Accessor } from 'solid-js';
import { audioConstraints, displayConstraints, readMediaProfile, videoConstraints, type MediaProfile } from './mediaProfile.js';
import { loadMediaPrefs, saveMediaPrefs } from './mediaPrefs.js';
import { describeMediaError } from './mediaErrors.js';

/** The three things a participant can send. `audio` and `camera` share one stream (msid). */
export type LocalSource = 'audio' | 'camera' | 'screen';

export interface LocalState {
  micMuted: boolean;
  cameraOff: boolean;
  sharing: boolean;
}

/** What a meeting session needs from local media: the current tracks and when they change. */
export interface LocalMediaView {
  track(source: LocalSource): MediaStreamTrack | null;
  /**
   * The stream a source is announced with: its id becomes the msid the peers see. Stable for
   * the whole call (one for microphone + camera, one for the screen), so that changing a
   * track never changes the negotiated streams.
   */
  stream(source: LocalSource): MediaStream;
  state(): LocalState;
  /** Called with the source whose track changed, or 'state' for mute/camera flags only. */
  onChange(listener: (change: LocalSource | 'state') => void): () => void;
}

/**
 * The camera, microphone and screen of this page: opens them with the media profile and the
 * saved preferences, mutes (track.enabled), turns the camera off (the device is released),
 * switches devices and shares the screen. Every track it ever opened is stopped by `stop()`.
 */
export class LocalMedia implements LocalMediaView {
  readonly profile: MediaProfile;
  private readonly cameraGroup = new MediaStream();
  private readonly screenGroup = new MediaStream();
  private readonly listeners = new Set<(change: LocalSource | 'state') => void>();
  private readonly opened = new Set<MediaStreamTrack>();
  private closed = false;

  private readonly audio = createSignal<MediaStreamTrack | null>(null);
  private readonly camera = createSignal<MediaStreamTrack | null>(null);
  private readonly screen = createSignal<MediaStreamTrack | null>(null);
  private readonly muted = createSignal(false);
  private readonly cameraOffSignal = createSignal(false);
  private readonly noticeSignal = createSignal<string | null>(null);
  private readonly busySignal = createSignal<LocalSource | null>(null);
  private readonly deviceIds = createSignal<{ audio: string | null; video: string | null }>({ audio: null, video: null });

  /** Camera preview (video track only), null while the camera is off. */
  readonly preview: Accessor<MediaStream | null>;
  /** This page's own screen share, for its self-view. */
  readonly screenPreview: Accessor<MediaStream | null>;
  readonly micMuted: Accessor<boolean> = this.muted[0];
  readonly cameraOff: Accessor<boolean> = this.cameraOffSignal[0];
  readonly hasMic: Accessor<boolean> = () => this.audio[0]() !== null;
  readonly sharing: Accessor<boolean> = () => this.screen[0]() !== null;
  /** A problem to show (device blocked, missing), or null. */
  readonly notice: Accessor<string | null> = this.noticeSignal[0];
  /** The source being switched right now (to disable its button), or null. */
  readonly busy: Accessor<LocalSource | null> = this.busySignal[0];
  /** The deviceIds of the tracks in use. */
  readonly currentDevices = this.deviceIds[0];

  constructor(profile: MediaProfile = readMediaProfile()) {
    this.profile = profile;
    const [camera] = this.camera;
    const [screen] = this.screen;
    let previewStream: MediaStream | null = null;
    let previewTrack: MediaStreamTrack | null = null;
    this.preview = () => {
      const track = camera();
      if (track !== previewTrack) {
        previewTrack = track;
        previewStream = track ? new MediaStream([track]) : null;
      }
      return previewStream;
    };
    let shareStream: MediaStream | null = null;
    let shareTrack: MediaStreamTrack | null = null;
    this.screenPreview = () => {
      const track = screen();
      if (track !== shareTrack) {
        shareTrack = track;
        shareStream = track ? new MediaStream([track]) : null;
      }
      return shareStream;
    };
  }

  track(source: LocalSource): MediaStreamTrack | null {
    return source === 'audio' ? this.audio[0]() : source === 'camera' ? this.camera[0]() : this.screen[0]();
  }

  stream(source: LocalSource): MediaStream {
    return source === 'screen' ? this.screenGroup : this.cameraGroup;
  }

  state(): LocalState {
    return { micMuted: this.muted[0](), cameraOff: this.cameraOffSignal[0](), sharing: this.sharing() };
  }

  onChange(listener: (change: LocalSource | 'state') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every track this object opened and has not forgotten (for checks after the call). */
  allTracks(): MediaStreamTrack[] {
    return [...this.opened];
  }

  /** Opens the microphone and (unless the saved preference says off) the camera. */
  async start(): Promise<void> {
    const prefs = loadMediaPrefs();
    batch(() => {
      this.muted[1](prefs.micMuted);
      this.cameraOffSignal[1](prefs.cameraOff);
    });
    const tracks = await this.open({ audio: true, video: !prefs.cameraOff }, prefs.audioDeviceId, prefs.videoDeviceId);
    if (this.closed) return;
    if (tracks.audio) this.install('audio', tracks.audio);
    if (tracks.video) this.install('camera', tracks.video);
    else if (!prefs.cameraOff) this.cameraOffSignal[1](true);
  }

  setMicMuted(muted: boolean): void {
    this.muted[1](muted);
    const track = this.audio[0]();
    if (track) track.enabled = !muted;
    saveMediaPrefs({ micMuted: muted });
    this.emit('state');
  }

  /** Camera off releases the device (its light goes out); on opens it again. */
  async setCameraOff(off: boolean): Promise<void> {
    if (this.closed || this.busySignal[0]()) return;
    if (off) {
      const track = this.camera[0]();
      this.cameraOffSignal[1](true);
      this.camera[1](null);
      saveMediaPrefs({ cameraOff: true });
      this.emit('camera');
      this.emit('state');
      this.release(track);
      return;
    }
    this.busySignal[1]('camera');
    try {
      const { video } = await this.open({ audio: false, video: true }, null, this.deviceIds[0]().video);
      if (!video || this.closed) return;
      this.install('camera', video);
      this.cameraOffSignal[1](false);
      saveMediaPrefs({ cameraOff: false });
      this.emit('state');
    } finally {
      this.busySignal[1](null);
    }
  }

  /** Switches the microphone or camera to another device (replaceTrack in every connection). */
  async selectDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    if (this.closed) return;
    const source: LocalSource = kind === 'audioinput' ? 'audio' : 'camera';
    if (source === 'camera') saveMediaPrefs({ videoDeviceId: deviceId });
    else saveMediaPrefs({ audioDeviceId: deviceId });
    if (source === 'camera' && this.cameraOffSignal[0]()) {
      this.deviceIds[1]((ids) => ({ ...ids, video: deviceId }));
      return;
    }
    this.busySignal[1](source);
    try {
      const tracks = await this.open(
        { audio: source === 'audio', video: source === 'camera' },
        source === 'audio' ? deviceId : null,
        source === 'camera' ? deviceId : null,
      );
      const track = source === 'audio' ? tracks.audio : tracks.video;
      if (track && !this.closed) this.install(source, track);
    } finally {
      this.busySignal[1](null);
    }
  }

  async startScreenShare(): Promise<void> {
    if (this.closed || this.screen[0]() || this.busySignal[0]()) return;
    this.busySignal[1]('screen');
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia(displayConstraints());
      const track = stream.getVideoTracks()[0];
      for (const extra of stream.getTracks()) if (extra !== track) extra.stop();
      if (!track) return;
      if (this.closed) {
        track.stop();
        return;
      }
      track.contentHint = 'detail';
      this.opened.add(track);
      track.addEventListener('ended', () => {
        if (this.screen[0]() === track) this.stopScreenShare();
      });
      this.screen[1](track);
      this.emit('screen');
      this.emit('state');
    } catch (error) {
      // Closing the picker is no error worth showing.
      if (!(error instanceof DOMException && error.name === 'NotAllowedError')) {
        this.noticeSignal[1](describeMediaError(error, 'screen'));
      }
    } finally {
      this.busySignal[1](null);
    }
  }

  stopScreenShare(): void {
    const track = this.screen[0]();
    if (!track) return;
    this.screen[1](null);
    this.emit('screen');
    this.emit('state');
    this.release(track);
  }

  dismissNotice(): void {
    this.noticeSignal[1](null);
  }

  /** Stops every track for good (leave, end, page teardown). */
  stop(): void {
    this.closed = true;
    batch(() => {
      this.audio[1](null);
      this.camera[1](null);
      this.screen[1](null);
    });
    for (const track of this.opened) track.stop();
    this.listeners.clear();
  }

  private install(source: LocalSource, track: MediaStreamTrack): void {
    const slot = source === 'audio' ? this.audio : source === 'camera' ? this.camera : this.screen;
    const previous = slot[0]();
    if (source === 'audio') track.enabled = !this.muted[0]();
    this.opened.add(track);
    track.addEventListener('ended', () => this.onEnded(source, track));
    slot[1](track);
    const deviceId = track.getSettings().deviceId ?? null;
    if (source === 'audio') this.deviceIds[1]((ids) => ({ ...ids, audio: deviceId }));
    if (source === 'camera') this.deviceIds[1]((ids) => ({ ...ids, video: deviceId }));
    this.emit(source);
    this.release(previous);
  }

  /** A device was unplugged or taken away: fall back to the default one. */
  private onEnded(source: LocalSource, track: MediaStreamTrack): void {
    const slot = source === 'audio' ? this.audio : this.camera;
    if (this.closed || slot[0]() !== track) return;
    slot[1](null);
    this.emit(source);
    void this.open({ audio: source === 'audio', video: source === 'camera' }, null, null).then((tracks) => {
      const replacement = source === 'audio' ? tracks.audio : tracks.video;
      if (replacement && !this.closed && slot[0]() === null) this.install(source, replacement);
    });
  }

  private release(track: MediaStreamTrack | null): void {
    if (!track) return;
    track.stop();
  }

  private emit(change: LocalSource | 'state'): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  /**
   * getUserMedia for the wanted kinds; when the pair fails, each kind alone, and a missing
   * device falls back to the default one. Failures become the notice.
   */
  private async open(
    want: { audio: boolean; video: boolean },
    audioDeviceId: string | null,
    videoDeviceId: string | null,
  ): Promise<{ audio: MediaStreamTrack | null; video: MediaStreamTrack | null }> {
    const attempt = async (audio: boolean, video: boolean, exact: boolean): Promise<MediaStream> =>
      navigator.mediaDevices.getUserMedia({
        audio: audio ? audioConstraints(this.profile, exact ? audioDeviceId : null) : false,
        video: video ? videoConstraints(this.profile, exact ? videoDeviceId : null) : false,
      });
    const tryOne = async (audio: boolean, video: boolean): Promise<MediaStream | unknown> => {
      try {
        return await attempt(audio, video, true);
      } catch (error) {
        const deviceGone = error instanceof DOMException && ['OverconstrainedError', 'NotFoundError'].includes(error.name);
        if (deviceGone && ((audio && audioDeviceId) || (video && videoDeviceId))) {
          try {
            return await attempt(audio, video, false);
          } catch (again) {
            return again;
          }
        }
        return error;
      }
    };
    const result = { audio: null as MediaStreamTrack | null, video: null as MediaStreamTrack | null };
    if (!want.audio && !want.video) return result;
    const both = want.audio && want.video ? await tryOne(true, true) : null;
    let failure: unknown = null;
    if (both instanceof MediaStream) {
      result.audio = both.getAudioTracks()[0] ?? null;
      result.video = both.getVideoTracks()[0] ?? null;
    } else {
      failure = both;
      for (const kind of ['audio', 'video'] as const) {
        if (!want[kind]) continue;
        const single = await tryOne(kind === 'audio', kind === 'video');
        if (single instanceof MediaStream) result[kind] = single.getTracks()[0] ?? null;
        else failure = single;
      }
    }
    if (this.closed) {
      result.audio?.stop();
      result.video?.stop();
      return { audio: null, video: null };
    }
    if (failure && (!result.audio || !result.video)) {
      const missing = !result.audio && !result.video ? 'both' : !result.audio ? 'audio' : 'video';
      if ((missing === 'audio' && want.audio) || (missing === 'video' && want.video) || missing === 'both') {
        this.noticeSignal[1](describeMediaError(failure, missing));
      }
    }
    return result;
  }
}
