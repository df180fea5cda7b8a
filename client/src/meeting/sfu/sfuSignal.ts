import {
  SfuEvents,
  type ClientEventAck,
  type ClientEventName,
  type ClientEventPayload,
  type MediaSource,
  type SfuConsumeResult,
  type SfuConsumerInfo,
  type SfuResumeResult,
  type SfuProducerInfo,
  type SfuServerEvents,
  type SfuTransportInfo,
  type ServerEventPayload,
} from '@parley/protocol';
import type { types } from 'mediasoup-client';
import { ApiError } from '../../api/ApiError.js';
import type { SocketClient } from '../../api/socket.js';

const TIMEOUT_MS = 10_000;

/** A producer announced by the server, with the meeting it belongs to. */
export type RemoteProducer = SfuProducerInfo;

/** The `sfu:*` requests of the socket contract. */
type SfuRequest = Extract<ClientEventName, `sfu:${string}`>;
/** The `sfu:*` server→client events. */
export type SfuServerEventName = (typeof SfuServerEvents)[keyof typeof SfuServerEvents];

/**
 * The `sfu:*` requests and events of one meeting (protocol/src/schemas/sfu.ts): each request's
 * payload and answer are typed by the socket contract (`ClientEventContract`), and the meeting's
 * id is added to every payload.
 */
export class SfuSignal {
  constructor(
    private readonly client: SocketClient,
    readonly meetingId: string,
  ) {}

  private async request<E extends SfuRequest>(
    event: E,
    payload: Omit<ClientEventPayload<E>, 'meetingId'>,
  ): Promise<ClientEventAck<E>> {
    // The compiler cannot see that `meetingId` plus the rest is the whole payload of a generic E.
    const full = { meetingId: this.meetingId, ...payload } as ClientEventPayload<E>;
    try {
      return await this.client.request(event, full, { timeoutMs: TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof ApiError) || error.code === 'timeout' || error.code === 'network_error') {
        throw new ApiError({
          status: 0,
          code: 'timeout',
          message: `${event}: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
      throw error;
    }
  }

  async capabilities(): Promise<types.RtpCapabilities> {
    const ack = await this.request(SfuEvents.getCapabilities, {});
    // The wire types capabilities loosely (`unknown`); mediasoup-client reads them.
    return ack.rtpCapabilities as types.RtpCapabilities;
  }

  async createTransport(direction: 'send' | 'recv'): Promise<SfuTransportInfo> {
    return this.request(SfuEvents.createTransport, { direction });
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
    source: MediaSource,
    paused: boolean,
  ): Promise<string> {
    const ack = await this.request(SfuEvents.produce, {
      transportId,
      kind,
      rtpParameters,
      appData: { source },
      paused,
    });
    return ack.producerId;
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
    return ack.producers;
  }

  async consume(
    transportId: string,
    producerId: string,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<SfuConsumerInfo> {
    return this.request(SfuEvents.consume, { transportId, producerId, rtpCapabilities });
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
    return ack.consumers;
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
    return ack.consumers;
  }

  async consumerAction(action: 'pause' | 'resume', consumerId: string): Promise<void> {
    await this.request(action === 'pause' ? SfuEvents.pauseConsumer : SfuEvents.resumeConsumer, { consumerId });
  }

  async reportTiles(tiles: { consumerId: string; width: number; height: number; visible: boolean }[]): Promise<void> {
    await this.request(SfuEvents.reportTiles, { tiles });
  }

  /** Listens to one `sfu:*` server event of this meeting; returns the function that stops. */
  on<E extends SfuServerEventName>(event: E, handler: (payload: ServerEventPayload<E>) => void): () => void {
    return this.client.on(event, (payload) => {
      if (payload?.meetingId === this.meetingId) handler(payload);
    });
  }
}
