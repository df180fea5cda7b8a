/**
 * One RTP bot: a Parley participant without a browser (loadtest `LoadClient`). It logs in, joins
 * the meeting over socket.io like the web client, and once the meeting is in SFU mode uses
 * plain RTP transports (`sfu:create_plain_transport`, SFU_PLAIN_RTP=true on the server): a
 * sender produces opus + VP8 from the shared clip, a receiver consumes every producer (over
 * SRTP unless the shared options say `srtp: false`) and counts what arrives. Design and figures: docs/sfu.md "Plain RTP and the load tester's bots".
 */
import type * as dgram from 'node:dgram';
import { ClientEvents, ServerEvents, SfuEvents, SfuServerEvents, type RtpCapabilitiesWire } from '@parley/protocol';
import type { ClientSample, ClientSpec, JoinResult, LoadClient } from '../clientTypes.js';
import { BotReceiver } from './BotReceiver.js';
import type { BotSender } from './BotSender.js';
import type { BotShared } from './BotShared.js';
import { BotError, BotSocket, loginOrRegister } from './botSignalling.js';
import { BotTiles } from './botTileReports.js';
import { openRecvSide, openSendSide, type BotTransportContext } from './botTransports.js';
import { othersIn } from './othersIn.js';
import { pollUntil } from './pollUntil.js';
import { receiveCapabilities } from './mediaParams.js';
import { isRtcp, keyframeRequests } from './rtp.js';

const MESH_MESSAGE = 'the meeting stayed in mesh mode; RTP bots need SFU mode';
/** After `sfu:migrate`: the longest wait for frames on the new consumers before `sfu:migrated`. */
const MIGRATE_WAIT_MS = 5_000;
/** After `sfu:migrated`: the old sender keeps sending this long (the server closes its producers after 1 s). */
const OLD_SENDER_GRACE_MS = 1_500;

export class BotClient implements LoadClient {
  private socket: BotSocket | null = null;
  private udp: dgram.Socket | null = null;
  private sender: BotSender | null = null;
  /** The sender of the transports being left (sfu:migrate), until it stops. */
  private leaving: BotSender | null = null;
  private migrating = false;
  /** When the last `sfu:migrate` came and when this bot answered `sfu:migrated` (epoch ms; tests, bench:drain). */
  readonly migration: { startedAt: number | null; migratedAt: number | null } = { startedAt: null, migratedAt: null };
  /** Consumers made by this bot (the receiver's streams). */
  private readonly consumerIds = new Set<string>();
  private readonly receiver: BotReceiver;
  private recvTransportId: string | null = null;
  private rtpCapabilities: RtpCapabilitiesWire = {};
  private readonly consumed = new Set<string>();
  private consumeChain: Promise<void> = Promise.resolve();
  private mode: string | null = null;
  private closed = false;
  private lastOut = { at: 0, bytes: 0 };
  private generation = 0;
  /** Where the SRTP recv transports send from (`address:port`): their RTCP (SRTCP, encrypted) is skipped. */
  private readonly srtcpFrom = new Set<string>();
  private srtcpSkipped = 0;
  /** With simulcast: the tiles this receiver shows (sfu:report_tiles); null without. */
  private readonly tiles: BotTiles | null;
  /** While the producers already there are consumed: one tile report after them, not one each. */
  private batchConsuming = false;

  constructor(
    readonly spec: ClientSpec,
    private readonly shared: BotShared,
  ) {
    this.receiver = new BotReceiver(shared.clock.now);
    this.tiles = shared.options.simulcast ? new BotTiles(spec.index ?? 1, shared.options.tileMix) : null;
  }

  private get receives(): boolean {
    return this.spec.role === 'receiver' || this.shared.options.sendersReceive;
  }

  async join(): Promise<JoinResult> {
    const { options, clock } = this.shared;
    try {
      // The runner's login phase hands over a session; a bot used on its own logs in itself.
      const token =
        this.spec.token ??
        (await loginOrRegister(this.spec.baseUrl, this.spec.email, this.spec.password, options.requestTimeoutMs));
      if (this.closed) throw new BotError('join', 'closed before the join');
      // Timed from after the login, like the browser client (which logs in before opening the page).
      const started = clock.now();
      this.socket = await BotSocket.connect(this.spec.baseUrl, token, options.requestTimeoutMs);
      this.listen(this.socket);
      const joined = await this.socket.ack(
        ClientEvents.joinMeeting,
        { meetingId: this.spec.meetingId },
        'join',
        options.requestTimeoutMs,
      );
      const joinMs = clock.now() - started;
      const peersAtJoin = othersIn(joined.participants, joined.selfPeerId);
      if (this.mode === null || joined.mode === 'sfu') this.mode = String(joined.mode);
      if (this.mode !== 'sfu') await this.waitForSfu(options.meshWaitMs);
      await this.startMedia();
      // Join → first frame, as the browser client measures it: when somebody was already in the
      // meeting at the join, wait (firstFrameWaitMs) for the first remote video frame, whoever
      // sends it; null if none came by then, and always null for a bot that receives nothing.
      if (this.receives && peersAtJoin > 0) {
        await this.waitFor(() => this.receiver.firstVideoFrameAt !== null, options.firstFrameWaitMs);
      }
      const firstFrameMs =
        this.receives && this.receiver.firstVideoFrameAt !== null
          ? Math.max(0, this.receiver.firstVideoFrameAt - started)
          : null;
      return { ok: true, joinMs, firstFrameMs, mode: 'sfu' };
    } catch (error) {
      const stage = error instanceof BotError ? error.stage : 'media';
      const reason = error instanceof Error ? error.message : String(error);
      await this.close();
      return { ok: false, stage, reason };
    }
  }

  private listen(bot: BotSocket): void {
    const s = bot.socket;
    const mine = (p: { meetingId?: string } | null | undefined) => p?.meetingId === this.spec.meetingId;
    s.on(ServerEvents.meetingMode, (p) => {
      if (mine(p) && typeof p.mode === 'string') this.mode = p.mode;
    });
    s.on(SfuServerEvents.newProducer, (p) => {
      if (mine(p) && this.recvTransportId) this.consume(p.producerId, this.generation);
    });
    s.on(SfuServerEvents.consumerClosed, (p) => {
      if (mine(p) && p.consumerId) this.forgetConsumer(p.consumerId);
    });
    s.on(SfuServerEvents.migrate, (p) => {
      if (mine(p) && !this.closed) void this.migrate();
    });
    s.on(SfuServerEvents.transportsReset, (p) => {
      if (mine(p) && !this.closed) void this.restartMedia();
    });
    s.on(ServerEvents.meetingEnded, (p) => {
      if (mine(p)) this.mode = 'ended';
    });
    // `video-signal` offers (mesh mode) are left unanswered.
  }

  private waitForSfu(timeoutMs: number): Promise<void> {
    return this.waitFor(() => this.mode === 'sfu', timeoutMs).then((ok) => {
      if (!ok) throw new BotError('media', MESH_MESSAGE);
    });
  }

  /** Polls `check` until it holds (true) or `timeoutMs` passed (false); stops when the bot closes. */
  private waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
    return pollUntil(check, timeoutMs, () => this.closed);
  }

  /** Transports, producers, consumers (the producers already there are consumed before it returns). */
  private async startMedia(): Promise<void> {
    const generation = ++this.generation;
    const ctx = await this.transportContext();
    const caps = await ctx.socket.ack(
      SfuEvents.getCapabilities,
      { meetingId: ctx.meetingId },
      'media',
      this.shared.options.requestTimeoutMs,
    );
    this.rtpCapabilities = receiveCapabilities(caps.rtpCapabilities);
    const clips = this.spec.role === 'sender' ? await this.shared.cameraClips(this.spec.video) : null;
    if (clips || this.spec.mic) {
      this.sender = await openSendSide(ctx, clips ?? [], true);
      this.lastOut = { at: this.shared.clock.now(), bytes: 0 };
    }
    if (this.receives) await this.openRecv(ctx, generation);
  }

  private async transportContext(): Promise<BotTransportContext> {
    const socket = this.requireSocket();
    if (!this.udp) {
      this.udp = await this.shared.bindSocket();
      this.udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
      this.udp.on('error', () => undefined);
    }
    return { socket, udp: this.udp, shared: this.shared, meetingId: this.spec.meetingId, baseUrl: this.spec.baseUrl };
  }

  /** A recv transport, and every producer of the meeting consumed on it. */
  private async openRecv(ctx: BotTransportContext, generation: number): Promise<void> {
    const recv = await openRecvSide(ctx);
    this.receiver.authTagBytes = recv.authTagBytes;
    if (recv.srtcpFrom) this.srtcpFrom.add(`${recv.srtcpFrom.address}:${recv.srtcpFrom.port}`);
    this.recvTransportId = recv.transportId;
    const listed = await ctx.socket.ack(
      SfuEvents.getProducers,
      { meetingId: ctx.meetingId },
      'media',
      this.shared.options.requestTimeoutMs,
    );
    const producers = Array.isArray(listed.producers) ? listed.producers : [];
    this.batchConsuming = true;
    try {
      for (const p of producers) this.consume(p.producerId, generation);
      await this.consumeChain;
    } finally {
      this.batchConsuming = false;
    }
    await this.reportTiles();
  }

  /** With simulcast: the tiles of the video consumers, so the server picks their layers. */
  private async reportTiles(): Promise<void> {
    const socket = this.socket;
    if (!this.tiles || !socket || this.closed) return;
    await this.tiles.report(socket, this.spec.meetingId, this.shared.options.requestTimeoutMs).catch(() => undefined);
  }

  /**
   * `sfu:migrate` (the meeting's media node is draining), make-before-break: new send and recv
   * transports (on the new node), producing and consuming there while the old ones keep flowing;
   * once every new video consumer has a frame (or MIGRATE_WAIT_MS passed), `sfu:migrated`, the
   * old consumers are forgotten and the old sender stops after the server's overlap.
   */
  private async migrate(): Promise<void> {
    if (this.migrating || this.closed) return;
    this.migrating = true;
    Object.assign(this.migration, { startedAt: Date.now(), migratedAt: null });
    const oldSender = this.sender;
    const oldConsumers = [...this.consumerIds];
    const generation = ++this.generation;
    this.recvTransportId = null; // sfu:new_producer waits for the new recv transport (get_producers lists it)
    this.consumed.clear();
    try {
      const ctx = await this.transportContext();
      if (oldSender) {
        const clips = this.spec.role === 'sender' ? await this.shared.cameraClips(this.spec.video) : [];
        this.sender = await openSendSide(ctx, clips, true);
        this.leaving = oldSender;
      }
      if (this.receives) {
        await this.openRecv(ctx, generation);
        const fresh = () => [...this.consumerIds].filter((id) => !oldConsumers.includes(id));
        await this.waitFor(() => this.receiver.allHaveFrames(fresh()), MIGRATE_WAIT_MS);
      }
      await ctx.socket.ack(
        SfuEvents.migrated,
        { meetingId: ctx.meetingId },
        'media',
        this.shared.options.requestTimeoutMs,
      );
      this.migration.migratedAt = Date.now();
      for (const id of oldConsumers) this.forgetConsumer(id);
      setTimeout(() => {
        oldSender?.stop();
        if (this.leaving === oldSender) this.leaving = null;
      }, OLD_SENDER_GRACE_MS).unref();
    } catch {
      // The old transports go on until the node stops; then sfu:transports_reset starts again.
    } finally {
      this.migrating = false;
    }
  }

  private forgetConsumer(consumerId: string): void {
    this.consumerIds.delete(consumerId);
    this.tiles?.remove(consumerId);
    this.receiver.removeConsumer(consumerId);
  }

  /** Consumes one producer (queued: one consume at a time per bot) and resumes it. */
  private consume(producerId: string, generation: number): void {
    if (this.consumed.has(producerId)) return;
    this.consumed.add(producerId);
    this.consumeChain = this.consumeChain.then(async () => {
      const socket = this.socket;
      const transportId = this.recvTransportId;
      if (!socket || !transportId || this.closed || generation !== this.generation) return;
      const meetingId = this.spec.meetingId;
      const t = this.shared.options.requestTimeoutMs;
      try {
        const c = await socket.ack(
          SfuEvents.consume,
          { meetingId, transportId, producerId, rtpCapabilities: this.rtpCapabilities },
          'media',
          t,
        );
        const params = c.rtpParameters as
          { encodings?: Array<{ ssrc?: number }>; codecs?: Array<{ clockRate?: number }> } | undefined;
        const ssrc = params?.encodings?.[0]?.ssrc;
        const kind = c.kind === 'video' ? 'video' : 'audio';
        if (typeof ssrc === 'number') {
          this.consumerIds.add(String(c.consumerId));
          this.receiver.addConsumer(
            String(c.consumerId),
            ssrc,
            kind,
            params?.codecs?.[0]?.clockRate ?? (kind === 'video' ? 90_000 : 48_000),
            String(c.peerId),
          );
          if (kind === 'video') this.tiles?.add(String(c.consumerId));
        }
        await socket.ack(SfuEvents.resumeConsumer, { meetingId, consumerId: c.consumerId }, 'media', t);
        if (kind === 'video' && !this.batchConsuming) await this.reportTiles();
      } catch {
        // The producer may be gone already; a later sfu:new_producer may bring it back.
        this.consumed.delete(producerId);
      }
    });
  }

  private onUdp(msg: Buffer, from: dgram.RemoteInfo): void {
    if (isRtcp(msg)) {
      // SRTCP from the SRTP recv transport (sender reports; its first header is clear, the rest
      // is not): skipped. PLI/FIR come in clear from the plain send transport.
      if (this.srtcpFrom.has(`${from.address}:${from.port}`)) {
        this.srtcpSkipped++;
        return;
      }
      const requested = keyframeRequests(msg);
      this.sender?.onKeyframeRequest(requested);
      this.leaving?.onKeyframeRequest(requested);
      return;
    }
    this.receiver.onRtp(msg);
  }

  /** `sfu:transports_reset`: the meeting was rebuilt on the node; set up media again. */
  private async restartMedia(): Promise<void> {
    this.sender?.stop();
    this.sender = null;
    this.leaving?.stop();
    this.leaving = null;
    this.recvTransportId = null;
    this.consumed.clear();
    this.consumerIds.clear();
    this.tiles?.clear();
    this.receiver.clear();
    try {
      await this.startMedia();
    } catch {
      // Samples show it: no streams.
    }
  }

  private requireSocket(): BotSocket {
    if (!this.socket) throw new BotError('join', 'not connected');
    return this.socket;
  }

  /**
   * Per sending peer (tests, the drain bench): video frames received and the longest time
   * between two of them since `resetFrameGaps()` (the gap still open counts too).
   */
  frameGaps(): Map<string, { frames: number; longestGapMs: number }> {
    return this.receiver.frameGaps();
  }

  resetFrameGaps(): void {
    this.receiver.resetFrameGaps();
  }

  /** Per video consumer, the last keyframe's picture size (plain RTP receivers; tests); and the tiles reported. */
  receivedLayers(): { pictureSizes: Map<string, { width: number; height: number } | null>; tileReports: number } {
    return { pictureSizes: this.receiver.pictureSizes(), tileReports: this.tiles?.reports ?? 0 };
  }

  /** The receive side's counters (tests, diagnostics): SRTP on, packets of no known consumer, SRTCP skipped. */
  receiveCounters(): { srtp: boolean; unknownPackets: number; srtcpSkipped: number } {
    return {
      srtp: this.receiver.authTagBytes > 0,
      unknownPackets: this.receiver.unknownPackets,
      srtcpSkipped: this.srtcpSkipped,
    };
  }

  /** The send side's counters (tests, diagnostics); null for a bot that does not send (yet). */
  sendCounters(): { packetsSent: number; bytesSent: number; keyframeRequests: number } | null {
    const s = this.sender;
    return s ? { packetsSent: s.packetsSent, bytesSent: s.bytesSent, keyframeRequests: s.keyframeRequests } : null;
  }

  sample(t: number): Promise<ClientSample> {
    const figures = this.receiver.sample();
    const now = this.shared.clock.now();
    let bitrateOut: number | null = null;
    if (this.sender) {
      const seconds = Math.max(0.001, (now - this.lastOut.at) / 1000);
      bitrateOut = ((this.sender.bytesSent - this.lastOut.bytes) * 8) / seconds;
      this.lastOut = { at: now, bytes: this.sender.bytesSent };
    }
    const mode = this.closed ? null : this.mode;
    return Promise.resolve({ t, clientId: this.spec.id, ...figures, rttMs: null, bitrateOut, mode });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sender?.stop();
    this.sender = null;
    this.leaving?.stop();
    this.leaving = null;
    const socket = this.socket;
    this.socket = null;
    if (socket?.socket.connected) {
      await socket
        .ack(ClientEvents.leaveMeeting, { meetingId: this.spec.meetingId }, 'leave', 3000)
        .catch(() => undefined);
    }
    socket?.close();
    const udp = this.udp;
    this.udp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
}
