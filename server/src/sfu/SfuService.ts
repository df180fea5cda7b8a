import {
  SfuServerEvents,
  type SfuConnectTransport,
  type SfuConsume,
  type SfuConsumerInfo,
  type SfuCreateTransport,
  type SfuProduce,
  type SfuNewProducerEvent,
  type SfuProducerEvent,
  type SfuProducerInfo,
  type SfuReportTiles,
  type SfuTransportInfo,
  type ServerEventName,
  type ServerEventPayload,
} from '@parley/protocol';
import { AppError } from '../appError.js';
import type { MediaNodeClient } from '../media/MediaNodeClient.js';
import { spatialLayerForHeight } from '@parley/protocol';
import { meetingRoom } from '../meetings/MeetingNotifier.js';
import type { LocalSfuPeer, LocalSfuPeers } from './LocalSfuPeers.js';
import { SfuCaps } from './SfuCaps.js';
import { SfuCleanup } from './SfuCleanup.js';
import { SfuModeration } from './SfuModeration.js';
import { SfuNodeAccess } from './SfuNodeAccess.js';
import type { SfuServiceDeps } from './SfuServiceDeps.js';
import type { SfuStore, StoredProducer } from './SfuStore.js';

type Ref = { meetingId: string };

const publicProducer = ({ socketId: _socket, nodeId: _node, ...info }: StoredProducer): SfuProducerInfo => info;

/**
 * The SFU signalling of one server instance. Every call first checks that the socket's user is a
 * current participant of the meeting; the peer's transports, producers and consumers are owned
 * by this instance (LocalSfuPeers), the meeting's node and producers are shared (SfuStore).
 */
export class SfuService {
  readonly caps: SfuCaps;
  private readonly cleanup: SfuCleanup;
  /** The media nodes: clients, the meeting's node, RPCs, transport placement (also for PlainRtpService). */
  readonly nodes: SfuNodeAccess;
  private readonly moderation: SfuModeration;

  constructor(private readonly deps: SfuServiceDeps) {
    this.caps = deps.caps ?? new SfuCaps();
    this.nodes = new SfuNodeAccess(deps);
    this.moderation = new SfuModeration(deps, this.nodes, (...args) => this.toRoom(...args));
    this.cleanup = new SfuCleanup(deps, (...args) => this.toRoom(...args));
  }

  // --- requests -------------------------------------------------------------------------------

  async capabilities(socketId: string, { meetingId }: Ref): Promise<{ rtpCapabilities: unknown }> {
    const { client } = await this.peer(socketId, meetingId, true);
    const { rtpCapabilities } = await this.nodes.call(client, 'getRouterRtpCapabilities', { meetingId });
    return { rtpCapabilities };
  }

  async createTransport(socketId: string, { meetingId, direction }: SfuCreateTransport): Promise<SfuTransportInfo> {
    const found = await this.peer(socketId, meetingId, true);
    const { peer } = found;
    const release = this.caps.reserveTransport(peer, direction);
    const { nodeId, client, t } = await (async () => {
      const placed = await this.nodes.transportNode(peer, direction, found.client);
      const created = await this.nodes.call(placed.client, 'createWebRtcTransport', {
        meetingId,
        peerId: peer.peerId,
        direction,
        consumerBudget: this.deps.consumerBudget,
      });
      return { ...placed, t: created };
    })().finally(release);
    await this.requireCurrent(peer, () => client.request('closeTransport', { meetingId, transportId: t.id }));
    peer.transports.set(t.id, { direction, ...(nodeId !== peer.nodeId ? { nodeId } : {}) });
    return {
      transportId: t.id,
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates,
      dtlsParameters: t.dtlsParameters,
      ...(t.sctpParameters ? { sctpParameters: t.sctpParameters } : {}),
    };
  }

  async connectTransport(
    socketId: string,
    { meetingId, transportId, dtlsParameters }: SfuConnectTransport,
  ): Promise<void> {
    const { client } = await this.ownTransport(socketId, meetingId, transportId);
    await this.nodes.call(client, 'connectTransport', { meetingId, transportId, dtlsParameters });
  }

  async restartIce(
    socketId: string,
    { meetingId, transportId }: Ref & { transportId: string },
  ): Promise<{ iceParameters: unknown }> {
    const { client } = await this.ownTransport(socketId, meetingId, transportId);
    return this.nodes.call(client, 'restartIce', { meetingId, transportId });
  }

  async produce(socketId: string, data: SfuProduce): Promise<{ producerId: string }> {
    const { meetingId, transportId, kind, rtpParameters, appData, paused } = data;
    const { peer, client, nodeId } = await this.ownTransport(socketId, meetingId, transportId, 'send', true);
    const meetingProducers = (await this.deps.store.listProducers(meetingId)).length;
    const release = this.caps.reserveProducer(peer, appData.source, meetingProducers);
    const { id } = await this.nodes
      .call(client, 'produce', {
        meetingId,
        transportId,
        kind,
        rtpParameters,
        paused: paused ?? false,
        appData: { source: appData.source, peerId: peer.peerId },
      })
      .finally(release);
    await this.requireCurrent(peer, () => client.request('closeProducer', { meetingId, producerId: id }));
    // One producer per source: a new one (e.g. after the page restarted its transports) replaces
    // the old. One on another node (the meeting is moving: NodeDrain) stays until `sfu:migrated`.
    const replaced = [...peer.producers]
      .filter(([, p]) => p.source === appData.source && (p.nodeId ?? peer.nodeId) === nodeId)
      .map(([producerId]) => producerId);
    const info: SfuProducerInfo = {
      producerId: id,
      peerId: peer.peerId,
      userId: peer.userId,
      kind,
      source: appData.source,
      paused: paused ?? false,
    };
    const onNode = nodeId !== peer.nodeId ? { nodeId } : {};
    this.deps.local.addProducer(peer, id, { kind, source: appData.source, paused: info.paused, ...onNode });
    await this.deps.store.putProducer(meetingId, { ...info, socketId, nodeId });
    this.toRoom(meetingId, socketId, SfuServerEvents.newProducer, { meetingId, ...info } satisfies SfuNewProducerEvent);
    for (const old of replaced) await this.closeProducer(peer, old);
    return { producerId: id };
  }

  async producerAction(
    socketId: string,
    { meetingId, producerId }: Ref & { producerId: string },
    action: 'pause' | 'resume' | 'close',
  ): Promise<void> {
    const { peer, client: primary } = await this.peer(socketId, meetingId);
    const producer = peer.producers.get(producerId);
    if (!producer) throw new AppError('not_found', 'no such producer of yours', 'producerId');
    if (action === 'close') return this.closeProducer(peer, producerId);
    const client = producer.nodeId ? this.nodes.clientOf(producer.nodeId) : primary;
    const paused = action === 'pause';
    await this.nodes.call(client, paused ? 'pauseProducer' : 'resumeProducer', { meetingId, producerId });
    producer.paused = paused;
    await this.deps.pipes.followPause(meetingId, producerId, paused);
    await this.deps.store.setProducerPaused(meetingId, producerId, paused);
    this.toRoom(meetingId, socketId, paused ? SfuServerEvents.producerPaused : SfuServerEvents.producerResumed, {
      meetingId,
      producerId,
      peerId: peer.peerId,
    } satisfies SfuProducerEvent);
  }

  /** Closes one of the peer's producers (on its node); the others are told. */
  private async closeProducer(peer: LocalSfuPeer, producerId: string): Promise<void> {
    const { meetingId } = peer;
    const client = this.nodes.clientOf(peer.producers.get(producerId)?.nodeId ?? peer.nodeId);
    this.deps.local.removeProducer(peer, producerId);
    await this.nodes.call(client, 'closeProducer', { meetingId, producerId });
    await this.deps.store.removeProducer(meetingId, producerId);
    this.toRoom(meetingId, peer.socketId, SfuServerEvents.producerClosed, {
      meetingId,
      producerId,
      peerId: peer.peerId,
    } satisfies SfuProducerEvent);
  }

  /** The host muted `peerId` (`mute_participant`): see SfuModeration. */
  pausePeerMedia(meetingId: string, peerId: string, kind: 'audio' | 'video'): Promise<number> {
    return this.moderation.pausePeerMedia(meetingId, peerId, kind);
  }

  async producers(socketId: string, { meetingId }: Ref): Promise<{ producers: SfuProducerInfo[] }> {
    const { peer } = await this.peer(socketId, meetingId);
    const all = await this.deps.store.listProducers(meetingId);
    return { producers: all.filter((p) => p.peerId !== peer.peerId).map(publicProducer) };
  }

  async consume(
    socketId: string,
    { meetingId, transportId, producerId, rtpCapabilities }: SfuConsume,
  ): Promise<SfuConsumerInfo> {
    const target = await this.ownTransport(socketId, meetingId, transportId, 'recv', true);
    const producer = await this.deps.store.getProducer(meetingId, producerId);
    return this.consumeOn(target, transportId, producerId, producer, rtpCapabilities);
  }

  /**
   * One consumer (created paused) of `producer` on the caller's recv transport, found by
   * ownTransport (`sfu:consume`, and each producer of `sfu:consume_many`, SfuBatches).
   */
  async consumeOn(
    target: { peer: LocalSfuPeer; client: MediaNodeClient; nodeId: string },
    transportId: string,
    producerId: string,
    producer: StoredProducer | null | undefined,
    rtpCapabilities: SfuConsume['rtpCapabilities'],
  ): Promise<SfuConsumerInfo> {
    const { peer, client, nodeId } = target;
    const { meetingId } = peer;
    if (!producer) throw new AppError('not_found', 'no such producer in this meeting', 'producerId');
    if (producer.peerId === peer.peerId)
      throw new AppError('bad_request', 'producerId: cannot consume your own producer', 'producerId');
    const release = this.caps.reserveConsumer(peer, producerId);
    const c = await (async () => {
      const appData = { peerId: producer.peerId, source: producer.source };
      await this.deps.pipes.ensurePiped(meetingId, producerId, producer.nodeId ?? peer.nodeId, nodeId, appData);
      return this.nodes.call(client, 'consume', { meetingId, transportId, producerId, rtpCapabilities, paused: true });
    })().finally(release);
    await this.requireCurrent(peer, () => client.request('closeConsumer', { meetingId, consumerId: c.id }));
    const onNode = nodeId !== peer.nodeId ? { nodeId } : {};
    this.deps.local.addConsumer(peer, c.id, {
      producerId,
      peerId: producer.peerId,
      kind: c.kind,
      hidden: false,
      ...onNode,
    });
    return {
      consumerId: c.id,
      producerId,
      peerId: producer.peerId,
      kind: c.kind,
      source: producer.source,
      rtpParameters: c.rtpParameters,
      type: c.type,
      producerPaused: c.producerPaused,
    };
  }

  async consumerAction(
    socketId: string,
    { meetingId, consumerId }: Ref & { consumerId: string },
    action: 'pause' | 'resume',
  ): Promise<void> {
    const { client } = await this.ownConsumer(socketId, meetingId, consumerId);
    await this.nodes.call(client, action === 'pause' ? 'pauseConsumer' : 'resumeConsumer', { meetingId, consumerId });
  }

  async setPreferredLayers(
    socketId: string,
    data: Ref & { consumerId: string; spatialLayer: number; temporalLayer?: number | undefined },
  ): Promise<void> {
    const { client } = await this.ownConsumer(socketId, data.meetingId, data.consumerId);
    await this.nodes.call(client, 'setPreferredLayers', {
      meetingId: data.meetingId,
      consumerId: data.consumerId,
      spatialLayer: data.spatialLayer,
      ...(data.temporalLayer !== undefined ? { temporalLayer: data.temporalLayer } : {}),
    });
  }

  /**
   * Video consumers of visible tiles are resumed with the layer their height needs; those of
   * hidden tiles are paused. Audio is never paused here. Unknown consumer ids are skipped.
   */
  async reportTiles(socketId: string, { meetingId, tiles }: SfuReportTiles): Promise<{ applied: number }> {
    const { peer, client } = await this.peer(socketId, meetingId);
    let applied = 0;
    await Promise.all(
      tiles.map(async (tile) => {
        const consumer = peer.consumers.get(tile.consumerId);
        if (!consumer || consumer.kind !== 'video') return;
        const on = consumer.nodeId ? this.nodes.clientOf(consumer.nodeId) : client;
        const ref = { meetingId, consumerId: tile.consumerId };
        if (tile.visible) {
          await this.nodes.call(on, 'setPreferredLayers', { ...ref, spatialLayer: spatialLayerForHeight(tile.height) });
          await this.nodes.call(on, 'resumeConsumer', ref);
        } else {
          await this.nodes.call(on, 'pauseConsumer', ref);
        }
        consumer.hidden = !tile.visible;
        applied++;
      }),
    );
    return { applied };
  }

  // --- clean-up (SfuCleanup) ---------------------------------------------------------------------

  /** The peer left or its socket went: what it held is closed, the others are told. */
  peerGone(peerId: string, meetingId?: string): Promise<void> {
    return this.cleanup.peerGone(peerId, meetingId);
  }

  /** Every SFU peer of a socket (it disconnected). */
  socketGone(socketId: string): Promise<void> {
    return this.cleanup.socketGone(socketId);
  }

  /** The meeting ended (or went back to mesh for good): close its routers and forget it. */
  closeMeeting(meetingId: string): Promise<void> {
    return this.cleanup.closeMeeting(meetingId);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /**
   * The caller's SFU peer record (after the participant check) and the meeting's node. Also
   * used by PlainRtpService, like ownTransport and call.
   */
  async peer(
    socketId: string,
    meetingId: string,
    creating = false,
  ): Promise<{ peer: LocalSfuPeer; client: MediaNodeClient }> {
    const peerId = this.deps.meetingPeers.get(socketId, meetingId);
    if (peerId === undefined) throw new AppError('forbidden', 'you are not in this meeting');
    const [[roomPeer], meta, placed] = await Promise.all([
      this.deps.rooms.getPeers(meetingId, [peerId]),
      this.deps.rooms.getMeta(meetingId),
      this.deps.store.getNode(meetingId),
    ]);
    if (!roomPeer || roomPeer.socketId !== socketId || !this.socketConnected(socketId))
      throw new AppError('forbidden', 'you are not in this meeting');
    // A mesh meeting has no SFU media: nothing is created (and no node placed) for it. Its SFU
    // objects of a recent SFU period stay reachable until they are torn down (make-before-break).
    if (meta?.mode === 'mesh' && (creating || !placed)) {
      throw new AppError('forbidden', 'the meeting is in mesh mode (sfu:* requests need SFU mode)');
    }
    const { nodeId, client } = await this.nodes.nodeFor(meetingId);
    const peer = this.deps.local.ensure({ meetingId, peerId, userId: roomPeer.userId, socketId, nodeId });
    return { peer, client };
  }

  async ownTransport(
    socketId: string,
    meetingId: string,
    transportId: string,
    direction?: 'send' | 'recv',
    creating = false,
  ) {
    const found = await this.peer(socketId, meetingId, creating);
    const transport = found.peer.transports.get(transportId);
    if (!transport) throw new AppError('not_found', 'no such transport of yours', 'transportId');
    if (direction && transport.direction !== direction) {
      throw new AppError('bad_request', `transportId: not a ${direction} transport`, 'transportId');
    }
    const nodeId = transport.nodeId ?? found.peer.nodeId;
    return { peer: found.peer, nodeId, client: transport.nodeId ? this.nodes.clientOf(nodeId) : found.client };
  }

  private async ownConsumer(socketId: string, meetingId: string, consumerId: string) {
    const found = await this.peer(socketId, meetingId);
    const consumer = found.peer.consumers.get(consumerId);
    if (!consumer) throw new AppError('not_found', 'no such consumer of yours', 'consumerId');
    return { peer: found.peer, client: consumer.nodeId ? this.nodes.clientOf(consumer.nodeId) : found.client };
  }

  /**
   * After an await: the peer must still be this instance's record of it (it did not leave or
   * disconnect meanwhile, which cleaned up what it held). Otherwise what the request just created
   * on the node is closed (`undo`) and the request fails: nothing outlives the peer.
   */
  async requireCurrent(peer: LocalSfuPeer, undo: () => Promise<unknown>): Promise<void> {
    const current = this.deps.local.get(peer.peerId) === peer;
    if (current && this.socketConnected(peer.socketId)) return;
    await undo().catch(() => undefined);
    // The socket went after its clean-up had run (the record was made after it): clean up now.
    if (current) await this.peerGone(peer.peerId);
    throw new AppError('forbidden', 'you left the meeting');
  }

  private socketConnected(socketId: string): boolean {
    return this.deps.io.sockets.sockets.get(socketId)?.connected === true;
  }

  toRoom<E extends ServerEventName>(
    meetingId: string,
    exceptSocketId: string | null,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    const room = this.deps.io.to(meetingRoom(meetingId));
    (exceptSocketId ? room.except(exceptSocketId) : room).emit(event, payload);
  }

  toSocket<E extends ServerEventName>(socketId: string, event: E, payload: ServerEventPayload<E>): void {
    this.deps.io.to(socketId).emit(event, payload);
  }
}
