import type { LocalMediaView, LocalSource } from '../media/LocalMedia.js';

/**
 * getParameters, `change` (false: nothing to do), setParameters; once more with fresh parameters
 * when Chromium refuses them as modified (InvalidModificationError): a negotiation that ended
 * in between changed them, for example the RTCP reduced-size flag after Firefox's answer.
 */
async function updateParameters(
  sender: RTCRtpSender,
  change: (parameters: RTCRtpSendParameters) => boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const parameters = sender.getParameters();
    if (!change(parameters)) return;
    try {
      await sender.setParameters(parameters);
      return;
    } catch (error) {
      if (attempt > 0 || !(error instanceof DOMException) || error.name !== 'InvalidModificationError') throw error;
    }
  }
}

/** The fixed order of the sending transceivers (and so of the first three m-lines). */
const SOURCES: readonly LocalSource[] = ['audio', 'camera', 'screen'];
const KIND: Record<LocalSource, 'audio' | 'video'> = { audio: 'audio', camera: 'video', screen: 'video' };

/**
 * What one RTCPeerConnection sends: one transceiver per local source (microphone, camera,
 * screen), all three negotiated once when the connection starts, even without a track. Muting,
 * turning the camera off, switching devices and starting or stopping a screen share are then a
 * `replaceTrack` on its transceiver: no renegotiation, so none of them can cause glare. (Chromium
 * can lose the picture of existing receivers after a polite-side rollback; keeping
 * renegotiations rare keeps that path rare too.)
 *
 * The side that offers first creates the transceivers (`addTransceiver`, in the order above);
 * the answering side claims the offer's m-lines in the same order before it answers.
 *
 * The camera sender encodes no more than the mesh profile (`LocalMediaView.meshCameraLimits`):
 * while the meeting is on the SFU, or switching, the camera captures the bigger SFU size and
 * each P2P link scales it down (`scaleResolutionDownBy`, `maxFramerate`).
 */
export class SenderSlots {
  private readonly slots = new Map<LocalSource, RTCRtpTransceiver>();
  /** setParameters calls on the camera sender, one after the other (Chromium refuses overlaps). */
  private limiting: Promise<void> = Promise.resolve();

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly local: LocalMediaView,
    private readonly onError: (error: unknown, source: LocalSource) => void,
  ) {}

  /** The offering side: a transceiver for every source, in the fixed order. */
  createAll(): void {
    for (const source of SOURCES) {
      if (this.slots.has(source) || this.pc.signalingState === 'closed') continue;
      try {
        const track = this.local.track(source);
        const transceiver = this.pc.addTransceiver(track ?? KIND[source], {
          direction: 'sendrecv',
          streams: [this.local.stream(source)],
        });
        this.slots.set(source, transceiver);
      } catch (error) {
        this.onError(error, source);
      }
    }
    this.limitCamera();
  }

  /**
   * The answering side, between applying an offer and answering it: takes the offer's
   * transceivers for the sources that have none yet (first audio for the microphone, first
   * video for the camera, second video for the screen), sending on them from now on.
   */
  claimFromOffer(): void {
    const taken = new Set(this.slots.values());
    for (const source of SOURCES) {
      if (this.slots.has(source)) continue;
      const transceiver = this.pc
        .getTransceivers()
        .find(
          (candidate) =>
            !taken.has(candidate) &&
            candidate.mid !== null &&
            candidate.currentDirection !== 'stopped' &&
            candidate.receiver.track.kind === KIND[source],
        );
      if (!transceiver) continue;
      taken.add(transceiver);
      this.slots.set(source, transceiver);
      try {
        transceiver.direction = 'sendrecv';
        transceiver.sender.setStreams(this.local.stream(source));
      } catch (error) {
        this.onError(error, source);
      }
      this.sync(source);
    }
  }

  /** Sends the current track of `source` (or nothing) on its transceiver. */
  sync(source: LocalSource): void {
    if (this.pc.signalingState === 'closed') return;
    const transceiver = this.slots.get(source);
    const track = this.local.track(source);
    if (!transceiver) {
      // The other side's offer had no m-line for it: add one (this renegotiates).
      if (!track || !this.pc.currentRemoteDescription) return;
      try {
        this.slots.set(
          source,
          this.pc.addTransceiver(track, { direction: 'sendrecv', streams: [this.local.stream(source)] }),
        );
      } catch (error) {
        this.onError(error, source);
      }
      if (source === 'camera') this.limitCamera();
      return;
    }
    if (source === 'camera') this.limitCamera();
    if (transceiver.sender.track === track) return;
    transceiver.sender.replaceTrack(track).catch((error: unknown) => this.onError(error, source));
  }

  /**
   * Applies the mesh limits to the camera sender when they differ from its parameters (after
   * each negotiation too: a sender has no encodings to set before it).
   */
  limitCamera(): void {
    const sender = this.slots.get('camera')?.sender;
    if (!sender || !this.local.meshCameraLimits) return;
    this.limiting = this.limiting
      .then(async () => {
        const limits = this.local.meshCameraLimits?.();
        if (!limits || this.pc.signalingState === 'closed') return;
        await updateParameters(sender, (parameters) => {
          const encoding = parameters.encodings?.[0];
          if (!encoding) return false;
          const scale = encoding.scaleResolutionDownBy ?? 1;
          if (scale === limits.scaleResolutionDownBy && encoding.maxFramerate === limits.maxFramerate) return false;
          encoding.scaleResolutionDownBy = limits.scaleResolutionDownBy;
          encoding.maxFramerate = limits.maxFramerate;
          return true;
        });
      })
      .catch((error: unknown) => this.onError(error, 'camera'));
  }

  /**
   * Stops encoding video on this link (camera and screen encodings inactive; the tracks stay):
   * the other side shows this page over another transport now (PeerLink, `moved`). Audio goes
   * on until the link closes.
   */
  stopVideo(): void {
    for (const source of ['camera', 'screen'] as const) {
      const sender = this.slots.get(source)?.sender;
      if (!sender) continue;
      this.limiting = this.limiting
        .then(async () => {
          if (this.pc.signalingState === 'closed') return;
          await updateParameters(sender, (parameters) => {
            if (!parameters.encodings?.length || parameters.encodings.every((encoding) => encoding.active === false))
              return false;
            for (const encoding of parameters.encodings) encoding.active = false;
            return true;
          });
        })
        .catch((error: unknown) => this.onError(error, source));
    }
  }

  syncAll(): void {
    for (const source of SOURCES) this.sync(source);
  }

  hasSlots(): boolean {
    return this.slots.size > 0;
  }
}
