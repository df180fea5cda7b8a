import type { Consumer, ConsumerLayers, Transport } from 'mediasoup/types';

/**
 * The outgoing-bitrate cap a watched transport starts with (bits per second): far above what one
 * page receives, well below mediasoup's own ceiling (1 Gbit/s), so that it can be raised.
 */
export const RECOVERY_BASE_CAP = 100_000_000;
/** mediasoup's lowest outgoing bitrate. */
const MIN_CAP = 30_000;
/** The dip: this fraction of the current estimate, for this long. */
const DIP_FACTOR = 0.95;
const DIP_MS = 400;

/** What decides whether a video consumer is held below the layer its page asked for. */
export interface ConsumerLayerState {
  paused: boolean;
  producerPaused: boolean;
  preferred: ConsumerLayers | undefined;
  current: ConsumerLayers | undefined;
  /** Score of each of the producer's streams (simulcast: one per spatial layer), 0 = not arriving. */
  producerScores: readonly number[];
}

/**
 * True when the consumer forwards a lower spatial layer than it could: the page asked for a
 * higher one (preferred), the producer sends it, and yet the consumer runs below it (or sends
 * nothing at all). That is the sender-side bandwidth estimate of the transport holding it down.
 */
export function isHeldDown(state: ConsumerLayerState): boolean {
  if (state.paused || state.producerPaused || !state.preferred) return false;
  let wanted = -1;
  for (let layer = 0; layer <= state.preferred.spatialLayer && layer < state.producerScores.length; layer++) {
    if ((state.producerScores[layer] ?? 0) > 0) wanted = layer;
  }
  if (wanted < 0) return false;
  return state.current === undefined || state.current.spatialLayer < wanted;
}

const layerStateOf = (consumer: Consumer): ConsumerLayerState => ({
  paused: consumer.paused,
  producerPaused: consumer.producerPaused,
  preferred: consumer.preferredLayers,
  current: consumer.currentLayers,
  producerScores: consumer.score.producerScores,
});

/**
 * The wait before the next probe: `base` while no consumer is held down (or after one came
 * back); after a probe that brought nothing back, half as long again, up to `max` (a link that
 * really stays poor is probed less and less often, like libwebrtc's 5 s probing of an idle link).
 */
export function nextProbeDelay(current: number, probedInVain: boolean, base: number, max: number): number {
  return probedInVain ? Math.min(max, Math.round(current * 1.5)) : base;
}

/**
 * Brings a page's higher simulcast layers back once its downlink recovers.
 *
 * mediasoup picks each consumer's layer from the send-side bandwidth estimate of the transport.
 * After a congested spell (loss, a bandwidth cut) the estimate can stay stuck near what the low
 * layers carry. Its loss-based part (libwebrtc's LossBasedBweV2, ported) stays "loss limited"
 * while its own figure is below the delay-based one, and while loss limited it may only grow to
 * 1.5x the bitrate the page acknowledges. A browser's encoder fills whatever it is given, so
 * there the bound keeps moving up; an SFU forwards fixed layers, the acknowledged bitrate is the
 * low layers', and the next layer costs more than 1.5x of it. Probes do not help: they raise the
 * delay-based figure (which keeps the loss-based part loss limited) and are themselves capped at
 * 1.5x the estimate in that state. Seen on the test bed: a page whose link went back from
 * 300 kbit/s to unlimited stayed at the low layer for 17-40 s.
 *
 * So while a consumer of the transport is held below the layer its page asked for, this
 * - lowers the transport's outgoing cap to just under the current estimate for 400 ms: the
 *   loss-based part, now at the maximum, leaves its loss-limited state;
 * - raises it again, one bit per second above the previous cap: mediasoup probes when the
 *   maximum goes up (up to twice what the consumers want), and the probe's result becomes the
 *   estimate if the link carries it.
 * The estimator still decides: no probe while the delay grows, and a probe is a ~15 ms burst of
 * about 5 packets. Checked every `baseMs`; after a probe that brought nothing back, half as
 * long again each time (up to `maxMs`).
 */
export class LayerRecoveryProbe {
  private readonly consumers = new Set<Consumer>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs: number;
  private cap = RECOVERY_BASE_CAP;
  private stopped = false;
  /** The last tick probed (so a consumer still held down now means it probed in vain). */
  private lastTickProbed = false;
  /** Probes asked for so far. */
  probes = 0;

  constructor(
    private readonly transport: Transport,
    private readonly baseMs: number,
    private readonly maxMs = Math.max(baseMs, 6000),
  ) {
    this.delayMs = baseMs;
    transport.observer.on('newconsumer', (consumer) => {
      if (consumer.kind !== 'video' || (consumer.type !== 'simulcast' && consumer.type !== 'svc')) return;
      this.consumers.add(consumer);
      consumer.observer.once('close', () => this.consumers.delete(consumer));
    });
    transport.observer.once('close', () => this.stop());
  }

  /** Sets the starting cap (right after the transport is created) and starts watching. */
  async start(): Promise<void> {
    await this.transport.setMaxOutgoingBitrate(this.cap);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.consumers.clear();
  }

  /** True when some consumer of the transport is held below its page's layer. */
  heldDown(): boolean {
    for (const consumer of this.consumers) if (!consumer.closed && isHeldDown(layerStateOf(consumer))) return true;
    return false;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const held = !this.transport.closed && this.heldDown();
    // Still held down after the last probe: that one brought nothing back.
    this.delayMs = nextProbeDelay(this.delayMs, held && this.lastTickProbed, this.baseMs, this.maxMs);
    this.lastTickProbed = false;
    if (held) {
      await this.probe();
      this.lastTickProbed = true;
    }
    this.schedule();
  }

  private async probe(): Promise<void> {
    try {
      const stats = (await this.transport.getStats()) as Array<{ availableOutgoingBitrate?: number }>;
      const available = stats[0]?.availableOutgoingBitrate ?? 0;
      if (available <= 0 || this.transport.closed) return;
      await this.transport.setMaxOutgoingBitrate(Math.max(MIN_CAP, Math.floor(available * DIP_FACTOR)));
      await new Promise((resolve) => setTimeout(resolve, DIP_MS));
      this.cap += 1;
      this.probes += 1;
      if (!this.transport.closed) await this.transport.setMaxOutgoingBitrate(this.cap);
    } catch {
      // The transport closed meanwhile.
    }
  }
}
