import {
  MediaSourceSchema,
  SfuServerEvents,
  type JoinSfuInfo,
  type Participant,
  type SfuConsumerInfo,
} from '@parley/protocol';
import type { types } from 'mediasoup-client';
import { createSignal } from 'solid-js';
import { markJoin } from '../call/debugHooks.js';
import { meetingLog } from '../meetingLog.js';
import type { MeetingSession, PeerStats, RemoteMedia, SessionContext, TileReport } from '../session/MeetingSession.js';
import { newDevice, startReceiving } from './deviceWarmUp.js';
import { SfuFeeds } from './SfuFeeds.js';
import { SfuPublisher } from './SfuPublisher.js';
import { SfuSignal, type RemoteProducer } from './sfuSignal.js';
import { TileReporter } from './TileReporter.js';

export { warmUpDevice } from './deviceWarmUp.js';

/** How long a transport may stay 'disconnected' before this page restarts ICE. */
const DISCONNECTED_GRACE_MS = 2000;
/**
 * Wait before trying the whole flow again after it failed (no media node, worker gone...).
 * Short at first: after a worker death the replacement router is usually up within a second.
 */
const RETRY_MS = [200, 300, 500, 1000, 2000, 4000];
/** Numbers the sessions of this page in the debug lines (two run side by side during a move). */
let sessionCount = 0;

interface Run {
  id: number;
  device: types.Device;
  send: types.Transport;
  recv: types.Transport;
  publisher: SfuPublisher;
  stopPublishing: () => void;
}

/**
 * SFU mode (mediasoup-client), following the flow in protocol/src/schemas/sfu.ts: load the
 * Device with the router's capabilities, one send and one receive transport, produce mic,
 * camera (simulcast) and screen, consume every other participant's producers (created paused
 * on the server, resumed here once the consumer exists), and start all over on
 * `sfu:transports_reset`. A transport that fails restarts ICE.
 */
export class SfuSession implements MeetingSession {
  readonly mode = 'sfu' as const;
  private readonly signal: SfuSignal;
  private readonly log = meetingLog.child(`sfu ${++sessionCount}`);
  private readonly feeds = new SfuFeeds((message) => this.log.debug(message));
  private readonly speaker = createSignal<string | null>(null);
  private readonly tiles: TileReporter;
  private readonly stopListening: (() => void)[];
  /** Producers being consumed right now (no second consume for the same producer). */
  private readonly consuming = new Set<string>();
  private readonly gone = new Set<string>();
  private run: Run | null = null;
  private runId = 0;
  private ready: Promise<Run | null> = Promise.resolve(null);
  private failures = 0;
  private closed = false;
  /** Holds taken by retain() and not released yet. */
  private retained = 0;
  /** What the join ack brought (capabilities, transports), for the first run only. */
  private prepared: JoinSfuInfo | undefined;

  constructor(private readonly context: SessionContext) {
    this.signal = new SfuSignal(context.client, context.meetingId);
    this.prepared = context.sfuJoin;
    this.tiles = new TileReporter(this.feeds, (tiles) => this.signal.reportTiles(tiles));
    const on: SfuSignal['on'] = (event, handler) => this.signal.on(event, handler);
    this.stopListening = [
      on(SfuServerEvents.newProducer, (producer) => void this.consume(producer)),
      on(SfuServerEvents.producerClosed, ({ producerId }) => this.feeds.remove(producerId)),
      on(SfuServerEvents.producerPaused, ({ producerId }) => this.feeds.setProducerPaused(producerId, true)),
      on(SfuServerEvents.producerResumed, ({ producerId }) => this.feeds.setProducerPaused(producerId, false)),
      on(SfuServerEvents.consumerClosed, ({ consumerId }) => {
        const feed = this.feeds.byConsumer(consumerId);
        if (feed) this.feeds.remove(feed.info.producerId);
      }),
      on(SfuServerEvents.activeSpeaker, ({ peerId }) => this.speaker[1](peerId ?? null)),
      on(SfuServerEvents.transportsReset, () => {
        this.log.info('transports reset by the server');
        this.restart(0);
      }),
    ];
    // Fresh TURN credentials reach the running transports (ICE restarts of them use these).
    const stopIce = context.ice?.subscribe((servers) => {
      const run = this.run;
      if (!run) return;
      for (const transport of [run.send, run.recv]) {
        if (transport.closed) continue;
        transport
          .updateIceServers({ iceServers: servers })
          .catch((error: unknown) => this.log.debug('could not update the ICE servers', error));
      }
    });
    if (stopIce) this.stopListening.push(stopIce);
    this.ready = this.start();
  }

  addPeer(participant: Participant): void {
    this.gone.delete(participant.peerId);
  }

  removePeer(peerId: string): void {
    this.gone.add(peerId);
    this.feeds.removePeer(peerId);
  }

  media(peerId: string): RemoteMedia | null {
    return this.feeds.media(peerId);
  }

  stats(): Promise<PeerStats[]> {
    const recv = this.run?.recv;
    return this.feeds.stats(recv && !recv.closed ? recv : null);
  }

  activeSpeaker(): string | null {
    return this.speaker[0]();
  }

  reportTiles(tiles: TileReport[]): void {
    this.tiles.update(tiles);
  }

  holding(): boolean {
    return this.retained > 0 && !this.closed;
  }

  retain(): () => void {
    this.retained++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.retained--;
    };
  }

  resync(): void {
    this.run?.publisher.resync();
  }

  consumedProducers(shownOnly: boolean): ReadonlySet<string> {
    return this.closed ? new Set() : this.feeds.producerIds(shownOnly);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stopListening) stop();
    this.tiles.close();
    // Taken before teardown, which empties the publisher. Others stop consuming this page's
    // media at once (the server also cleans up on leave, or after `sfu:migrated`).
    const producerIds = this.run?.publisher.producerIds() ?? [];
    this.log.debug(`closing; its producers ${producerIds.map((id) => id.slice(0, 8)).join(',')}`);
    this.teardown();
    for (const producerId of producerIds) {
      this.signal.producerAction('close', producerId).catch(() => undefined);
    }
  }

  private teardown(): void {
    this.runId++;
    const run = this.run;
    this.run = null;
    this.consuming.clear();
    this.feeds.clear();
    if (!run) return;
    run.stopPublishing();
    run.publisher.close();
    run.send.close();
    run.recv.close();
  }

  /** Closes everything and runs the whole flow again (after a reset or a failure). */
  private restart(delayMs: number): void {
    if (this.closed) return;
    this.teardown();
    const id = this.runId;
    this.ready = new Promise((resolve) => setTimeout(resolve, delayMs)).then(() =>
      id === this.runId ? this.start() : null,
    );
  }

  private async start(): Promise<Run | null> {
    const id = this.runId;
    const stale = () => this.closed || id !== this.runId;
    const startedAt = performance.now();
    try {
      // What the join ack brought serves the first run; a restart asks again (maybe a new router).
      const prepared = this.prepared;
      this.prepared = undefined;
      const device = newDevice();
      // The Device loads while both transports are created: neither waits for the other.
      const routerRtpCapabilities = prepared?.rtpCapabilities as types.RtpCapabilities | undefined;
      const loaded = (routerRtpCapabilities ? Promise.resolve(routerRtpCapabilities) : this.signal.capabilities())
        .then((capabilities) => device.load({ routerRtpCapabilities: capabilities }))
        .then(() => markJoin('capabilities'));
      const [sendInfo, recvInfo] = await Promise.all([
        prepared?.transports?.send ?? this.signal.createTransport('send'),
        prepared?.transports?.recv ?? this.signal.createTransport('recv'),
        loaded,
      ]);
      if (stale()) return null;
      markJoin('transports');
      const iceServers = (this.context.ice?.current() ?? this.context.iceServers) as RTCIceServer[];
      const recv = device.createRecvTransport({
        ...recvInfo,
        id: recvInfo.transportId,
        iceServers,
      } as types.TransportOptions);
      this.wire(recv, id);
      // Its ICE and DTLS come up while the server makes the consumers.
      startReceiving(recv, device, (error) => this.log.debug('receive transport warm-up failed', error));
      // Every producer already in the meeting, in one request, while the send side is set up.
      // They come paused and are resumed once they are on this transport (receive()).
      const batch = this.signal.consumeMany(recv.id, device.rtpCapabilities);
      batch.catch(() => undefined);
      const send = device.createSendTransport({
        ...sendInfo,
        id: sendInfo.transportId,
        iceServers,
      } as types.TransportOptions);
      this.wire(send, id);
      send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = MediaSourceSchema.safeParse(appData.source).data ?? (kind === 'audio' ? 'mic' : 'camera');
        const at = performance.now();
        this.signal.produce(send.id, kind, rtpParameters, source, appData.paused === true).then((producerId) => {
          this.log.debug(
            `produced ${source} ${producerId.slice(0, 8)} (run ${id}) in ${Math.round(performance.now() - at)} ms`,
          );
          callback({ id: producerId });
        }, errback);
      });
      const publisher = new SfuPublisher(send, device, this.context.local, this.signal, (message, detail) =>
        this.log.warn(message, detail),
      );
      const run: Run = { id, device, send, recv, publisher, stopPublishing: () => undefined };
      this.run = run;
      run.stopPublishing = publisher.start();
      this.failures = 0;
      const answers = await batch;
      if (stale()) return null;
      markJoin('firstConsume');
      const consumers: SfuConsumerInfo[] = [];
      for (const answer of answers) {
        if (answer.ok) consumers.push(answer.consumer);
        else this.log.warn(`consume ${answer.producerId} failed`, answer.error);
      }
      this.log.info(
        `sfu run ${id} up in ${Math.round(performance.now() - startedAt)} ms, consuming ${consumers.length} producers`,
      );
      const producerIds = consumers.map((info) => info.producerId);
      for (const producerId of producerIds) this.consuming.add(producerId);
      void this.receive(run, consumers).finally(() => {
        for (const producerId of producerIds) this.consuming.delete(producerId);
      });
      return run;
    } catch (error) {
      if (stale()) return null;
      this.log.warn('sfu start failed', error);
      this.feeds.setTransportState('failed');
      const delay = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)] ?? 4000;
      this.restart(delay);
      return null;
    }
  }

  private wire(transport: types.Transport, id: number): void {
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      const at = performance.now();
      this.signal.connectTransport(transport.id, dtlsParameters).then(() => {
        this.log.debug(
          `${transport.direction} transport connect ack (run ${id}) in ${Math.round(performance.now() - at)} ms`,
        );
        callback();
      }, errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (id !== this.runId) return;
      clearTimeout(graceTimer);
      if (transport.direction === 'recv') {
        if (state === 'connected') markJoin('connected');
        if (state === 'connected') this.feeds.setTransportState('connected');
        else if (state === 'disconnected') this.feeds.setTransportState('reconnecting');
        else if (state === 'failed') this.feeds.setTransportState('failed');
      }
      if (state === 'failed') void this.restartIce(transport, id);
      else if (state === 'disconnected')
        graceTimer = setTimeout(() => void this.restartIce(transport, id), DISCONNECTED_GRACE_MS);
    });
  }

  private async restartIce(transport: types.Transport, id: number): Promise<void> {
    if (transport.closed || id !== this.runId) return;
    try {
      const iceParameters = await this.signal.restartIce(transport.id);
      if (!transport.closed && id === this.runId) await transport.restartIce({ iceParameters });
    } catch (error) {
      this.log.warn('ICE restart failed, starting over', error);
      if (id === this.runId) this.restart(1000);
    }
  }

  private async consume(producer: RemoteProducer): Promise<void> {
    // A restart while waiting replaces `ready`: follow it (a producer announced during a
    // reset must not be dropped, or its video stays black until the next reset).
    for (let hops = 0; hops < 10 && !this.closed; hops++) {
      const ready = this.ready;
      const run = await ready;
      if (run && run.id === this.runId) return this.consumeWith(run, producer);
      if (ready === this.ready) return;
    }
  }

  private async consumeWith(run: Run, producer: RemoteProducer): Promise<void> {
    const { producerId, peerId } = producer;
    if (peerId === this.context.selfPeerId || this.gone.has(peerId)) return;
    if (this.consuming.has(producerId) || this.feeds.has(producerId)) return;
    this.consuming.add(producerId);
    try {
      const info = await this.signal.consume(run.recv.id, producerId, run.device.rtpCapabilities);
      markJoin('firstConsume');
      if (run.id !== this.runId || this.closed) return;
      const producerPaused = info.producerPaused ?? producer.paused ?? false;
      await this.receive(run, [
        { ...info, peerId: info.peerId ?? peerId, source: info.source ?? producer.source, producerPaused },
      ]);
    } catch (error) {
      this.log.warn(`consume ${producerId} failed`, error);
    } finally {
      this.consuming.delete(producerId);
    }
  }

  /**
   * Shows consumers the server made (paused): each goes on the receive transport (those that
   * arrive together share one renegotiation in mediasoup-client), then all are resumed with one
   * request (the node then asks their producers for key frames). They are resumed only once they
   * are on the transport: it may well be connected by then (the warm-up), and a key frame sent
   * before the receivers exist would be lost.
   */
  private async receive(run: Run, infos: SfuConsumerInfo[]): Promise<void> {
    const current = () => run.id === this.runId && !this.closed;
    const shown = await Promise.all(
      infos.map(async (info) => {
        if (!current() || this.gone.has(info.peerId) || this.feeds.has(info.producerId)) return null;
        try {
          const consumer = await run.recv.consume({
            id: info.consumerId,
            producerId: info.producerId,
            kind: info.kind,
            rtpParameters: info.rtpParameters as types.RtpParameters,
            streamId: `${info.peerId}-${info.source === 'screen' ? 'screen' : 'camera'}`,
          });
          if (!current() || this.gone.has(info.peerId)) {
            consumer.close();
            return null;
          }
          this.feeds.add({ consumer, info, producerPaused: info.producerPaused ?? false });
          return info.consumerId;
        } catch (error) {
          this.log.warn(`consume ${info.producerId} failed`, error);
          return null;
        }
      }),
    );
    const consumerIds = shown.filter((consumerId): consumerId is string => consumerId !== null);
    if (consumerIds.length === 0) return;
    markJoin('received');
    try {
      if (consumerIds.length === 1) await this.signal.consumerAction('resume', consumerIds[0]!);
      else {
        for (const answer of await this.signal.resumeConsumers(consumerIds)) {
          if (!answer.ok) this.log.warn(`resume ${answer.consumerId} failed`, answer.error);
        }
      }
      markJoin('resumed');
    } catch (error) {
      this.log.warn('resuming consumers failed', error);
    }
    this.tiles.schedule();
  }
}
