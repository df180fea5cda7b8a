import type { ClientRooms } from '../clientRooms.js';
import type { Logger } from '../logger.js';
import type { MediaCluster } from '../media/MediaCluster.js';
import type { LocalPeers } from '../meetings/LocalPeers.js';
import type { RoomStore } from '../meetings/RoomStore.js';
import type { LocalSfuPeers } from './LocalSfuPeers.js';
import type { NodePipes } from './NodePipes.js';
import type { SfuCaps } from './SfuCaps.js';
import type { SfuStore } from './SfuStore.js';

/** What SfuService and its parts (SfuNodeAccess, SfuModeration, SfuCleanup) are built on. */
export interface SfuServiceDeps {
  media: MediaCluster;
  store: SfuStore;
  local: LocalSfuPeers;
  /** The meetings domain's view of this instance's sockets and of the room. */
  meetingPeers: LocalPeers;
  rooms: RoomStore;
  io: ClientRooms;
  logger: Logger;
  /** SFU_CONSUMER_BUDGET. */
  consumerBudget: number;
  /** The meeting across media nodes (recv transport placement, pipes). */
  pipes: NodePipes;
  /** Caps on each participant's transports, producers and consumers (default: DEFAULT_SFU_CAPS). */
  caps?: SfuCaps;
}
