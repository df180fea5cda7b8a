import { ProducerRef } from './media/ProducerRef.js';
import type { SfuServiceDeps } from './SfuServiceDeps.js';

/** The host's moderation of SFU media (issue 16): acts on any participant's producers, on any instance. */
export class SfuModeration {
  constructor(private readonly deps: Pick<SfuServiceDeps, 'store' | 'local' | 'pipes' | 'placement' | 'notify'>) {}

  /**
   * The host muted `peerId` (`mute_participant`): its producers of `kind` (camera and screen for
   * video) are paused on their media node at once, wherever its socket lives; the others get
   * `sfu:producer_paused`. The client resumes only by itself (its own unmute).
   */
  async pausePeerMedia(meetingId: string, peerId: string, kind: 'audio' | 'video'): Promise<number> {
    const producers = (await this.deps.store.listProducers(meetingId)).filter(
      (p) => p.peerId === peerId && p.kind === kind && !p.paused,
    );
    const nodeId = await this.deps.store.getNode(meetingId);
    for (const producer of producers) {
      // The peer's own ref when its socket is here; else one on the node the shared list names.
      const local = this.deps.local.get(peerId)?.producers.get(producer.producerId);
      const node = producer.nodeId ?? nodeId;
      const ref =
        local?.ref ?? (node ? new ProducerRef(meetingId, producer.producerId, this.deps.placement.node(node)) : null);
      if (!ref) continue;
      await ref.setPaused(true);
      if (local) local.paused = true;
      await this.deps.pipes.followPause(meetingId, producer.producerId, true);
      await this.deps.store.setProducerPaused(meetingId, producer.producerId, true);
      this.deps.notify.producerPaused({ meetingId, producerId: producer.producerId, peerId }, true, producer.socketId);
    }
    return producers.length;
  }
}
