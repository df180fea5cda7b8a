import { EventEmitter } from 'node:events';
import type { MediaNotification, MediaRpcParsedParams, MediaRpcResult } from '@parley/protocol/internal';
import type { Router } from 'mediasoup/types';
import { MEDIA_CODECS } from './codecs.js';
import { MediaError } from './errors.js';
import type { Logger } from './logger.js';
import { LayerRecoveryProbe } from './bwe/LayerRecoveryProbe.js';
import { MeetingRoom } from './MeetingRoom.js';
import { chooseTransportWorker } from './placement/transportWorker.js';
import type { WorkerPool } from './WorkerPool.js';

export { MeetingRoom } from './MeetingRoom.js';

export interface RoutersLostEvent {
  workerIndex: number;
  /** pid of the worker that died. */
  pid: number;
  meetingIds: string[];
}

/** Notifications about meeting objects, forwarded to the servers as they are. */
type RoomNotification = Extract<MediaNotification, { event: 'producerClosed' | 'consumerClosed' | 'activeSpeaker' }>;

export interface MeetingRoutersEvents {
  /** A worker died and took these meetings' routers (and all their transports) with it. */
  routersLost: [RoutersLostEvent];
  /** A lost meeting has a fresh router again. */
  meetingRebuilt: [meetingId: string];
  notification: [RoomNotification];
}

type TransportParams = MediaRpcParsedParams<'createWebRtcTransport'>;

/**
 * The meetings of this node. A meeting starts with one router on the least-loaded worker (its
 * primary router) and gets routers on other workers when recv transports are placed there (see
 * chooseTransportWorker). When a worker dies, every meeting with a router on it is closed as a
 * whole (its transports on other workers too, so clients start again cleanly), reported through
 * `routersLost`, and rebuilt at once on a live worker.
 */
export class MeetingRouters extends EventEmitter<MeetingRoutersEvents> {
  private readonly rooms = new Map<string, MeetingRoom>();
  private readonly creating = new Map<string, Promise<MeetingRoom>>();
  /** Meetings whose router went with a dying worker, until the pool reports the death. */
  private readonly lost = new Map<number, string[]>();
  /** Meetings lost with a worker whose rebuild failed (no live worker yet). */
  private readonly unbuilt = new Set<string>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly logger: Logger,
    /** Bits per second one WebRTC transport may send (0: no cap); simulcast camera + screen fit. */
    private readonly maxIncomingBitrate = 10_000_000,
    /** How often a page's held-down layers ask for a bandwidth probe (ms; 0: never). */
    private readonly layerProbeMs = 2000,
  ) {
    super();
    // mediasoup closes a dead worker's routers ('workerclose', below) before the worker emits
    // 'died', so by now `lost` holds them.
    pool.on('workerDied', ({ index, pid }) => {
      const meetingIds = this.lost.get(index) ?? [];
      this.lost.delete(index);
      if (meetingIds.length) this.logger.warn({ worker: index, meetingIds }, 'meeting routers lost with their worker');
      this.emit('routersLost', { workerIndex: index, pid, meetingIds });
      for (const meetingId of meetingIds) this.rebuild(meetingId);
    });
    // A node with a single worker can only rebuild once the replacement runs.
    pool.on('workerReplaced', () => {
      for (const meetingId of [...this.unbuilt]) this.rebuild(meetingId);
    });
  }

  private rebuild(meetingId: string): void {
    this.unbuilt.delete(meetingId);
    this.ensureRouter(meetingId)
      .then(() => this.emit('meetingRebuilt', meetingId))
      .catch((error: unknown) => {
        this.unbuilt.add(meetingId);
        this.logger.warn(
          { meetingId, err: (error as Error).message },
          'meeting router not rebuilt yet; retrying when a worker is replaced',
        );
      });
  }

  get(meetingId: string): MeetingRoom | undefined {
    return this.rooms.get(meetingId);
  }

  /** The meeting's room, or not_found. */
  require(meetingId: string): MeetingRoom {
    const room = this.rooms.get(meetingId);
    if (!room || room.closed) throw new MediaError('not_found', 'no router for this meeting on this node');
    return room;
  }

  meetingIds(): string[] {
    return [...this.rooms.keys()];
  }

  /** The meeting's room, creating its primary router on the least-loaded worker the first time. */
  async ensureRouter(meetingId: string): Promise<MeetingRoom> {
    const existing = this.rooms.get(meetingId);
    if (existing && !existing.closed) return existing;
    let pending = this.creating.get(meetingId);
    if (!pending) {
      pending = this.createRoom(meetingId).finally(() => this.creating.delete(meetingId));
      this.creating.set(meetingId, pending);
    }
    return pending;
  }

  private async createRoom(meetingId: string): Promise<MeetingRoom> {
    let slot;
    try {
      slot = this.pool.leastLoaded();
    } catch {
      throw new MediaError('unavailable', 'no mediasoup worker is running on this node');
    }
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { meetingId } });
    const room = new MeetingRoom(meetingId, slot.index, router);
    this.watchRouter(room, slot.index, router);
    room.on('producerClosed', (producerId) =>
      this.emit('notification', { event: 'producerClosed', data: { meetingId, producerId } }),
    );
    room.on('consumerClosed', (consumerId, producerId) =>
      this.emit('notification', { event: 'consumerClosed', data: { meetingId, consumerId, producerId } }),
    );
    room.on('activeSpeaker', (producerId) =>
      this.emit('notification', { event: 'activeSpeaker', data: { meetingId, producerId } }),
    );
    await room.startSpeakerObserver();
    this.rooms.set(meetingId, room);
    this.logger.info({ meetingId, worker: slot.index, routerId: router.id }, 'meeting router created');
    return room;
  }

  private watchRouter(room: MeetingRoom, workerIndex: number, router: Router): void {
    router.on('workerclose', () => {
      if (this.rooms.get(room.meetingId) !== room) return;
      this.rooms.delete(room.meetingId);
      room.close();
      this.lost.set(workerIndex, [...(this.lost.get(workerIndex) ?? []), room.meetingId]);
    });
  }

  /** The meeting's router on `workerIndex`, created on that worker when missing. */
  async routerOn(room: MeetingRoom, workerIndex: number): Promise<Router> {
    const existing = room.routers.get(workerIndex);
    if (existing && !existing.closed) return existing;
    const slot = this.pool.get(workerIndex);
    if (!slot) throw new MediaError('unavailable', `worker ${workerIndex} is not running`);
    const router = await slot.worker.createRouter({
      mediaCodecs: MEDIA_CODECS,
      appData: { meetingId: room.meetingId },
    });
    if (room.closed) {
      router.close();
      throw new MediaError('unavailable', 'the meeting router is being rebuilt');
    }
    room.routers.set(workerIndex, router);
    this.watchRouter(room, workerIndex, router);
    this.logger.info({ meetingId: room.meetingId, worker: workerIndex }, 'meeting router added on another worker');
    return router;
  }

  /** The worker of the meeting's router a new transport goes on (chooseTransportWorker). */
  transportWorker(
    room: MeetingRoom,
    direction: 'send' | 'recv' | undefined,
    consumerBudget: number | undefined,
  ): number {
    return chooseTransportWorker({
      direction,
      consumerBudget,
      primaryWorker: room.primaryWorker,
      routers: room.routerCounts(),
      workers: this.pool.loads(),
    });
  }

  async createWebRtcTransport(params: TransportParams): Promise<MediaRpcResult<'createWebRtcTransport'>> {
    const room = await this.ensureRouter(params.meetingId);
    const workerIndex = this.transportWorker(room, params.direction, params.consumerBudget);
    const router = await this.routerOn(room, workerIndex);
    const slot = this.pool.get(workerIndex);
    if (!slot || router.closed) throw new MediaError('unavailable', 'the meeting router is being rebuilt');
    const transport = await router.createWebRtcTransport({
      webRtcServer: slot.webRtcServer,
      enableUdp: params.enableUdp ?? true,
      enableTcp: params.enableTcp ?? true,
      preferUdp: params.preferUdp ?? true,
      preferTcp: params.preferTcp ?? false,
      enableSctp: params.enableSctp ?? false,
      ...(params.initialAvailableOutgoingBitrate
        ? { initialAvailableOutgoingBitrate: params.initialAvailableOutgoingBitrate }
        : {}),
      appData: { meetingId: params.meetingId, peerId: params.peerId, direction: params.direction },
    });
    if (this.maxIncomingBitrate > 0) await transport.setMaxIncomingBitrate(this.maxIncomingBitrate);
    if (params.direction === 'recv' && this.layerProbeMs > 0) {
      await new LayerRecoveryProbe(transport, this.layerProbeMs).start();
    }
    room.addTransport(transport, workerIndex);
    return {
      id: transport.id,
      workerIndex,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
    };
  }

  /** Closes the meeting's routers (and with them every transport). False if there were none. */
  closeRouter(meetingId: string): boolean {
    this.unbuilt.delete(meetingId);
    const room = this.rooms.get(meetingId);
    if (!room) return false;
    this.rooms.delete(meetingId);
    room.close();
    this.logger.info({ meetingId, worker: room.primaryWorker }, 'meeting router closed');
    return true;
  }

  closeAll(): void {
    for (const meetingId of [...this.rooms.keys()]) this.closeRouter(meetingId);
  }
}
