import { EventEmitter } from 'node:events';
import type {
  ActiveSpeakerObserver,
  Consumer,
  PipeTransport,
  PlainTransport,
  Producer,
  Router,
  Transport,
} from 'mediasoup/types';
import { MediaError } from './errors.js';

export interface RoomTransport {
  transport: Transport;
  workerIndex: number;
}

export interface RoomProducer {
  producer: Producer;
  workerIndex: number;
}

export interface MeetingRoomEvents {
  producerClosed: [producerId: string];
  /** Closed by the node because its producer went away (not by a request). */
  consumerClosed: [consumerId: string, producerId: string];
  activeSpeaker: [producerId: string];
}

/**
 * One meeting on this node: a router per worker it uses (the first one is `primaryWorker`), and
 * every transport, producer and consumer of it. A producer is piped (pipeToRouter) to another
 * router of the meeting the first time a consumer there needs it. Audio producers feed one
 * ActiveSpeakerObserver on the primary router.
 */
export class MeetingRoom extends EventEmitter<MeetingRoomEvents> {
  readonly routers = new Map<number, Router>();
  readonly transports = new Map<string, RoomTransport>();
  readonly producers = new Map<string, RoomProducer>();
  readonly consumers = new Map<string, { consumer: Consumer; workerIndex: number }>();
  /** Pipe transports to other nodes. */
  readonly pipeTransports = new Map<string, PipeTransport>();
  /** `${producerId}>${workerIndex}` → the pipe in progress or done. */
  private readonly piped = new Map<string, Promise<void>>();
  private speaker: ActiveSpeakerObserver | undefined;
  closed = false;

  constructor(
    readonly meetingId: string,
    readonly primaryWorker: number,
    primary: Router,
  ) {
    super();
    this.routers.set(primaryWorker, primary);
  }

  /** The primary router's worker (kept for the callers of the one-router design). */
  get workerIndex(): number {
    return this.primaryWorker;
  }

  get router(): Router {
    return this.primary;
  }

  get primary(): Router {
    const router = this.routers.get(this.primaryWorker);
    if (!router) throw new MediaError('unavailable', 'the meeting router is being rebuilt');
    return router;
  }

  async startSpeakerObserver(): Promise<void> {
    this.speaker = await this.primary.createActiveSpeakerObserver({ interval: 300 });
    this.speaker.on('dominantspeaker', ({ producer }) => this.emit('activeSpeaker', producer.id));
  }

  addTransport(transport: Transport, workerIndex: number): void {
    this.transports.set(transport.id, { transport, workerIndex });
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  transport(transportId: string): RoomTransport {
    const entry = this.transports.get(transportId);
    if (!entry || entry.transport.closed) throw new MediaError('not_found', 'no such transport in this meeting');
    return entry;
  }

  plainOrPipe<T extends PlainTransport | PipeTransport>(transportId: string, type: 'plain' | 'pipe'): T {
    const { transport } = this.transport(transportId);
    if (transport.type !== type) throw new MediaError('bad_request', `transport is not a ${type} transport`);
    return transport as T;
  }

  producer(producerId: string): Producer {
    const entry = this.producers.get(producerId);
    if (!entry || entry.producer.closed) throw new MediaError('not_found', 'no such producer in this meeting');
    return entry.producer;
  }

  consumer(consumerId: string): Consumer {
    const entry = this.consumers.get(consumerId);
    if (!entry || entry.consumer.closed) throw new MediaError('not_found', 'no such consumer in this meeting');
    return entry.consumer;
  }

  addProducer(producer: Producer, workerIndex: number): void {
    this.producers.set(producer.id, { producer, workerIndex });
    producer.observer.once('close', () => {
      if (this.producers.get(producer.id)?.producer !== producer) return;
      this.producers.delete(producer.id);
      for (const key of [...this.piped.keys()]) if (key.startsWith(`${producer.id}>`)) this.piped.delete(key);
      this.emit('producerClosed', producer.id);
    });
    if (producer.kind === 'audio') void this.observeSpeaker(producer, workerIndex).catch(() => undefined);
  }

  private async observeSpeaker(producer: Producer, workerIndex: number): Promise<void> {
    if (!this.speaker || this.speaker.closed) return;
    if (workerIndex !== this.primaryWorker) await this.pipe(producer.id, this.primaryWorker);
    if (!producer.closed) await this.speaker.addProducer({ producerId: producer.id });
  }

  addConsumer(consumer: Consumer, workerIndex: number): void {
    this.consumers.set(consumer.id, { consumer, workerIndex });
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
    consumer.once('producerclose', () => this.emit('consumerClosed', consumer.id, consumer.producerId));
  }

  /**
   * Makes `producerId` available on the meeting's router of `toWorker` (pipeToRouter; the piped
   * producer keeps the id). Returns false when it was there already.
   */
  async pipe(producerId: string, toWorker: number): Promise<boolean> {
    const origin = this.producers.get(producerId);
    if (!origin) throw new MediaError('not_found', 'no such producer in this meeting');
    if (origin.workerIndex === toWorker) return false;
    const key = `${producerId}>${toWorker}`;
    const existing = this.piped.get(key);
    if (existing) {
      await existing;
      return false;
    }
    const from = this.routers.get(origin.workerIndex);
    const to = this.routers.get(toWorker);
    if (!from || !to) throw new MediaError('not_found', 'the meeting has no router on that worker');
    const pending = from.pipeToRouter({ producerId, router: to }).then(() => undefined);
    this.piped.set(key, pending);
    try {
      await pending;
    } catch (error) {
      this.piped.delete(key);
      throw error;
    }
    return true;
  }

  /** Counts per router, for placement and getStats. */
  routerCounts(): Array<{ workerIndex: number; transports: number; producers: number; consumers: number }> {
    return [...this.routers.keys()].map((workerIndex) => ({
      workerIndex,
      transports: [...this.transports.values()].filter((t) => t.workerIndex === workerIndex).length,
      producers: [...this.producers.values()].filter((p) => p.workerIndex === workerIndex).length,
      consumers: [...this.consumers.values()].filter((c) => c.workerIndex === workerIndex).length,
    }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const router of this.routers.values()) router.close();
    this.routers.clear();
  }
}
