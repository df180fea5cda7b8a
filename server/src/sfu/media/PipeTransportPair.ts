import { EventEmitter } from 'node:events';
import type { PipePair } from '../PipeStore.js';
import type { MediaNodeRef } from './MediaNodeRef.js';
import type { RemoteObjectEvents } from './RemoteObjectRef.js';

/**
 * The pipe transports joining two nodes of a meeting (one on each node, connected to each
 * other), through which producers of one node are re-created on the other. Its record in
 * PipeStore is `{[nodeId]: transportId}` (`record`), the same whichever way a producer goes.
 * Each end is bound to its node (MediaNodeRef: the node's client, its errors as AppError); the
 * pair raises `close` once, when it is closed through itself.
 */
export class PipeTransportPair extends EventEmitter<RemoteObjectEvents> {
  private isClosed = false;

  private constructor(
    readonly meetingId: string,
    private readonly ends: ReadonlyMap<string, { node: MediaNodeRef; transportId: string }>,
  ) {
    super();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Creates the two pipe transports and connects each to the other. */
  static async open(meetingId: string, a: MediaNodeRef, b: MediaNodeRef): Promise<PipeTransportPair> {
    const [pa, pb] = await Promise.all([
      a.call('createPipeTransport', { meetingId }),
      b.call('createPipeTransport', { meetingId }),
    ]);
    await Promise.all([
      a.call('connectPipeTransport', { meetingId, transportId: pa.id, ip: pb.ip, port: pb.port }),
      b.call('connectPipeTransport', { meetingId, transportId: pb.id, ip: pa.ip, port: pa.port }),
    ]);
    return PipeTransportPair.of(meetingId, { [a.id]: pa.id, [b.id]: pb.id }, (id) => (id === a.id ? a : b));
  }

  /** The pair of a PipeStore record. */
  static of(meetingId: string, record: PipePair, node: (nodeId: string) => MediaNodeRef): PipeTransportPair {
    const ends = new Map(
      Object.entries(record).map(([nodeId, transportId]) => [nodeId, { node: node(nodeId), transportId }]),
    );
    return new PipeTransportPair(meetingId, ends);
  }

  /** What PipeStore keeps of it. */
  get record(): PipePair {
    return Object.fromEntries([...this.ends].map(([nodeId, end]) => [nodeId, end.transportId]));
  }

  /**
   * Re-creates `producerId` of node `from` on the other end under the same id (pipeConsume on
   * `from`, pipeProduce on the other node); returns the pipe consumer's id on `from`.
   */
  async pipe(producerId: string, from: string, appData: Record<string, unknown>): Promise<string> {
    const source = this.end(from);
    const target = [...this.ends.values()].find((end) => end !== source);
    if (!target) throw new Error('a pipe transport pair needs two ends');
    const { meetingId } = this;
    const out = await source.node.call('pipeConsume', { meetingId, transportId: source.transportId, producerId });
    await target.node.call('pipeProduce', {
      meetingId,
      transportId: target.transportId,
      producerId,
      kind: out.kind,
      rtpParameters: out.rtpParameters,
      paused: out.producerPaused,
      appData,
    });
    return out.id;
  }

  /**
   * Raises `close`, then closes its transports on every node but `lost` (with their pipe
   * consumers and piped copies); failures ignored.
   */
  async closeExcept(lost: string): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.emit('close');
    this.removeAllListeners();
    for (const [nodeId, end] of this.ends) {
      if (nodeId !== lost)
        await end.node.tryCall('closeTransport', { meetingId: this.meetingId, transportId: end.transportId });
    }
  }

  private end(nodeId: string): { node: MediaNodeRef; transportId: string } {
    const end = this.ends.get(nodeId);
    if (!end) throw new Error(`node ${nodeId} is not an end of this pipe transport pair`);
    return end;
  }
}
