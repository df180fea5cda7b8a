import type { MediaNotification } from '@parley/protocol/internal';
import type { Logger } from '../logger.js';
import type { LocalSfuPeer, LocalSfuPeers } from './LocalSfuPeers.js';
import type { NodeLoss } from './NodeLoss.js';
import type { NodePipes } from './NodePipes.js';
import type { SfuNotifications } from './SfuNotifications.js';
import type { SfuStore } from './SfuStore.js';

export interface MediaNotificationDeps {
  notify: SfuNotifications;
  local: LocalSfuPeers;
  store: SfuStore;
  pipes: NodePipes;
  nodeLoss: NodeLoss;
  logger: Logger;
}

/**
 * Acts on the media nodes' notifications. Every server instance receives each one; only the
 * instance that owns the object named (the peer's socket is here) emits, so clients get each
 * event once.
 */
export function createMediaNotificationHandler({
  notify,
  local,
  store,
  pipes,
  nodeLoss,
  logger,
}: MediaNotificationDeps) {
  /** Whether `nodeId` holds the producer itself (not a piped copy of it). */
  const isOrigin = (owner: LocalSfuPeer, producerId: string, nodeId: string) =>
    owner.producers.get(producerId)?.ref.node.id === nodeId;
  const warn = (what: string) => (error: unknown) => logger.warn({ err: error }, what);
  return (nodeId: string, notification: MediaNotification): void => {
    switch (notification.event) {
      case 'producerClosed': {
        const { meetingId, producerId } = notification.data;
        void pipes.producerClosed(nodeId, meetingId, producerId).catch(warn('closing piped producers failed'));
        const owner = local.ownerOfProducer(producerId);
        if (!owner || !isOrigin(owner, producerId, nodeId)) return;
        // Its ref raises `close`: the peer's record drops it.
        owner.producers.get(producerId)?.ref.markClosed();
        void store.removeProducer(meetingId, producerId).catch(() => undefined);
        notify.producerClosed({ meetingId, producerId, peerId: owner.peerId }, null);
        return;
      }
      case 'consumerClosed': {
        const { meetingId, consumerId, producerId } = notification.data;
        const owner = local.ownerOfConsumer(consumerId);
        const consumer = owner?.consumers.get(consumerId);
        if (!owner || !consumer) return;
        // Its ref raises `close`: the peer's record drops it.
        consumer.ref.markClosed();
        notify.consumerClosed(owner.socketId, { meetingId, consumerId, producerId });
        return;
      }
      case 'activeSpeaker': {
        const { meetingId, producerId } = notification.data;
        const owner = local.ownerOfProducer(producerId);
        if (!owner || !isOrigin(owner, producerId, nodeId)) return;
        notify.activeSpeaker({ meetingId, peerId: owner.peerId, producerId });
        return;
      }
      case 'workerDied': {
        const { meetingIds } = notification.data;
        void nodeLoss.workerDied(nodeId, meetingIds).catch(warn('sfu reset after a worker death failed'));
        if (meetingIds.length > 0) logger.warn({ nodeId, meetingIds }, 'media worker died: sfu transports reset');
        return;
      }
      default:
        return;
    }
  };
}
