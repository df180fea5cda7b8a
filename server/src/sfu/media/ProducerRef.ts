import type { MediaNodeRef } from './MediaNodeRef.js';

/** A producer on its origin media node, reached through that node. */
export class ProducerRef {
  constructor(
    readonly meetingId: string,
    readonly id: string,
    readonly node: MediaNodeRef,
  ) {}

  async setPaused(paused: boolean): Promise<void> {
    await this.node.call(paused ? 'pauseProducer' : 'resumeProducer', {
      meetingId: this.meetingId,
      producerId: this.id,
    });
  }

  async close(): Promise<void> {
    await this.node.call('closeProducer', { meetingId: this.meetingId, producerId: this.id });
  }
}
