import {
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
import { spatialLayerForHeight } from '@parley/protocol';
import type { LocalSfuPeer, LocalSfuPeers, LocalTransport } from './LocalSfuPeers.js';
import type { ConsumerRef } from './media/ConsumerRef.js';
import type { MediaNodeRef } from './media/MediaNodeRef.js';
import { TransportRef } from './media/TransportRef.js';
import type { MeetingPlacement } from './placement/MeetingPlacement.js';
import { SfuCaps } from './SfuCaps.js';
import { SfuCleanup } from './SfuCleanup.js';
import { SfuModeration } from './SfuModeration.js';
import type { SfuServiceDeps } from './SfuServiceDeps.js';
import type { StoredProducer } from './SfuStore.js';

type Ref = { meetingId: string };

/** A transport of the caller's (ownTransport): the peer, and the transport (its ref bound to its node). */
export interface OwnTransport {
  peer: LocalSfuPeer;
  transport: LocalTransport;
}

/** What others are told of a producer (its socket and node stay on the server). */
const publicProducer = ({ producerId, peerId, userId, kind, source, paused }: StoredProducer): SfuProducerInfo => ({
  producerId,
  peerId,
  userId,
  kind,
  source,
  paused,
});

/**
 * The SFU signalling of one server instance. Every call first checks that the socket's user is a
 * current participant of the meeting (MeetingMembership); the peer's transports, producers and
 * consumers are owned by this instance (LocalSfuPeers), the meeting's node is decided once and
 * kept (MeetingPlacement), its producers are shared (SfuStore). Clients are told through
 * SfuNotifications; media node calls go through MediaNodeRef (one error mapping).
 */
export class SfuService {
  readonly caps: SfuCaps;
  private readonly cleanup: SfuCleanup;
  /** Where meetings and transports go, and the media nodes by id (also for PlainRtpService, SfuBatches). */
  readonly placement: MeetingPlacement;
  private readonly moderation: SfuModeration;
  /** This instance's SFU peers (PlainRtpService records its transports there). */
  readonly local: LocalSfuPeers;

  /** SFU_CONSUMER_BUDGET: consumers per meeting router before recv transports go to another worker. */
  get consumerBudget(): number {
    return this.deps.consumerBudget;
  }

  constructor(private readonly deps: SfuServiceDeps) {
    this.caps = deps.caps ?? new SfuCaps();
    this.placement = deps.placement;
    this.local = deps.local;
    this.moderation = new SfuModeration(deps);
    this.cleanup = new SfuCleanup(deps);
  }

  // --- requests -------------------------------------------------------------------------------

  async capabilities(socketId: string, { meetingId }: Ref): Promise<{ rtpCapabilities: unknown }> {
    const { node } = await this.peer(socketId, meetingId, true, true);
    return this.capabilitiesOn(node, meetingId);
  }

  /** The capabilities of the meeting's router on `node` (also the join ack: joinSfuInfo). */
  async capabilitiesOn(node: MediaNodeRef, meetingId: string): Promise<{ rtpCapabilities: unknown }> {
    const { rtpCapabilities } = await node.call('getRouterRtpCapabilities', { meetingId });
    return { rtpCapabilities };
  }

  async createTransport(socketId: string, { meetingId, direction }: SfuCreateTransport): Promise<SfuTransportInfo> {
    const { peer } = await this.peer(socketId, meetingId, true, true);
    return this.createTransportOf(peer, direction);
  }

  /** A new transport of `peer`, found by `peer(…, creating, entering)` (also the join ack: joinSfuInfo). */
  async createTransportOf(peer: LocalSfuPeer, direction: 'send' | 'recv'): Promise<SfuTransportInfo> {
    const { meetingId } = peer;
    const release = this.caps.reserveTransport(peer, direction);
    const { node, t } = await (async () => {
      const placed = await this.placement.transportNode(peer, direction);
      const created = await placed.call('createWebRtcTransport', {
        meetingId,
        peerId: peer.peerId,
        direction,
        consumerBudget: this.deps.consumerBudget,
      });
      return { node: placed, t: created };
    })().finally(release);
    const ref = new TransportRef(meetingId, t.id, node);
    await this.requireCurrent(peer, () => ref.close());
    this.deps.local.addTransport(peer, { direction, ref });
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
    const { transport } = await this.ownTransport(socketId, meetingId, transportId);
    await transport.ref.connect({ dtlsParameters });
  }

  async restartIce(
    socketId: string,
    { meetingId, transportId }: Ref & { transportId: string },
  ): Promise<{ iceParameters: unknown }> {
    const { transport } = await this.ownTransport(socketId, meetingId, transportId);
    return transport.ref.restartIce();
  }

  async produce(socketId: string, data: SfuProduce): Promise<{ producerId: string }> {
    const { meetingId, transportId, kind, rtpParameters, appData, paused } = data;
    const { peer, transport } = await this.ownTransport(socketId, meetingId, transportId, 'send', true);
    const nodeId = transport.ref.node.id;
    const meetingProducers = (await this.deps.store.listProducers(meetingId)).length;
    const release = this.caps.reserveProducer(peer, appData.source, meetingProducers);
    const ref = await transport.ref
      .produce({
        kind,
        rtpParameters,
        paused: paused ?? false,
        appData: { source: appData.source, peerId: peer.peerId },
      })
      .finally(release);
    const { id } = ref;
    await this.requireCurrent(peer, () => ref.node.tryCall('closeProducer', { meetingId, producerId: id }));
    // One producer per source: a new one (e.g. after the page restarted its transports) replaces
    // the old. One on another node (the meeting is moving: NodeDrain) stays until `sfu:migrated`.
    const replaced = [...peer.producers]
      .filter(([, p]) => p.source === appData.source && p.ref.node.id === nodeId)
      .map(([producerId]) => producerId);
    const info: SfuProducerInfo = {
      producerId: id,
      peerId: peer.peerId,
      userId: peer.userId,
      kind,
      source: appData.source,
      paused: paused ?? false,
    };
    this.deps.local.addProducer(peer, { kind, source: appData.source, paused: info.paused, ref });
    await this.deps.store.putProducer(meetingId, { ...info, socketId, nodeId });
    this.deps.notify.newProducer({ meetingId, ...info } satisfies SfuNewProducerEvent, socketId);
    for (const old of replaced) await this.closeProducer(peer, old);
    return { producerId: id };
  }

  async producerAction(
    socketId: string,
    { meetingId, producerId }: Ref & { producerId: string },
    action: 'pause' | 'resume' | 'close',
  ): Promise<void> {
    const { peer } = await this.peer(socketId, meetingId);
    const producer = peer.producers.get(producerId);
    if (!producer) throw new AppError('not_found', 'no such producer of yours', 'producerId');
    if (action === 'close') return this.closeProducer(peer, producerId);
    const paused = action === 'pause';
    await producer.ref.setPaused(paused);
    producer.paused = paused;
    await this.deps.pipes.followPause(meetingId, producerId, paused);
    await this.deps.store.setProducerPaused(meetingId, producerId, paused);
    const event = { meetingId, producerId, peerId: peer.peerId } satisfies SfuProducerEvent;
    this.deps.notify.producerPaused(event, paused, socketId);
  }

  /** Closes one of the peer's producers (on its node); the others are told. */
  private async closeProducer(peer: LocalSfuPeer, producerId: string): Promise<void> {
    const { meetingId } = peer;
    const producer = peer.producers.get(producerId);
    if (!producer) return;
    if (!producer.ref.node.reachable) throw new AppError('unavailable', 'a media node of the meeting is not reachable');
    // Forgotten here at once (its `close`), then closed on its node.
    await producer.ref.close();
    await this.deps.store.removeProducer(meetingId, producerId);
    this.deps.notify.producerClosed({ meetingId, producerId, peerId: peer.peerId }, peer.socketId);
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
    return this.consumeOn(target, producerId, producer, rtpCapabilities);
  }

  /**
   * One consumer (created paused) of `producer` on the caller's recv transport, found by
   * ownTransport (`sfu:consume`, and each producer of `sfu:consume_many`, SfuBatches).
   */
  async consumeOn(
    target: OwnTransport,
    producerId: string,
    producer: StoredProducer | null | undefined,
    rtpCapabilities: SfuConsume['rtpCapabilities'],
  ): Promise<SfuConsumerInfo> {
    const { peer, transport } = target;
    const nodeId = transport.ref.node.id;
    const { meetingId } = peer;
    if (!producer) throw new AppError('not_found', 'no such producer in this meeting', 'producerId');
    if (producer.peerId === peer.peerId)
      throw new AppError('bad_request', 'producerId: cannot consume your own producer', 'producerId');
    const release = this.caps.reserveConsumer(peer, producerId);
    const { consumer, created: c } = await (async () => {
      const appData = { peerId: producer.peerId, source: producer.source };
      await this.deps.pipes.ensurePiped(meetingId, producerId, producer.nodeId ?? peer.nodeId, nodeId, appData);
      return transport.ref.consume({ producerId, rtpCapabilities, paused: true });
    })().finally(release);
    await this.requireCurrent(peer, () => consumer.node.tryCall('closeConsumer', { meetingId, consumerId: c.id }));
    this.deps.local.addConsumer(peer, {
      producerId,
      peerId: producer.peerId,
      kind: c.kind,
      hidden: false,
      ref: consumer,
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
    const consumer = await this.ownConsumer(socketId, meetingId, consumerId);
    await (action === 'pause' ? consumer.pause() : consumer.resume());
  }

  async setPreferredLayers(
    socketId: string,
    data: Ref & { consumerId: string; spatialLayer: number; temporalLayer?: number | undefined },
  ): Promise<void> {
    const consumer = await this.ownConsumer(socketId, data.meetingId, data.consumerId);
    await consumer.setPreferredLayers(data.spatialLayer, data.temporalLayer);
  }

  /**
   * Video consumers of visible tiles are resumed with the layer their height needs; those of
   * hidden tiles are paused. Audio is never paused here. Unknown consumer ids are skipped.
   */
  async reportTiles(socketId: string, { meetingId, tiles }: SfuReportTiles): Promise<{ applied: number }> {
    const { peer } = await this.peer(socketId, meetingId);
    let applied = 0;
    await Promise.all(
      tiles.map(async (tile) => {
        const consumer = peer.consumers.get(tile.consumerId);
        if (!consumer || consumer.kind !== 'video') return;
        const { ref } = consumer;
        if (tile.visible) {
          await ref.setPreferredLayers(spatialLayerForHeight(tile.height));
          await ref.resume();
        } else {
          await ref.pause();
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
   * The caller's SFU peer record (after the participant check) and the meeting's node. The node
   * is the one MeetingPlacement keeps for the meeting: the shared placement is read only when the
   * meeting enters the SFU here (`entering`: capabilities, a new transport; or a peer new to this
   * instance), when its node is unreachable or draining, and in mesh mode. Also used by
   * PlainRtpService, SfuBatches and NodeDrain.
   */
  async peer(
    socketId: string,
    meetingId: string,
    creating = false,
    entering = false,
  ): Promise<{ peer: LocalSfuPeer; node: MediaNodeRef }> {
    const member = await this.deps.membership.memberOf(socketId, meetingId);
    if (!member || !this.socketConnected(socketId)) throw new AppError('forbidden', 'you are not in this meeting');
    // A mesh meeting has no SFU media: nothing is created (and no node placed) for it. Its SFU
    // objects of a recent SFU period stay reachable until they are torn down (make-before-break).
    if (member.mode === 'mesh' && (creating || !(await this.placement.isPlaced(meetingId)))) {
      throw new AppError('forbidden', 'the meeting is in mesh mode (sfu:* requests need SFU mode)');
    }
    const known = this.deps.local.get(member.peerId)?.socketId === socketId;
    const media = await this.placement.media(meetingId, entering || !known);
    const peer = this.deps.local.ensure({
      meetingId,
      peerId: member.peerId,
      userId: member.userId,
      socketId,
      nodeId: media.primary.id,
    });
    return { peer, node: media.primary };
  }

  async ownTransport(
    socketId: string,
    meetingId: string,
    transportId: string,
    direction?: 'send' | 'recv',
    creating = false,
  ): Promise<OwnTransport> {
    const found = await this.peer(socketId, meetingId, creating);
    const transport = found.peer.transports.get(transportId);
    if (!transport) throw new AppError('not_found', 'no such transport of yours', 'transportId');
    if (direction && transport.direction !== direction) {
      throw new AppError('bad_request', `transportId: not a ${direction} transport`, 'transportId');
    }
    return { peer: found.peer, transport };
  }

  private async ownConsumer(socketId: string, meetingId: string, consumerId: string): Promise<ConsumerRef> {
    const found = await this.peer(socketId, meetingId);
    const consumer = found.peer.consumers.get(consumerId);
    if (!consumer) throw new AppError('not_found', 'no such consumer of yours', 'consumerId');
    return consumer.ref;
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
}
