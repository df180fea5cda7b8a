import type { LocalSfuPeers } from './LocalSfuPeers.js';
import type { SfuStore } from './SfuStore.js';

/**
 * Writes this instance's part of the shared SFU state again after Redis lost it: the media node
 * of each meeting its peers are on, and their producers, so that a newcomer is told about every
 * producer and consumes it. Transports and consumers were never shared: they live on.
 */
export class SfuStateRestorer {
  constructor(
    private readonly local: LocalSfuPeers,
    private readonly store: SfuStore,
  ) {}

  /** Returns how many producers were written again. */
  async restore(): Promise<number> {
    let restored = 0;
    for (const peer of this.local.all()) {
      // First writer wins; every instance's peers of a meeting were placed on the same node.
      await this.store.placeNode(peer.meetingId, peer.nodeId);
      for (const [producerId, producer] of peer.producers) {
        await this.store.putProducer(peer.meetingId, {
          producerId,
          peerId: peer.peerId,
          userId: peer.userId,
          kind: producer.kind,
          source: producer.source,
          paused: producer.paused,
          socketId: peer.socketId,
          nodeId: producer.ref.node.id,
        });
        restored++;
      }
    }
    return restored;
  }

  /** 'sfu' for a meeting that has SFU peers on this instance (the room's mode to restore). */
  modeOf(meetingId: string): 'sfu' | undefined {
    return this.local.ofMeeting(meetingId).length > 0 ? 'sfu' : undefined;
  }
}
