import type { MediaRpcParams, MediaRpcResult } from '@parley/protocol/internal';
import { ConsumerRef } from './ConsumerRef.js';
import { ProducerRef } from './ProducerRef.js';
import { RemoteObjectRef } from './RemoteObjectRef.js';

type OnTransport<M extends 'connectTransport' | 'connectPlainTransport' | 'produce' | 'consume'> = Omit<
  MediaRpcParams<M>,
  'meetingId' | 'transportId'
>;

/**
 * A WebRTC or plain RTP transport on a media node, reached through that node: what is done with
 * it (connect, ICE restart, produce, consume, close) and the producers and consumers it makes,
 * bound to the same node.
 */
export class TransportRef extends RemoteObjectRef {
  private get target(): { meetingId: string; transportId: string } {
    return { meetingId: this.meetingId, transportId: this.id };
  }

  async connect(params: OnTransport<'connectTransport'>): Promise<void> {
    await this.node.call('connectTransport', { ...this.target, ...params });
  }

  /** A recv plain RTP transport learns where to send (and the caller's SRTP key). */
  async connectPlain(params: OnTransport<'connectPlainTransport'>): Promise<void> {
    await this.node.call('connectPlainTransport', { ...this.target, ...params });
  }

  restartIce(): Promise<MediaRpcResult<'restartIce'>> {
    return this.node.call('restartIce', this.target);
  }

  async produce(params: OnTransport<'produce'>): Promise<ProducerRef> {
    const { id } = await this.node.call('produce', { ...this.target, ...params });
    return new ProducerRef(this.meetingId, id, this.node);
  }

  /** The consumer's ref, and what the node answered of it. */
  async consume(
    params: OnTransport<'consume'>,
  ): Promise<{ consumer: ConsumerRef; created: MediaRpcResult<'consume'> }> {
    const created = await this.node.call('consume', { ...this.target, ...params });
    return { consumer: new ConsumerRef(this.meetingId, created.id, this.node), created };
  }

  /** Raises `close`, then closes it on the node when reachable (a failure ignored). */
  async close(): Promise<void> {
    this.markClosed();
    await this.node.tryCall('closeTransport', this.target);
  }
}
