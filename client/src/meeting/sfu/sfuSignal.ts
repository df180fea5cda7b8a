import {
  SfuEvents,
  SfuServerEvents,
  type SfuConsumeResult,
  type SfuConsumerInfo,
  type SfuResumeResult,
  type SfuProducerInfo,
  type SfuTransportInfo,
} from '@parley/protocol';
import type { types } from 'mediasoup-client';
import { ApiError, readErrorInfo } from '../../api/ApiError.js';
import type { SocketClient } from '../../api/socket.js';

const TIMEOUT_MS = 10_000;

/** A producer announced by the server, with the meeting it belongs to. */
export type RemoteProducer = SfuProducerInfo;

/**
 * The `sfu:*` requests and events of one meeting (protocol/src/schemas/sfu.ts). Acks are read
 * leniently: the flat shape or the same object nested under a name (see docs/sfu.md), so the
 * client does not break on a small server-side change.
 */
export class SfuSignal {
  constructor(
    private readonly client: SocketClient,
    readonly meetingId: string,
  ) {}

  private async request(event: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    let response: unknown;
    try {
      response = await this.client.raw
        .timeout(TIMEOUT_MS)
        .emitWithAck(event, { meetingId: this.meetingId, ...payload });
    } catch (error) {
      throw new ApiError({
        status: 0,
        code: 'timeout',
        message: `${event}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    if (typeof response === 'object' && response !== null && (response as { ok?: unknown }).ok === true) {
      return response as Record<string, unknown>;
    }
    const info = readErrorInfo(response);
    throw info
      ? ApiError.fromInfo(info)
      : new ApiError({ status: 0, code: 'internal', message: `Unexpected answer to "${event}"` });
  }

  async capabilities(): Promise<types.RtpCapabilities> {
    const ack = await this.request(SfuEvents.getCapabilities, {});
    return (ack.rtpCapabilities ?? ack.routerRtpCapabilities) as types.RtpCapabilities;
  }

  async createTransport(direction: 'send' | 'recv'): Promise<SfuTransportInfo> {
    const ack = await this.request(SfuEvents.createTransport, { direction });
    return (ack.transport ?? ack) as SfuTransportInfo;
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.request(SfuEvents.connectTransport, { transportId, dtlsParameters });
  }

  async restartIce(transportId: string): Promise<types.IceParameters> {
    const ack = await this.request(SfuEvents.restartIce, { transportId });
    return ack.iceParameters as types.IceParameters;
  }

  async produce(
    transportId: string,
    kind: types.MediaKind,
    rtpParameters: types.RtpParameters,
    source: string,
    paused: boolean,
  ): Promise<string> {
    const ack = await this.request(SfuEvents.produce, {
      transportId,
      kind,
      rtpParameters,
      appData: { source },
      paused,
    });
    return String(ack.producerId ?? ack.id);
  }

  async producerAction(action: 'pause' | 'resume' | 'close', producerId: string): Promise<void> {
    const event =
      action === 'pause'
        ? SfuEvents.pauseProducer
        : action === 'resume'
          ? SfuEvents.resumeProducer
          : SfuEvents.closeProducer;
    await this.request(event, { producerId });
  }

  async producers(): Promise<RemoteProducer[]> {
    const ack = await this.request(SfuEvents.getProducers, {});
    return (ack.producers ?? []) as RemoteProducer[];
  }

  async consume(
    transportId: string,
    producerId: string,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<SfuConsumerInfo> {
    const ack = await this.request(SfuEvents.consume, { transportId, producerId, rtpCapabilities });
    const info = (ack.consumer ?? ack) as SfuConsumerInfo & { id?: string };
    return { ...info, consumerId: info.consumerId ?? String(info.id) };
  }

  /**
   * `sfu:consume_many`: consumers (paused) of these producers, or of every producer of the others
   * when `producerIds` is left out; one answer per producer.
   */
  async consumeMany(
    transportId: string,
    rtpCapabilities: types.RtpCapabilities,
    options: { producerIds?: string[] } = {},
  ): Promise<SfuConsumeResult[]> {
    const ack = await this.request(SfuEvents.consumeMany, { transportId, rtpCapabilities, ...options });
    return (ack.consumers ?? []) as SfuConsumeResult[];
  }

  /**
   * `sfu:resume_consumers`: one answer per consumer. `keyFrames`: those already running get a key
   * frame request instead (this page's receivers of them exist only now).
   */
  async resumeConsumers(consumerIds: string[], options: { keyFrames?: boolean } = {}): Promise<SfuResumeResult[]> {
    const ack = await this.request(SfuEvents.resumeConsumers, {
      consumerIds,
      ...(options.keyFrames ? { keyFrames: true } : {}),
    });
    return (ack.consumers ?? []) as SfuResumeResult[];
  }

  async consumerAction(action: 'pause' | 'resume', consumerId: string): Promise<void> {
    await this.request(action === 'pause' ? SfuEvents.pauseConsumer : SfuEvents.resumeConsumer, { consumerId });
  }

  async reportTiles(tiles: { consumerId: string; width: number; height: number; visible: boolean }[]): Promise<void> {
    await this.request(SfuEvents.reportTiles, { tiles });
  }

  /** Listens to one `sfu:*` server event of this meeting; returns the function that stops. */
  on<T extends object>(
    event: (typeof SfuServerEvents)[keyof typeof SfuServerEvents],
    handler: (payload: T) => void,
  ): () => void {
    const listener = (payload: T & { meetingId?: string }) => {
      if (payload && payload.meetingId === this.meetingId) handler(payload);
    };
    this.client.raw.on(event, listener);
    return () => void this.client.raw.off(event, listener);
  }
}

/** `sfu:new_producer` may carry the producer flat or nested under `producer`. */
export function readProducer(payload: Record<string, unknown>): RemoteProducer {
  return (payload.producer ?? payload) as RemoteProducer;
}
