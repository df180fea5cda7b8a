import { SfuServerEvents, type SfuProducerEvent } from '@parley/protocol';
import type { SfuNodeAccess } from './SfuNodeAccess.js';
import type { SfuServiceDeps } from './SfuServiceDeps.js';
import type { EmitToMeeting } from '../clientRooms.js';

/** The host's moderation of SFU media (issue 16): acts on any participant's producers, on any instance. */
export class SfuModeration {
  constructor(
    private readonly deps: Pick<SfuServiceDeps, 'store' | 'local' | 'pipes'>,
    private readonly nodes: SfuNodeAccess,
    private readonly toRoom: EmitToMeeting,
  ) {}

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
      const node = producer.nodeId ?? nodeId;
      if (!node) continue;
      await this.nodes.call(this.nodes.clientOf(node), 'pauseProducer', { meetingId, producerId: producer.producerId });
      const local = this.deps.local.get(peerId)?.producers.get(producer.producerId);
      if (local) local.paused = true;
      await this.deps.pipes.followPause(meetingId, producer.producerId, true);
      await this.deps.store.setProducerPaused(meetingId, producer.producerId, true);
      this.toRoom(meetingId, producer.socketId, SfuServerEvents.producerPaused, {
        meetingId,
        producerId: producer.producerId,
        peerId,
      } satisfies SfuProducerEvent);
    }
    return producers.length;
  }
}
