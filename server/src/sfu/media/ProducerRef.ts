import { RemoteObjectRef } from './RemoteObjectRef.js';

/** A producer on its origin media node, reached through that node. */
export class ProducerRef extends RemoteObjectRef {
  async setPaused(paused: boolean): Promise<void> {
    await this.node.call(paused ? 'pauseProducer' : 'resumeProducer', {
      meetingId: this.meetingId,
      producerId: this.id,
    });
  }

  /** Raises `close` at once (it is forgotten before the node answers), then closes it on the node. */
  async close(): Promise<void> {
    this.markClosed();
    await this.node.call('closeProducer', { meetingId: this.meetingId, producerId: this.id });
  }
}
