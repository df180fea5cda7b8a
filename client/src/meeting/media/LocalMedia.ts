import { batch, createSignal, type Accessor } from 'solid-js';
import {
  audioConstraints,
  cameraProfile,
  displayConstraints,
  fitsProfile,
  meshSenderLimits,
  readMediaProfile,
  videoConstraints,
  type CameraMode,
  type MediaProfile,
  type MeshSenderLimits,
} from './mediaProfile.js';
import { loadMediaPrefs, saveMediaPrefs } from './mediaPrefs.js';
import { describeMediaError } from './mediaErrors.js';
import { openUserMedia } from './openUserMedia.js';

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
  /**
   * Called with the source whose track changed, or 'state' for mute/camera flags only. 'camera'
   * also comes when the camera's size changes (a profile change: same track, new constraints).
   */
  onChange(listener: (change: LocalSource | 'state') => void): () => void;
  /** Resolves once the camera has the size of the current mode (SFU producers wait for it). */
  cameraReady?(): Promise<void>;
  /** What a mesh sender may encode of the camera (the mesh profile, whatever the capture). */
  meshCameraLimits?(): MeshSenderLimits;
}

/**
 * The camera, microphone and screen of this page: opens them with the media profile and the
 * saved preferences, mutes (track.enabled), turns the camera off (the device is released),
 * switches devices and shares the screen. Every track it ever opened is stopped by `stop()`.
 * The camera follows the meeting's mode (`setCameraMode`): the mesh profile (small) or the SFU
 * one (960x540, three simulcast layers), changed in place with applyConstraints.
 */
export class LocalMedia implements LocalMediaView {
  readonly profile: MediaProfile;
  private readonly cameraGroup = new MediaStream();
  private readonly screenGroup = new MediaStream();
  private readonly listeners = new Set<(change: LocalSource | 'state') => void>();
  private readonly opened = new Set<MediaStreamTrack>();
  private closed = false;
  private mode: CameraMode;
  /** The camera changes of `setCameraMode`, one after the other. */
  private settling: Promise<void> = Promise.resolve();
  /** The height the camera is being brought to right now, or null. */
  private resizingTo: number | null = null;

  private readonly audio = createSignal<MediaStreamTrack | null>(null);
  private readonly camera = createSignal<MediaStreamTrack | null>(null);
  private readonly screen = createSignal<MediaStreamTrack | null>(null);
  private readonly muted = createSignal(false);
  private readonly cameraOffSignal = createSignal(false);
  private readonly noticeSignal = createSignal<string | null>(null);
  private readonly busySignal = createSignal<LocalSource | null>(null);
  private readonly deviceIds = createSignal<{ audio: string | null; video: string | null }>({
    audio: null,
    video: null,
  });

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

  constructor(profile: MediaProfile = readMediaProfile(), mode: CameraMode = 'mesh') {
    this.profile = profile;
    this.mode = mode;
    this.preview = streamOf(this.camera[0]);
    this.screenPreview = streamOf(this.screen[0]);
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

  /**
   * Brings the camera to the profile of `mode` (SFU while any SFU transport runs, else mesh).
   * Resolves when it is there; a camera that is off opens at that size later.
   */
  setCameraMode(mode: CameraMode): Promise<void> {
    if (mode !== this.mode) {
      this.mode = mode;
      this.queueFit();
    }
    return this.settling;
  }

  cameraReady(): Promise<void> {
    return this.settling;
  }

  meshCameraLimits(): MeshSenderLimits {
    const height = Math.max(this.camera[0]()?.getSettings().height ?? 0, this.resizingTo ?? 0);
    return meshSenderLimits({ height }, this.profile.video);
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
    const mode = this.mode;
    const tracks = await this.open({ audio: true, video: !prefs.cameraOff }, prefs.audioDeviceId, prefs.videoDeviceId);
    if (this.closed) return;
    if (tracks.audio) this.install('audio', tracks.audio);
    if (tracks.video) this.install('camera', tracks.video, mode);
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
      const mode = this.mode;
      const { video } = await this.open({ audio: false, video: true }, null, this.deviceIds[0]().video);
      if (!video || this.closed) return;
      this.install('camera', video, mode);
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
      const mode = this.mode;
      const tracks = await this.open(
        { audio: source === 'audio', video: source === 'camera' },
        source === 'audio' ? deviceId : null,
        source === 'camera' ? deviceId : null,
      );
      const track = source === 'audio' ? tracks.audio : tracks.video;
      if (track && !this.closed) this.install(source, track, mode);
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

  /** `mode`: the camera mode the track was opened for (another one now: it is resized). */
  private install(source: LocalSource, track: MediaStreamTrack, mode: CameraMode = this.mode): void {
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
    if (source === 'camera' && mode !== this.mode) this.queueFit();
  }

  private queueFit(): void {
    this.settling = this.settling.then(() => this.fitCamera()).catch(() => undefined);
  }

  /**
   * Resizes the live camera to the current mode's profile with applyConstraints (Chromium
   * restarts the capture in the new format; the track, and so every sender, stays). Mesh
   * senders are told first (limits for the bigger of both sizes), so none of them encodes the
   * SFU size for a moment. Firefox resolves applyConstraints on its camera but goes on
   * capturing the old size: a camera the constraints left as it was is opened again at the
   * new size (a new track, as for a device switch).
   */
  private async fitCamera(): Promise<void> {
    const track = this.camera[0]();
    const target = cameraProfile(this.profile, this.mode);
    if (this.closed || !track || track.readyState !== 'live' || fitsProfile(track.getSettings(), target)) return;
    const heightBefore = track.getSettings().height;
    this.resizingTo = target.height;
    this.emit('camera');
    try {
      await track.applyConstraints(videoConstraints(target));
      const unchanged = track.getSettings().height === heightBefore;
      if (unchanged && !fitsProfile(track.getSettings(), target)) await this.reopenCamera(track);
    } finally {
      this.resizingTo = null;
      if (!this.closed && this.camera[0]() === track) this.emit('camera');
    }
  }

  /** Opens the camera of `track` again at the current mode's size and puts it in its place. */
  private async reopenCamera(track: MediaStreamTrack): Promise<void> {
    const mode = this.mode;
    const { video } = await this.open({ audio: false, video: true }, null, track.getSettings().deviceId ?? null);
    if (!video) return;
    if (this.closed || this.camera[0]() !== track) return video.stop();
    this.install('camera', video, mode);
  }

  /** A device was unplugged or taken away: fall back to the default one. */
  private onEnded(source: LocalSource, track: MediaStreamTrack): void {
    const slot = source === 'audio' ? this.audio : this.camera;
    if (this.closed || slot[0]() !== track) return;
    slot[1](null);
    this.emit(source);
    const mode = this.mode;
    void this.open({ audio: source === 'audio', video: source === 'camera' }, null, null).then((tracks) => {
      const replacement = source === 'audio' ? tracks.audio : tracks.video;
      if (replacement && !this.closed && slot[0]() === null) this.install(source, replacement, mode);
    });
  }

  private release(track: MediaStreamTrack | null): void {
    if (!track) return;
    track.stop();
  }

  private emit(change: LocalSource | 'state'): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  /** getUserMedia (see openUserMedia) with the current mode's profile; failures become the notice. */
  private async open(
    want: { audio: boolean; video: boolean },
    audioDeviceId: string | null,
    videoDeviceId: string | null,
  ): Promise<{ audio: MediaStreamTrack | null; video: MediaStreamTrack | null }> {
    const video = cameraProfile(this.profile, this.mode);
    const result = await openUserMedia(want, { audio: audioDeviceId, video: videoDeviceId }, (kind, deviceId) =>
      kind === 'audio' ? audioConstraints(this.profile, deviceId) : videoConstraints(video, deviceId),
    );
    if (this.closed) {
      result.audio?.stop();
      result.video?.stop();
      return { audio: null, video: null };
    }
    const { failure } = result;
    if (failure && (!result.audio || !result.video)) {
      const missing = !result.audio && !result.video ? 'both' : !result.audio ? 'audio' : 'video';
      if ((missing === 'audio' && want.audio) || (missing === 'video' && want.video) || missing === 'both') {
        this.noticeSignal[1](describeMediaError(failure, missing));
      }
    }
    return { audio: result.audio, video: result.video };
  }
}

/** A stream holding just the current track (null without one), made again only when the track changes. */
function streamOf(track: Accessor<MediaStreamTrack | null>): Accessor<MediaStream | null> {
  let shown: MediaStreamTrack | null = null;
  let stream: MediaStream | null = null;
  return () => {
    const current = track();
    if (current !== shown) {
      shown = current;
      stream = current ? new MediaStream([current]) : null;
    }
    return stream;
  };
}
