import type { Logger } from '../logger.js';
import type { LocalSfuPeers } from './LocalSfuPeers.js';
import type { MediaNodes } from './media/MediaNodes.js';
import type { NodePipes } from './NodePipes.js';
import type { MeetingPlacement } from './placement/MeetingPlacement.js';
import type { SfuNotifications } from './SfuNotifications.js';
import type { SfuService } from './SfuService.js';
import type { SfuStore } from './SfuStore.js';

/** What the handlers of a media node's fate (NodeLoss, NodeDrain) work with: this instance's SFU domain. */
export interface SfuNodeEventDeps {
  service: SfuService;
  local: LocalSfuPeers;
  store: SfuStore;
  pipes: NodePipes;
  media: MediaNodes;
  placement: MeetingPlacement;
  notify: SfuNotifications;
  logger: Logger;
}
