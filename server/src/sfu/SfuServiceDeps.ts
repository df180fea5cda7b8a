import type { ClientRooms } from '../clientRooms.js';
import type { Logger } from '../logger.js';
import type { MeetingMembership } from '../meetings/MeetingMembership.js';
import type { LocalSfuPeers } from './LocalSfuPeers.js';
import type { MediaNodes } from './media/MediaNodes.js';
import type { NodePipes } from './NodePipes.js';
import type { MeetingPlacement } from './placement/MeetingPlacement.js';
import type { SfuCaps } from './SfuCaps.js';
import type { SfuNotifications } from './SfuNotifications.js';
import type { SfuStore } from './SfuStore.js';

/** What SfuService and its parts (SfuModeration, SfuCleanup) are built on. */
export interface SfuServiceDeps {
  media: MediaNodes;
  store: SfuStore;
  local: LocalSfuPeers;
  /** The meetings domain's answer to "is this socket a participant" (and the room's mode). */
  membership: MeetingMembership;
  /** Whether a socket of this instance is still connected. */
  io: Pick<ClientRooms, 'sockets'>;
  /** The one way the SFU domain sends to clients. */
  notify: SfuNotifications;
  /** Where each meeting's media lives, kept per meeting. */
  placement: MeetingPlacement;
  logger: Logger;
  /** SFU_CONSUMER_BUDGET. */
  consumerBudget: number;
  /** The meeting across media nodes (recv transport placement, pipes). */
  pipes: NodePipes;
  /** Caps on each participant's transports, producers and consumers (default: DEFAULT_SFU_CAPS). */
  caps?: SfuCaps;
}
