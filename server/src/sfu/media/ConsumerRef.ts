import { RemoteObjectRef } from './RemoteObjectRef.js';

/** A consumer on a media node (a participant receiving one producer), reached through its node. */
export class ConsumerRef extends RemoteObjectRef {
  async pause(): Promise<void> {
    await this.node.call('pauseConsumer', { meetingId: this.meetingId, consumerId: this.id });
  }

  /** `keyFrame`: a consumer already running gets a key frame request instead (sfu:resume_consumers). */
  async resume(options: { keyFrame?: boolean } = {}): Promise<void> {
    await this.node.call('resumeConsumer', {
      meetingId: this.meetingId,
      consumerId: this.id,
      ...(options.keyFrame ? { keyFrame: true } : {}),
    });
  }

  async setPreferredLayers(spatialLayer: number, temporalLayer?: number): Promise<void> {
    await this.node.call('setPreferredLayers', {
      meetingId: this.meetingId,
      consumerId: this.id,
      spatialLayer,
      ...(temporalLayer !== undefined ? { temporalLayer } : {}),
    });
  }
}
