/**
 * SFU signalling (`sfu:*` events), Parley's own design. Every client→server event takes an ack
 * like the rest of the protocol: `{ok: true, ...result}` or `{ok: false, error}`. Every handler
 * checks that the socket's user is a current participant of `meetingId`.
 *
 * Flow of a client in SFU mode (mediasoup-client):
 *   1. `sfu:get_capabilities` → Device.load({routerRtpCapabilities})
 *   2. `sfu:create_transport` {direction:'send'} and {direction:'recv'} → createSendTransport /
 *      createRecvTransport; on 'connect' → `sfu:connect_transport`
 *   3. on the send transport's 'produce' → `sfu:produce` {kind, rtpParameters, appData:{source}}
 *   4. for each producer from `sfu:get_producers` and each `sfu:new_producer` event →
 *      `sfu:consume` (created paused) → recvTransport.consume(...) → `sfu:resume_consumer`
 *   5. `sfu:report_tiles` whenever rendered tile sizes or visibility change: the server sets
 *      preferred simulcast layers to match and pauses consumers of tiles that are not visible.
 *   6. `sfu:transports_reset` (a media worker died and the meeting was rebuilt): close the
 *      transports and start again at 1.
 *   7. `sfu:migrate` (the meeting's media node is draining): make-before-break, build new
 *      transports (the server places them on the new node), produce again and consume every
 *      producer on them while the old ones keep flowing; once the new consumers carry media,
 *      `sfu:migrated`, keep sending on the old transports until its answer (it comes once the
 *      others switched too, at most 4 s), then drop them. The server closes what was left on the old node.
 */
import { z } from 'zod';
import {
  DtlsParametersSchema,
  IceCandidateSchema,
  IceParametersSchema,
  MediaKindSchema,
  RtpCapabilitiesSchema,
  SctpParametersSchema,
  SrtpParametersSchema,
  type SrtpParametersWire,
} from '../mediaRpc.js';
import type { ErrorInfo } from '../errors.js';
import { Id } from './common.js';
import { SingleLine } from './text.js';

export const SfuEvents = {
  getCapabilities: 'sfu:get_capabilities',
  createTransport: 'sfu:create_transport',
  connectTransport: 'sfu:connect_transport',
  restartIce: 'sfu:restart_ice',
  produce: 'sfu:produce',
  pauseProducer: 'sfu:pause_producer',
  resumeProducer: 'sfu:resume_producer',
  closeProducer: 'sfu:close_producer',
  getProducers: 'sfu:get_producers',
  consume: 'sfu:consume',
  resumeConsumer: 'sfu:resume_consumer',
  pauseConsumer: 'sfu:pause_consumer',
  setPreferredLayers: 'sfu:set_preferred_layers',
  reportTiles: 'sfu:report_tiles',
  /** Fast joins: many consumers in one request, many resumes in one request (docs/sfu.md, "Join speed"). */
  consumeMany: 'sfu:consume_many',
  resumeConsumers: 'sfu:resume_consumers',
  /** Plain RTP (the load tester's RTP bots); only when the server runs with SFU_PLAIN_RTP=true. */
  createPlainTransport: 'sfu:create_plain_transport',
  connectPlainTransport: 'sfu:connect_plain_transport',
  /** After `sfu:migrate`: the client switched to its new transports; the old node's objects close. */
  migrated: 'sfu:migrated',
} as const;

export const SfuServerEvents = {
  newProducer: 'sfu:new_producer',
  producerClosed: 'sfu:producer_closed',
  producerPaused: 'sfu:producer_paused',
  producerResumed: 'sfu:producer_resumed',
  consumerClosed: 'sfu:consumer_closed',
  activeSpeaker: 'sfu:active_speaker',
  transportsReset: 'sfu:transports_reset',
  migrate: 'sfu:migrate',
} as const;

export const MediaSourceSchema = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSourceSchema>;

export const RtpParametersSchema = z.looseObject({
  mid: SingleLine().max(64).optional(),
  codecs: z
    .array(
      z.looseObject({ mimeType: SingleLine().max(256), payloadType: z.number().int(), clockRate: z.number().int() }),
    )
    .max(32),
  headerExtensions: z
    .array(z.looseObject({ uri: SingleLine().max(1024), id: z.number().int() }))
    .max(32)
    .optional(),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  rtcp: z.looseObject({}).optional(),
});

const MeetingScoped = z.object({ meetingId: Id });

export const SfuGetCapabilities = MeetingScoped;
export const SfuMigrated = MeetingScoped;
export const SfuCreateTransport = MeetingScoped.extend({ direction: z.enum(['send', 'recv']) });
export const SfuConnectTransport = MeetingScoped.extend({ transportId: Id, dtlsParameters: DtlsParametersSchema });
export const SfuRestartIce = MeetingScoped.extend({ transportId: Id });
export const SfuProduce = MeetingScoped.extend({
  transportId: Id,
  kind: MediaKindSchema,
  rtpParameters: RtpParametersSchema,
  appData: z.object({ source: MediaSourceSchema }),
  paused: z.boolean().optional(),
});
export const SfuProducerRef = MeetingScoped.extend({ producerId: Id });
export const SfuConsume = MeetingScoped.extend({
  transportId: Id,
  producerId: Id,
  rtpCapabilities: RtpCapabilitiesSchema,
});
export const SfuConsumerRef = MeetingScoped.extend({ consumerId: Id });
/** Most producers or consumers named in one batched request (a 300-person meeting: ~600). */
export const SFU_BATCH_MAX = 1000;
/**
 * `sfu:consume_many`: consumers (created paused, like `sfu:consume`) of the named producers, or,
 * without `producerIds`, of every producer of the others in the meeting right now. One answer
 * per producer, in order: `{producerId, ok: true, consumer}` or `{producerId, ok: false, error}`.
 */
export const SfuConsumeMany = MeetingScoped.extend({
  transportId: Id,
  rtpCapabilities: RtpCapabilitiesSchema,
  producerIds: z.array(Id).min(1).max(SFU_BATCH_MAX).optional(),
});
/**
 * `sfu:resume_consumers`: resumes these consumers of the caller; one answer per consumer, in order.
 * `keyFrames: true` (a page whose receivers of them exist only now): those already running get a
 * key frame asked of their producer instead (their first one may have come before the receivers).
 */
export const SfuResumeConsumers = MeetingScoped.extend({
  consumerIds: z.array(Id).min(1).max(SFU_BATCH_MAX),
  keyFrames: z.boolean().optional(),
});
export const SfuSetPreferredLayers = SfuConsumerRef.extend({
  spatialLayer: z.number().int().min(0).max(2),
  temporalLayer: z.number().int().min(0).max(2).optional(),
});
export const SfuTile = z.object({
  consumerId: Id,
  width: z.number().min(0).max(10_000),
  height: z.number().min(0).max(10_000),
  visible: z.boolean(),
});
export const SfuReportTiles = MeetingScoped.extend({ tiles: z.array(SfuTile).max(200) });

/**
 * Plain RTP transports (no ICE/DTLS, rtcpMux) for the load tester's RTP bots, enabled by
 * SFU_PLAIN_RTP=true. `send`: comedia, the node learns the bot's address from its first packet;
 * `recv`: the bot names its UDP address with `sfu:connect_plain_transport`. Ack of create:
 * `{ok, transportId, ip, port, srtpParameters?}` (where to send RTP and RTCP).
 *
 * `srtp: true` (recv only): the node encrypts what it sends with SRTP, as for a WebRTC consumer
 * (AES_CM_128_HMAC_SHA1_80); the ack carries the node's `srtpParameters`, and the connect must
 * carry the caller's own (`srtpParameters`, same crypto suite, a random key of the suite's length).
 */
export const SfuCreatePlainTransport = MeetingScoped.extend({
  direction: z.enum(['send', 'recv']),
  srtp: z.boolean().optional(),
}).refine((d) => !(d.srtp && d.direction === 'send'), {
  message: 'SRTP is only for recv plain transports',
  path: ['srtp'],
});

/** Decoded key + salt bytes per SRTP crypto suite (mediasoup's master lengths). */
export const SRTP_KEY_BYTES = {
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
  AEAD_AES_128_GCM: 28,
  AEAD_AES_256_GCM: 44,
} as const;

const base64Bytes = (b64: string) => (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);

export const SfuConnectPlainTransport = MeetingScoped.extend({
  transportId: Id,
  ip: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65_535),
  /** The caller's SRTP key (required when the transport was created with `srtp: true`). */
  srtpParameters: SrtpParametersSchema.refine(
    (p) => p.keyBase64.length % 4 === 0 && base64Bytes(p.keyBase64) === SRTP_KEY_BYTES[p.cryptoSuite],
    {
      message:
        "keyBase64 must be base64 of the crypto suite's key + salt length (30 bytes for AES_CM_128_*, 28 for AEAD_AES_128_GCM, 44 for AEAD_AES_256_GCM)",
      path: ['keyBase64'],
    },
  ).optional(),
});
export interface SfuPlainTransportInfo {
  transportId: string;
  ip: string;
  port: number;
  /** With `srtp: true`: the node's SRTP crypto suite and key (what it encrypts with). */
  srtpParameters?: SrtpParametersWire;
}

/** Result shapes (acks) and server events. */
export const SfuTransportInfo = z.object({
  transportId: Id,
  iceParameters: IceParametersSchema,
  iceCandidates: z.array(IceCandidateSchema),
  dtlsParameters: DtlsParametersSchema,
  sctpParameters: SctpParametersSchema.optional(),
});
export type SfuTransportInfo = z.infer<typeof SfuTransportInfo>;

export interface SfuProducerInfo {
  producerId: string;
  peerId: string;
  userId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
}

export interface SfuConsumerInfo {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  rtpParameters: z.infer<typeof RtpParametersSchema>;
  type: string;
  producerPaused: boolean;
}

export type SfuGetCapabilities = z.infer<typeof SfuGetCapabilities>;
export type SfuMigrated = z.infer<typeof SfuMigrated>;
export type SfuCreateTransport = z.infer<typeof SfuCreateTransport>;
export type SfuConnectTransport = z.infer<typeof SfuConnectTransport>;
export type SfuProduce = z.infer<typeof SfuProduce>;
export type SfuConsume = z.infer<typeof SfuConsume>;
export type SfuReportTiles = z.infer<typeof SfuReportTiles>;
export type SfuConsumeMany = z.infer<typeof SfuConsumeMany>;
export type SfuResumeConsumers = z.infer<typeof SfuResumeConsumers>;

/** The error of one item of a batched request: the shape of an ack's `error`. */
export type SfuItemError = ErrorInfo;
/** One answer of `sfu:consume_many`. */
export type SfuConsumeResult =
  { producerId: string; ok: true; consumer: SfuConsumerInfo } | { producerId: string; ok: false; error: SfuItemError };
/** One answer of `sfu:resume_consumers`. */
export type SfuResumeResult = { consumerId: string; ok: true } | { consumerId: string; ok: false; error: SfuItemError };
/**
 * Parley addition to the `join_meeting` ack of an SFU meeting: what `sfu:get_capabilities`
 * answers (and, when asked, both transports), so the page loads its mediasoup Device and creates
 * its transports without another round trip.
 */
export interface JoinSfuInfo {
  rtpCapabilities: unknown;
  /** With `sfuTransports: true` in the join: this peer's transports, as `sfu:create_transport` answers them. */
  transports?: { send: SfuTransportInfo; recv: SfuTransportInfo };
  /**
   * A join that resumed this page's peer after a deploy (`resumePeerId`): its transports,
   * producers and consumers of before were taken over as they are; the page keeps its SFU session.
   */
  adopted?: true;
}
export type SfuCreatePlainTransport = z.infer<typeof SfuCreatePlainTransport>;
export type SfuConnectPlainTransport = z.infer<typeof SfuConnectPlainTransport>;

/** Payloads of the server → client `sfu:*` events (docs/sfu.md). */
export type SfuNewProducerEvent = { meetingId: string } & SfuProducerInfo;
export interface SfuProducerEvent {
  meetingId: string;
  producerId: string;
  peerId: string;
}
export interface SfuConsumerClosedEvent {
  meetingId: string;
  consumerId: string;
  producerId: string;
}
export interface SfuActiveSpeakerEvent {
  meetingId: string;
  peerId: string;
  producerId: string;
}
export interface SfuMigrateEvent {
  meetingId: string;
  /** `node_draining`: the meeting's media node is being taken down (its transports still work). */
  reason: 'node_draining';
}
export interface SfuTransportsResetEvent {
  meetingId: string;
  /** `worker_died`: a mediasoup worker of the meeting died; `node_lost`: its media node went away. */
  reason: 'worker_died' | 'node_lost';
}
