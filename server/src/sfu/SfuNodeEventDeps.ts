import type { Logger } from '../logger.js';
import type { MediaCluster } from '../media/MediaCluster.js';
import type { LocalSfuPeers } from './LocalSfuPeers.js';
import type { NodePipes } from './NodePipes.js';
import type { SfuService } from './SfuService.js';
import type { SfuStore } from './SfuStore.js';

/** What the handlers of a media node's fate (NodeLoss, NodeDrain) work with: this instance's SFU domain. */
export interface SfuNodeEventDeps {
  service: SfuService;
  local: LocalSfuPeers;
  store: SfuStore;
  pipes: NodePipes;
  media: MediaCluster;
  logger: Logger;
}
