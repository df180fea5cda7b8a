import type { types } from 'mediasoup-client';
import type { LocalMediaView, LocalSource } from '../media/LocalMedia.js';
import { cameraEncodings } from './simulcastLayers.js';
import type { SfuSignal } from './sfuSignal.js';

const SOURCE_NAME: Record<LocalSource, 'mic' | 'camera' | 'screen'> = {
  audio: 'mic',
  camera: 'camera',
  screen: 'screen',
};

/**
 * What this page sends to the SFU: one producer per local source (mic, camera in simulcast,
 * screen), kept in step with LocalMedia. Mute and camera-off pause the producer (and tell the
 * server, which pauses its consumers); a new device replaces the track; a screen share that
 * ends closes its producer. The tracks belong to LocalMedia: producers never stop or disable
 * them (the mesh links of a mode switch may still be sending them). What the server was told of
 * each producer's pause is kept apart from the local pause: a `sfu:pause_producer` or
 * `sfu:resume_producer` that failed (the socket away in a deploy, a timeout) is sent again at
 * the next change or `resync()`, so an unmute in a hiccup does not stay unheard.
 */
export class SfuPublisher {
  private readonly producers = new Map<LocalSource, types.Producer>();
  /** Per producer: the pause state the server last accepted. */
  private readonly announced = new WeakMap<types.Producer, boolean>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly transport: types.Transport,
    private readonly device: types.Device,
    private readonly local: LocalMediaView,
    private readonly signal: SfuSignal,
    private readonly log: (message: string, detail?: unknown) => void,
  ) {}

  /** Brings the producers in line with local media now and after every change. */
  start(): () => void {
    this.sync();
    return this.local.onChange(() => this.sync());
  }

  close(): void {
    this.closed = true;
    for (const producer of this.producers.values()) producer.close();
    this.producers.clear();
  }

  /** Sends the server again whatever it has not accepted yet (after a resumed join). */
  resync(): void {
    this.sync();
  }

  producerIds(): string[] {
    return [...this.producers.values()].map((producer) => producer.id);
  }

  private sync(): void {
    this.queue = this.queue.then(() => this.reconcile()).catch((error: unknown) => this.log('publish failed', error));
  }

  private async reconcile(): Promise<void> {
    // Camera first: after a reset the pictures are what every tile waits for.
    for (const source of ['camera', 'audio', 'screen'] as const) {
      if (this.closed) return;
      await this.reconcileOne(source);
    }
  }

  private wantsPaused(source: LocalSource): boolean {
    const state = this.local.state();
    if (source === 'audio') return state.micMuted;
    if (source === 'camera') return state.cameraOff || !this.local.track('camera');
    return false;
  }

  private async reconcileOne(source: LocalSource): Promise<void> {
    let producer = this.producers.get(source);
    if (producer?.closed) {
      this.producers.delete(source);
      producer = undefined;
    }
    // The camera's simulcast layers follow its size: it must have the SFU size (LocalMedia
    // resizes it when the meeting moves to the SFU) before its producer is created.
    if (!producer && source === 'camera') await this.local.cameraReady?.();
    if (this.closed) return;
    const track = this.local.track(source);
    if (!producer) {
      if (!track || track.readyState !== 'live') return;
      const created = await this.produce(source, track);
      if (this.closed) return created.close();
      this.producers.set(source, created);
      return;
    }
    if (source === 'screen' && !track) {
      this.producers.delete(source);
      producer.close();
      await this.signal.producerAction('close', producer.id).catch(() => undefined);
      return;
    }
    if (track && producer.track !== track) await producer.replaceTrack({ track });
    const paused = this.wantsPaused(source);
    if (paused !== producer.paused) {
      if (paused) producer.pause();
      else producer.resume();
    }
    if (this.announced.get(producer) !== paused) {
      await this.signal.producerAction(paused ? 'pause' : 'resume', producer.id);
      this.announced.set(producer, paused);
    }
  }

  private async produce(source: LocalSource, track: MediaStreamTrack): Promise<types.Producer> {
    const isCamera = source === 'camera';
    const startPaused = this.wantsPaused(source); // sent with sfu:produce
    const vp8 = this.device.rtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8');
    const producer = await this.transport.produce({
      track,
      stopTracks: false,
      disableTrackOnPause: false,
      zeroRtpOnPause: true,
      ...(isCamera
        ? { encodings: cameraEncodings(track.getSettings()), codecOptions: { videoGoogleStartBitrate: 300 } }
        : {}),
      ...(track.kind === 'video' && vp8 ? { codec: vp8 } : {}),
      ...(source === 'audio' ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
      appData: { source: SOURCE_NAME[source], paused: startPaused },
    });
    if (startPaused) producer.pause();
    this.announced.set(producer, startPaused);
    producer.on('trackended', () => this.sync());
    return producer;
  }
}
