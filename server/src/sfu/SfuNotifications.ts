import {
  SfuServerEvents,
  type MediaNotification,
  type SfuActiveSpeakerEvent,
  type SfuConsumerClosedEvent,
  type SfuProducerEvent,
  type SfuTransportsResetEvent,
} from '@parley/protocol';
import type { Logger } from '../logger.js';
import type { LocalSfuPeers } from './LocalSfuPeers.js';
import type { SfuService } from './SfuService.js';
import type { SfuStore } from './SfuStore.js';

export interface SfuNotificationDeps {
  service: SfuService;
  local: LocalSfuPeers;
  store: SfuStore;
  logger: Logger;
  /** Called for each sfu:transports_reset sent (metrics). */
  onReset?: (reason: SfuTransportsResetEvent['reason']) => void;
}

/**
 * Acts on the media nodes' notifications. Every server instance receives each one; only the
 * instance that owns the object named (the peer's socket is here) emits, so clients get each
 * event once.
 */
export function createSfuNotificationHandler({ service, local, store, logger, onReset }: SfuNotificationDeps) {
  return (nodeId: string, notification: MediaNotification): void => {
    switch (notification.event) {
      case 'producerClosed': {
        const { meetingId, producerId } = notification.data;
        const owner = local.ownerOfProducer(producerId);
        if (!owner || !local.removeProducer(owner, producerId)) return;
        void store.removeProducer(meetingId, producerId).catch(() => undefined);
        service.toRoom(meetingId, null, SfuServerEvents.producerClosed, { meetingId, producerId, peerId: owner.peerId } satisfies SfuProducerEvent);
        return;
      }
      case 'consumerClosed': {
        const { meetingId, consumerId, producerId } = notification.data;
        const owner = local.ownerOfConsumer(consumerId);
        if (!owner || !local.removeConsumer(owner, consumerId)) return;
        service.toSocket(owner.socketId, SfuServerEvents.consumerClosed, { meetingId, consumerId, producerId } satisfies SfuConsumerClosedEvent);
        return;
      }
      case 'activeSpeaker': {
        const { meetingId, producerId } = notification.data;
        const owner = local.ownerOfProducer(producerId);
        if (!owner) return;
        service.toRoom(meetingId, null, SfuServerEvents.activeSpeaker, { meetingId, peerId: owner.peerId, producerId } satisfies SfuActiveSpeakerEvent);
        return;
      }
      case 'workerDied': {
        for (const meetingId of notification.data.meetingIds) {
          void store.clearMeeting(meetingId, true).catch(() => undefined);
          for (const peer of local.ofMeeting(meetingId)) {
            if (peer.nodeId !== nodeId && peer.nodeId !== notification.data.nodeId) continue;
            local.reset(peer);
            service.toSocket(peer.socketId, SfuServerEvents.transportsReset, { meetingId, reason: 'worker_died' } satisfies SfuTransportsResetEvent);
            onReset?.('worker_died');
          }
        }
        if (notification.data.meetingIds.length > 0) {
          logger.warn({ nodeId, meetingIds: notification.data.meetingIds }, 'media worker died: sfu transports reset');
        }
        return;
      }
      default:
        return;
    }
  };
}

/**
 * A media node's connection dropped: every local SFU peer on it lost its transports. They are
 * told (`sfu:transports_reset`, reason `node_lost`) and the meetings are un-placed, so the next
 * request places them on a node that is up.
 */
export function createNodeLostHandler({ service, local, store, logger, onReset }: SfuNotificationDeps) {
  return (nodeId: string): void => {
    const meetings = new Set<string>();
    for (const peer of local.all()) {
      if (peer.nodeId !== nodeId) continue;
      meetings.add(peer.meetingId);
      local.reset(peer);
      service.toSocket(peer.socketId, SfuServerEvents.transportsReset, { meetingId: peer.meetingId, reason: 'node_lost' } satisfies SfuTransportsResetEvent);
      onReset?.('node_lost');
    }
    for (const meetingId of meetings) void store.clearMeeting(meetingId).catch(() => undefined);
    if (meetings.size > 0) logger.warn({ nodeId, meetings: meetings.size }, 'media node lost: sfu transports reset');
  };
}
