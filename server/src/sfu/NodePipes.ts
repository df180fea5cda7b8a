import { AppError } from '../appError.js';
import type { Logger } from '../logger.js';
import type { NodeLoad } from '../media/placement/leastLoadedNode.js';
import { recvTransportNode } from '../media/placement/recvNode.js';
import type { RoomStore } from '../meetings/RoomStore.js';
import { MediaNodeRef } from './media/MediaNodeRef.js';
import type { MediaNodes } from './media/MediaNodes.js';
import { PipeTransportPair } from './media/PipeTransportPair.js';
import { ProducerRef } from './media/ProducerRef.js';
import type { PipeStore } from './PipeStore.js';

export interface NodePipesDeps {
  media: MediaNodes;
  pipes: PipeStore;
  /** The per-meeting pipe lock shared by every instance (the room store's locks; nothing is read). */
  locks: Pick<RoomStore, 'withLock'>;
  logger: Logger;
  /** SFU_NODE_CONSUMER_BUDGET: consumers per node before recv transports go elsewhere; 0 = off. */
  nodeBudget: number;
  /** A pipe transport pair was created (metrics). */
  onPipe?: () => void;
}

const LOCK_TTL_MS = 15_000;
const LOCK_RETRY_MS = 25;
const LOCK_WAIT_MS = 15_000;
const LOAD_TIMEOUT_MS = 2_000;

/**
 * A meeting across media nodes (docs/sfu.md "Across nodes"): where a recv transport goes when
 * the primary node is full, the pipe transport pair per (meeting, node pair), piping a producer
 * to the node of a consumer, and following the origin producer's pause, resume and close.
 * Send transports and producers stay on the meeting's primary node.
 */
export class NodePipes {
  constructor(private readonly deps: NodePipesDeps) {}

  get enabled(): boolean {
    return this.deps.nodeBudget > 0;
  }

  /** Records that the meeting has a router on the node (placement, recv transports). */
  async addNode(meetingId: string, nodeId: string): Promise<void> {
    await this.deps.pipes.addNode(meetingId, nodeId);
  }

  /** Nodes the meeting has routers on (besides the primary, once it spread). */
  async nodes(meetingId: string): Promise<string[]> {
    return this.deps.pipes.nodes(meetingId);
  }

  /** The node for a new recv transport of the meeting (fresh load of every node when the budget is on). */
  async recvNode(meetingId: string, primary: string): Promise<string> {
    if (!this.enabled) return primary;
    const [meetingNodes, nodes] = await Promise.all([this.deps.pipes.nodes(meetingId), this.freshLoads()]);
    const chosen = recvTransportNode({ primary, meetingNodes, nodes, budget: this.deps.nodeBudget });
    if (chosen !== primary) {
      await this.deps.pipes.addNode(meetingId, chosen);
      if (!meetingNodes.includes(chosen))
        this.deps.logger.info({ meetingId, primary, nodeId: chosen }, 'sfu meeting spreads to another media node');
    }
    return chosen;
  }

  /**
   * Makes `producerId` (on node `from`) consumable on node `to`: the pair's pipe transports
   * (created on first use), pipeConsume on `from`, pipeProduce under the same id on `to`. Once per
   * producer and node, under the meeting's pipe lock (any instance may ask at the same time).
   */
  async ensurePiped(
    meetingId: string,
    producerId: string,
    from: string,
    to: string,
    appData: Record<string, unknown>,
  ): Promise<void> {
    const { pipes } = this.deps;
    if (from === to || (await pipes.getPiped(meetingId, producerId, to))) return;
    await this.locked(meetingId, async () => {
      if (await pipes.getPiped(meetingId, producerId, to)) return;
      const record = await pipes.getPair(meetingId, from, to);
      let pair = record ? PipeTransportPair.of(meetingId, record, (id) => this.node(id)) : null;
      if (!pair) {
        pair = await PipeTransportPair.open(meetingId, this.node(from), this.node(to));
        await pipes.putPair(meetingId, from, to, pair.record);
        this.deps.onPipe?.();
        this.deps.logger.info({ meetingId, from, to }, 'sfu pipe between media nodes created');
      }
      const pipeConsumerId = await pair.pipe(producerId, from, appData);
      await pipes.putPiped(meetingId, { producerId, from, to, pipeConsumerId });
    });
  }

  /** The origin producer was paused or resumed: its copies on other nodes follow. */
  async followPause(meetingId: string, producerId: string, paused: boolean): Promise<void> {
    const copies = (await this.deps.pipes.listPiped(meetingId)).filter((p) => p.producerId === producerId);
    await Promise.all(
      copies.map((p) =>
        this.copyOn(p.to, meetingId, producerId)
          .setPaused(paused)
          .catch((error: unknown) =>
            this.deps.logger.warn(
              { err: error, meetingId, producerId, nodeId: p.to },
              'piped producer pause/resume failed',
            ),
          ),
      ),
    );
  }

  /**
   * A node reported `producerClosed`. From the origin node: its copies on other nodes are closed
   * (their consumers go, and those nodes report `consumerClosed`). From a node holding a copy:
   * the record of that copy is dropped.
   */
  async producerClosed(nodeId: string, meetingId: string, producerId: string): Promise<void> {
    // A meeting that never spread has nothing piped (and needs no lock).
    if ((await this.deps.pipes.nodes(meetingId)).length <= 1) return;
    // Under the pipe lock: a piping of this producer in progress records its copy first.
    await this.locked(meetingId, async () => {
      const copies = (await this.deps.pipes.listPiped(meetingId)).filter((p) => p.producerId === producerId);
      if (copies.length === 0) return;
      if (!copies.some((p) => p.from === nodeId)) {
        await this.deps.pipes.takePiped(meetingId, producerId, nodeId);
        return;
      }
      for (const copy of await this.deps.pipes.takePiped(meetingId, producerId)) {
        await this.copyOn(copy.to, meetingId, producerId)
          .close()
          .catch(() => undefined);
      }
    });
  }

  /**
   * A node of the meeting is gone (or lost its routers): its pipes are forgotten and the pipe
   * transports facing it on the other nodes are closed (with the pipe consumers and piped copies).
   */
  async forgetNode(meetingId: string, nodeId: string): Promise<void> {
    const { pairs } = await this.deps.pipes.forgetNode(meetingId, nodeId);
    for (const record of pairs) {
      await PipeTransportPair.of(meetingId, record, (id) => this.node(id)).closeExcept(nodeId);
    }
  }

  /**
   * The meeting ended, or its primary node is gone: its routers on its other nodes close and the
   * records go (by the one instance that finds them, when several call at once).
   */
  async closeMeeting(meetingId: string, except: string | null): Promise<void> {
    const nodes = await this.deps.pipes.nodes(meetingId);
    if (!(await this.deps.pipes.clear(meetingId))) return;
    await Promise.all(nodes.filter((n) => n !== except).map((n) => this.node(n).tryCall('closeRouter', { meetingId })));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private async freshLoads(): Promise<NodeLoad[]> {
    return Promise.all(
      this.deps.media.nodes().map(async (node) => {
        if (!node.connected) return node;
        try {
          const load = await this.deps.media.client(node.id)!.request('getLoad', {}, { timeoutMs: LOAD_TIMEOUT_MS });
          return { id: node.id, connected: true, workers: load.workers, draining: node.draining || !!load.draining };
        } catch {
          return node;
        }
      }),
    );
  }

  private async locked(meetingId: string, fn: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      let ran = false;
      await this.deps.locks.withLock(`sfu-pipe:${meetingId}`, LOCK_TTL_MS, async () => {
        ran = true;
        await fn();
      });
      if (ran) return;
      if (Date.now() > deadline) throw new AppError('unavailable', 'the meeting pipes are busy; try again');
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }

  /** The copy of `producerId` piped to node `nodeId` (it follows the origin producer). */
  private copyOn(nodeId: string, meetingId: string, producerId: string): ProducerRef {
    return new ProducerRef(meetingId, producerId, this.node(nodeId));
  }

  /** A media node by id. */
  private node(nodeId: string): MediaNodeRef {
    return new MediaNodeRef(nodeId, this.deps.media);
  }
}
