import {
  SfuServerEvents,
  type MediaRpcMethod,
  type MediaRpcParams,
  type MediaRpcResult,
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
} from '@parley/protocol';
import { AppError } from '../appError.js';
import type { Logger } from '../logger.js';
import type { MediaCluster } from '../media/MediaCluster.js';
import { MediaRpcError, type MediaNodeClient } from '../media/MediaNodeClient.js';
import { leastLoadedNode } from '../media/placement/leastLoadedNode.js';
import { spatialLayerForHeight } from '../media/placement/tileLayer.js';
import type { LocalPeers } from '../meetings/LocalPeers.js';
import { meetingRoom } from '../meetings/MeetingNotifier.js';
import type { RoomStore } from '../meetings/RoomStore.js';
import type { ParleyServer } from '../realtime/types.js';
import { nodesOfPeer, type LocalSfuPeer, type LocalSfuPeers } from './LocalSfuPeers.js';
import type { NodePipes } from './NodePipes.js';
import type { SfuStore, StoredProducer } from './SfuStore.js';

export interface SfuServiceDeps {
  media: MediaCluster;
  store: SfuStore;
  local: LocalSfuPeers;
  /** The meetings domain's view of this instance's sockets and of the room. */
  meetingPeers: LocalPeers;
  rooms: RoomStore;
  io: ParleyServer;
  logger: Logger;
  /** SFU_CONSUMER_BUDGET. */
  consumerBudget: number;
  /** The meeting across media nodes (recv transport placement, pipes). */
  pipes: NodePipes;
}

type Ref = { meetingId: string };

const publicProducer = ({ socketId: _socket, nodeId: _node, ...info }: StoredProducer): SfuProducerInfo => info;

/**
 * The SFU signalling of one server instance. Every call first checks that the socket's user is a
 * current participant of the meeting; the peer's transports, producers and consumers are owned
 * by this instance (LocalSfuPeers), the meeting's node and producers are shared (SfuStore).
 */
export class SfuService {
  constructor(private readonly deps: SfuServiceDeps) {}

  // --- requests -------------------------------------------------------------------------------

  async capabilities(socketId: string, { meetingId }: Ref): Promise<{ rtpCapabilities: unknown }> {
    const { client } = await this.peer(socketId, meetingId);
    const { rtpCapabilities } = await this.call(client, 'getRouterRtpCapabilities', { meetingId });
    return { rtpCapabilities };
  }

  async createTransport(socketId: string, { meetingId, direction }: SfuCreateTransport): Promise<SfuTransportInfo> {
    const found = await this.peer(socketId, meetingId);
    const { peer } = found;
    const { nodeId, client } = await this.transportNode(peer, direction, found.client);
    const t = await this.call(client, 'createWebRtcTransport', {
      meetingId,
      peerId: peer.peerId,
      direction,
      consumerBudget: this.deps.consumerBudget,
    });
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
    await this.call(client, 'connectTransport', { meetingId, transportId, dtlsParameters });
  }

  async restartIce(
    socketId: string,
    { meetingId, transportId }: Ref & { transportId: string },
  ): Promise<{ iceParameters: unknown }> {
    const { client } = await this.ownTransport(socketId, meetingId, transportId);
    return this.call(client, 'restartIce', { meetingId, transportId });
  }

  async produce(socketId: string, data: SfuProduce): Promise<{ producerId: string }> {
    const { meetingId, transportId, kind, rtpParameters, appData, paused } = data;
    const { peer, client } = await this.ownTransport(socketId, meetingId, transportId, 'send');
    const { id } = await this.call(client, 'produce', {
      meetingId,
      transportId,
      kind,
      rtpParameters,
      paused: paused ?? false,
      appData: { source: appData.source, peerId: peer.peerId },
    });
    const info: SfuProducerInfo = {
      producerId: id,
      peerId: peer.peerId,
      userId: peer.userId,
      kind,
      source: appData.source,
      paused: paused ?? false,
    };
    this.deps.local.addProducer(peer, id, { kind, source: appData.source, paused: info.paused });
    await this.deps.store.putProducer(meetingId, { ...info, socketId, nodeId: peer.nodeId });
    this.toRoom(meetingId, socketId, SfuServerEvents.newProducer, { meetingId, ...info } satisfies SfuNewProducerEvent);
    return { producerId: id };
  }

  async producerAction(
    socketId: string,
    { meetingId, producerId }: Ref & { producerId: string },
    action: 'pause' | 'resume' | 'close',
  ): Promise<void> {
    const { peer, client } = await this.peer(socketId, meetingId);
    const producer = peer.producers.get(producerId);
    if (!producer) throw new AppError('not_found', 'no such producer of yours', 'producerId');
    if (action === 'close') {
      this.deps.local.removeProducer(peer, producerId);
      await this.call(client, 'closeProducer', { meetingId, producerId });
      await this.deps.store.removeProducer(meetingId, producerId);
      this.toRoom(meetingId, socketId, SfuServerEvents.producerClosed, {
        meetingId,
        producerId,
        peerId: peer.peerId,
      } satisfies SfuProducerEvent);
      return;
    }
    const paused = action === 'pause';
    await this.call(client, paused ? 'pauseProducer' : 'resumeProducer', { meetingId, producerId });
    producer.paused = paused;
    await this.deps.pipes.followPause(meetingId, producerId, paused);
    await this.deps.store.setProducerPaused(meetingId, producerId, paused);
    this.toRoom(meetingId, socketId, paused ? SfuServerEvents.producerPaused : SfuServerEvents.producerResumed, {
      meetingId,
      producerId,
      peerId: peer.peerId,
    } satisfies SfuProducerEvent);
  }

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
      await this.call(this.clientOf(node), 'pauseProducer', { meetingId, producerId: producer.producerId });
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

  async producers(socketId: string, { meetingId }: Ref): Promise<{ producers: SfuProducerInfo[] }> {
    const { peer } = await this.peer(socketId, meetingId);
    const all = await this.deps.store.listProducers(meetingId);
    return { producers: all.filter((p) => p.peerId !== peer.peerId).map(publicProducer) };
  }

  async consume(
    socketId: string,
    { meetingId, transportId, producerId, rtpCapabilities }: SfuConsume,
  ): Promise<SfuConsumerInfo> {
    const { peer, client, nodeId } = await this.ownTransport(socketId, meetingId, transportId, 'recv');
    const producer = await this.deps.store.getProducer(meetingId, producerId);
    if (!producer) throw new AppError('not_found', 'no such producer in this meeting', 'producerId');
    if (producer.peerId === peer.peerId)
      throw new AppError('bad_request', 'producerId: cannot consume your own producer', 'producerId');
    const appData = { peerId: producer.peerId, source: producer.source };
    await this.deps.pipes.ensurePiped(meetingId, producerId, producer.nodeId ?? peer.nodeId, nodeId, appData);
    const c = await this.call(client, 'consume', { meetingId, transportId, producerId, rtpCapabilities, paused: true });
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
    await this.call(client, action === 'pause' ? 'pauseConsumer' : 'resumeConsumer', { meetingId, consumerId });
  }

  async setPreferredLayers(
    socketId: string,
    data: Ref & { consumerId: string; spatialLayer: number; temporalLayer?: number | undefined },
  ): Promise<void> {
    const { client } = await this.ownConsumer(socketId, data.meetingId, data.consumerId);
    await this.call(client, 'setPreferredLayers', {
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
        const on = consumer.nodeId ? this.clientOf(consumer.nodeId) : client;
        const ref = { meetingId, consumerId: tile.consumerId };
        if (tile.visible) {
          await this.call(on, 'setPreferredLayers', { ...ref, spatialLayer: spatialLayerForHeight(tile.height) });
          await this.call(on, 'resumeConsumer', ref);
        } else {
          await this.call(on, 'pauseConsumer', ref);
        }
        consumer.hidden = !tile.visible;
        applied++;
      }),
    );
    return { applied };
  }

  // --- clean-up ---------------------------------------------------------------------------------

  /**
   * The peer left or its socket went: its producers go (others are told) and its transports
   * close. A peer this instance does not hold (its instance died, or it was replaced by a join
   * elsewhere) is cleaned up from the shared producer list and on the node by peer id.
   */
  async peerGone(peerId: string, meetingId?: string): Promise<void> {
    const peer = this.deps.local.get(peerId);
    if (!peer) {
      if (meetingId) await this.remotePeerGone(meetingId, peerId);
      return;
    }
    const producerIds = [...peer.producers.keys()];
    const plain = [...peer.transports].filter(([, t]) => t.plain);
    const nodes = nodesOfPeer(peer);
    this.deps.local.delete(peerId);
    for (const producerId of producerIds) {
      await this.deps.store.removeProducer(peer.meetingId, producerId).catch(() => undefined);
      this.toRoom(peer.meetingId, peer.socketId, SfuServerEvents.producerClosed, {
        meetingId: peer.meetingId,
        producerId,
        peerId,
      } satisfies SfuProducerEvent);
    }
    for (const nodeId of nodes) {
      const client = this.deps.media.client(nodeId);
      if (!client?.connected) continue;
      await client.request('closePeer', { meetingId: peer.meetingId, peerId }).catch(() => undefined);
      for (const [transportId, t] of plain) {
        if ((t.nodeId ?? peer.nodeId) === nodeId)
          await client.request('closeTransport', { meetingId: peer.meetingId, transportId }).catch(() => undefined);
      }
    }
  }

  private async remotePeerGone(meetingId: string, peerId: string): Promise<void> {
    const stale = (await this.deps.store.listProducers(meetingId)).filter((p) => p.peerId === peerId);
    for (const p of stale) {
      await this.deps.store.removeProducer(meetingId, p.producerId);
      this.toRoom(meetingId, null, SfuServerEvents.producerClosed, {
        meetingId,
        producerId: p.producerId,
        peerId,
      } satisfies SfuProducerEvent);
    }
    const nodes = new Set([await this.deps.store.getNode(meetingId), ...(await this.deps.pipes.nodes(meetingId))]);
    for (const nodeId of nodes) {
      const client = nodeId ? this.deps.media.client(nodeId) : undefined;
      if (client?.connected) await client.request('closePeer', { meetingId, peerId }).catch(() => undefined);
    }
  }

  /** Every SFU peer of a socket (it disconnected). */
  async socketGone(socketId: string): Promise<void> {
    for (const peer of this.deps.local.ofSocket(socketId)) await this.peerGone(peer.peerId);
  }

  /** The meeting ended (or went back to mesh for good): close its routers and forget it. */
  async closeMeeting(meetingId: string): Promise<void> {
    for (const peer of this.deps.local.ofMeeting(meetingId)) this.deps.local.delete(peer.peerId);
    const nodeId = await this.deps.store.getNode(meetingId);
    await this.deps.store.clearMeeting(meetingId);
    const client = nodeId ? this.deps.media.client(nodeId) : undefined;
    if (client?.connected) await client.request('closeRouter', { meetingId }).catch(() => undefined);
    await this.deps.pipes.closeMeeting(meetingId, nodeId);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /**
   * The caller's SFU peer record (after the participant check) and the meeting's node. Also
   * used by PlainRtpService, like ownTransport and call.
   */
  async peer(socketId: string, meetingId: string): Promise<{ peer: LocalSfuPeer; client: MediaNodeClient }> {
    const peerId = this.deps.meetingPeers.get(socketId, meetingId);
    if (peerId === undefined) throw new AppError('forbidden', 'you are not in this meeting');
    const [roomPeer] = await this.deps.rooms.getPeers(meetingId, [peerId]);
    if (!roomPeer || roomPeer.socketId !== socketId) throw new AppError('forbidden', 'you are not in this meeting');
    const { nodeId, client } = await this.nodeFor(meetingId);
    const peer = this.deps.local.ensure({ meetingId, peerId, userId: roomPeer.userId, socketId, nodeId });
    return { peer, client };
  }

  async ownTransport(socketId: string, meetingId: string, transportId: string, direction?: 'send' | 'recv') {
    const found = await this.peer(socketId, meetingId);
    const transport = found.peer.transports.get(transportId);
    if (!transport) throw new AppError('not_found', 'no such transport of yours', 'transportId');
    if (direction && transport.direction !== direction) {
      throw new AppError('bad_request', `transportId: not a ${direction} transport`, 'transportId');
    }
    const nodeId = transport.nodeId ?? found.peer.nodeId;
    return { peer: found.peer, nodeId, client: transport.nodeId ? this.clientOf(nodeId) : found.client };
  }

  private async ownConsumer(socketId: string, meetingId: string, consumerId: string) {
    const found = await this.peer(socketId, meetingId);
    const consumer = found.peer.consumers.get(consumerId);
    if (!consumer) throw new AppError('not_found', 'no such consumer of yours', 'consumerId');
    return { peer: found.peer, client: consumer.nodeId ? this.clientOf(consumer.nodeId) : found.client };
  }

  /**
   * Where a new transport of the peer goes: a send one on the meeting's primary node, a recv one
   * where NodePipes places it (another node once the primary is full). Also used by PlainRtpService.
   */
  async transportNode(
    peer: LocalSfuPeer,
    direction: 'send' | 'recv',
    primary: MediaNodeClient,
  ): Promise<{ nodeId: string; client: MediaNodeClient }> {
    if (direction === 'send') return { nodeId: peer.nodeId, client: primary };
    const nodeId = await this.deps.pipes.recvNode(peer.meetingId, peer.nodeId);
    return { nodeId, client: nodeId === peer.nodeId ? primary : this.clientOf(nodeId) };
  }

  private clientOf(nodeId: string): MediaNodeClient {
    const client = this.deps.media.client(nodeId);
    if (!client?.connected) throw new AppError('unavailable', 'a media node of the meeting is not reachable');
    return client;
  }

  /** The meeting's media node; a meeting not yet placed (or whose node is gone) is placed now. */
  private async nodeFor(meetingId: string): Promise<{ nodeId: string; client: MediaNodeClient }> {
    const { store, media } = this.deps;
    const current = await store.getNode(meetingId);
    if (current) {
      const client = media.client(current);
      if (client?.connected) return { nodeId: current, client };
    }
    const best = leastLoadedNode(media.nodes());
    if (!best) throw new AppError('unavailable', 'no media node is available');
    const nodeId = await store.placeNode(meetingId, best.id, current ?? undefined);
    const client = media.client(nodeId);
    if (!client?.connected) throw new AppError('unavailable', 'the meeting media node is not reachable');
    if (nodeId !== current) await this.deps.pipes.addNode(meetingId, nodeId);
    if (nodeId === best.id && nodeId !== current) this.deps.logger.info({ meetingId, nodeId }, 'sfu meeting placed');
    return { nodeId, client };
  }

  /** One RPC; node errors keep their code (a node's not_found or bad_request reaches the client). */
  async call<M extends MediaRpcMethod>(
    client: MediaNodeClient,
    method: M,
    params: MediaRpcParams<M>,
  ): Promise<MediaRpcResult<M>> {
    try {
      return await client.request(method, params);
    } catch (error) {
      if (error instanceof MediaRpcError) {
        const code = error.code === 'internal' ? 'unavailable' : error.code;
        throw new AppError(code, error.message);
      }
      throw error;
    }
  }

  toRoom(meetingId: string, exceptSocketId: string | null, event: string, payload: object): void {
    const room = this.deps.io.to(meetingRoom(meetingId));
    (exceptSocketId ? room.except(exceptSocketId) : room).emit(event, payload);
  }

  toSocket(socketId: string, event: string, payload: object): void {
    this.deps.io.to(socketId).emit(event, payload);
  }
}
