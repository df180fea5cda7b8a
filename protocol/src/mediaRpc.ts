/**
 * The internal RPC between signalling servers and media nodes (not part of the public wire
 * contract). A media node runs a Socket.io server at path `/media-rpc`; servers connect with
 * socket.io-client and `auth: {secret}` (MEDIA_SECRET).
 *
 * - Request: `socket.emit('rpc', {method, params}, ack)`; ack `{ok: true, result}` or
 *   `{ok: false, error: {code, message, field?}}` (codes from errors.ts).
 * - Notification, node → servers: `socket.emit('notification', {event, data})`.
 *
 * Every method's params and result are defined once here; the node validates params, the client
 * may validate results. Shapes of WebRTC parameters follow mediasoup's types (extra fields that a
 * newer mediasoup adds are kept, not stripped).
 */
import { z } from 'zod';
import type { ErrorInfo } from './errors.js';
import { Id } from './schemas/common.js';

export const MEDIA_RPC_PATH = '/media-rpc';
export const MEDIA_RPC_EVENT = 'rpc';
export const MEDIA_NOTIFICATION_EVENT = 'notification';

/** Redis key (after the deployment's prefix, e.g. `parley:`) under which a node registers. */
export const mediaNodeRedisKey = (prefix: string, nodeId: string): string => `${prefix}media:node:${nodeId}`;
export const MEDIA_NODE_KEY_TTL_MS = 10_000;
export const MEDIA_NODE_REFRESH_MS = 2_000;

export * from './mediaRpcShapes.js';
import {
  MediaKindSchema,
  RtpCapabilitiesSchema,
  IceParametersSchema,
  IceCandidateSchema,
  DtlsParametersSchema,
  SctpParametersSchema,
  WorkerLoadSchema,
} from './mediaRpcShapes.js';

// --- Methods ---

export const GetLoadParams = z.object({}).optional();
export const GetLoadResult = z.object({
  nodeId: z.string(),
  url: z.string(),
  startedAt: z.string(),
  workers: z.array(WorkerLoadSchema),
  /** The node is draining (SIGTERM or `drain`): no new meetings or transports go to it. */
  draining: z.boolean().optional(),
});

/** Puts the node in drain (as SIGTERM does): it exits once no client transport is left on it. */
export const DrainParams = z.object({}).optional();
export const DrainResult = z.object({
  draining: z.literal(true),
  /** Client transports (WebRTC and plain) still on the node. */
  transports: z.number().int().min(0),
});

export const GetRouterRtpCapabilitiesParams = z.object({ meetingId: Id });
export const GetRouterRtpCapabilitiesResult = z.object({
  /** Which worker holds the meeting's router. */
  workerIndex: z.number().int().min(0),
  rtpCapabilities: RtpCapabilitiesSchema,
});

export const CreateWebRtcTransportParams = z.object({
  meetingId: Id,
  /** The participant the transport is for (kept as appData for later lookups). */
  peerId: Id.optional(),
  direction: z.enum(['send', 'recv']).optional(),
  enableUdp: z.boolean().optional(),
  enableTcp: z.boolean().optional(),
  preferUdp: z.boolean().optional(),
  preferTcp: z.boolean().optional(),
  enableSctp: z.boolean().optional(),
  initialAvailableOutgoingBitrate: z.number().int().min(100_000).max(100_000_000).optional(),
  /**
   * SFU_CONSUMER_BUDGET: a recv transport goes on the meeting's router with the fewest consumers
   * while that is under the budget, otherwise on a new router of another worker (producers are
   * piped there on consume). Without it, everything stays on the meeting's first router.
   */
  consumerBudget: z.number().int().min(1).optional(),
});
export const CreateWebRtcTransportResult = z.object({
  id: z.string(),
  /** The worker whose router holds the transport. */
  workerIndex: z.number().int().min(0).optional(),
  iceParameters: IceParametersSchema,
  iceCandidates: z.array(IceCandidateSchema),
  dtlsParameters: DtlsParametersSchema,
  sctpParameters: SctpParametersSchema.optional(),
});

export const CloseRouterParams = z.object({ meetingId: Id });
export const CloseRouterResult = z.object({
  /** false when the node had no router for the meeting. */
  closed: z.boolean(),
});

// ---------------------------------------------------------------------------------------------
// SFU methods (transports, producers, consumers). A meeting may hold one router per worker of
// the node; transports are placed by the node (see createWebRtcTransport.consumerBudget) and a
// consumer whose producer lives on another router of the meeting is fed through pipeToRouter.
// ---------------------------------------------------------------------------------------------

const TransportRef = z.object({ meetingId: Id, transportId: Id });
const ProducerRef = z.object({ meetingId: Id, producerId: Id });
const ConsumerRef = z.object({ meetingId: Id, consumerId: Id });
const Empty = z.object({});

export const RtpParametersWireSchema = z.looseObject({
  mid: z.string().max(64).optional(),
  codecs: z
    .array(z.looseObject({ mimeType: z.string(), payloadType: z.number().int(), clockRate: z.number().int() }))
    .max(32),
  headerExtensions: z
    .array(z.looseObject({ uri: z.string(), id: z.number().int() }))
    .max(32)
    .optional(),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  rtcp: z.looseObject({}).optional(),
});

export const ConnectTransportParams = TransportRef.extend({ dtlsParameters: DtlsParametersSchema });
export const RestartIceParams = TransportRef;
export const RestartIceResult = z.object({ iceParameters: IceParametersSchema });
export const CloseTransportParams = TransportRef;
/** Closes every transport created for `peerId` (its producers and consumers go with them). */
export const ClosePeerParams = z.object({ meetingId: Id, peerId: Id });
export const ClosePeerResult = z.object({ transports: z.number().int().min(0) });
export const ClosedResult = z.object({ closed: z.boolean() });

export const ProduceParams = TransportRef.extend({
  kind: MediaKindSchema,
  rtpParameters: RtpParametersWireSchema,
  paused: z.boolean().optional(),
  /** Kept as the producer's appData: `{source, peerId}`. */
  appData: z.record(z.string(), z.unknown()).optional(),
});
export const ProduceResult = z.object({ id: z.string(), workerIndex: z.number().int().min(0) });

export const ConsumeParams = TransportRef.extend({
  producerId: Id,
  rtpCapabilities: RtpCapabilitiesSchema,
  /** Created paused unless false (the client resumes once its consumer is ready). */
  paused: z.boolean().optional(),
  appData: z.record(z.string(), z.unknown()).optional(),
});
export const ConsumeResult = z.object({
  id: z.string(),
  producerId: z.string(),
  kind: MediaKindSchema,
  rtpParameters: RtpParametersWireSchema,
  type: z.string(),
  producerPaused: z.boolean(),
  /** True when the producer had to be piped from another router of the meeting. */
  piped: z.boolean(),
});

export const PauseResumeParams = ProducerRef;
export const ConsumerPauseResumeParams = ConsumerRef;
/** `keyFrame`: a consumer that is running already gets a key frame request instead (sfu:resume_consumers). */
export const ResumeConsumerParams = ConsumerRef.extend({ keyFrame: z.boolean().optional() });
export const SetPreferredLayersParams = ConsumerRef.extend({
  spatialLayer: z.number().int().min(0).max(2),
  temporalLayer: z.number().int().min(0).max(2).optional(),
});

export const PipeProducerParams = z.object({
  meetingId: Id,
  producerId: Id,
  /** Worker indexes of the source and target routers of the meeting on this node. */
  fromWorker: z.number().int().min(0),
  toWorker: z.number().int().min(0),
});
export const PipeProducerResult = z.object({ producerId: z.string(), alreadyPiped: z.boolean() });

export const GetStatsParams = z.object({ meetingId: Id });
export const GetStatsResult = z.object({
  routers: z.array(
    z.object({
      workerIndex: z.number().int(),
      transports: z.number().int(),
      producers: z.number().int(),
      consumers: z.number().int(),
    }),
  ),
  producers: z.array(
    z.object({ id: z.string(), kind: MediaKindSchema, paused: z.boolean(), score: z.number().optional() }),
  ),
  consumers: z.array(
    z.object({
      id: z.string(),
      producerId: z.string(),
      paused: z.boolean(),
      producerPaused: z.boolean(),
      preferredSpatialLayer: z.number().optional(),
    }),
  ),
});

/** Cross-node pipes (design: docs/sfu.md). */
export const CreatePipeTransportParams = z.object({ meetingId: Id, workerIndex: z.number().int().min(0).optional() });
export const CreatePipeTransportResult = z.object({ id: z.string(), ip: z.string(), port: z.number().int() });
export const ConnectPipeTransportParams = z.object({
  meetingId: Id,
  transportId: Id,
  ip: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
});
export const PipeConsumeParams = z.object({ meetingId: Id, transportId: Id, producerId: Id });
export const PipeConsumeResult = z.object({
  id: z.string(),
  kind: MediaKindSchema,
  rtpParameters: RtpParametersWireSchema,
  producerPaused: z.boolean(),
});
export const PipeProduceParams = z.object({
  meetingId: Id,
  transportId: Id,
  /** Same id as the producer on the origin node. */
  producerId: Id,
  kind: MediaKindSchema,
  rtpParameters: RtpParametersWireSchema,
  paused: z.boolean().optional(),
  appData: z.record(z.string(), z.unknown()).optional(),
});
export const PipeProduceResult = z.object({ id: z.string() });

/** mediasoup's SRTP crypto suites (plain transports). */
export const SrtpCryptoSuiteSchema = z.enum([
  'AEAD_AES_256_GCM',
  'AEAD_AES_128_GCM',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
]);
/** Key and salt, base64 (30 bytes for AES_CM_128, 28 for AES_128_GCM, 44 for AES_256_GCM). */
export const SrtpParametersSchema = z.object({
  cryptoSuite: SrtpCryptoSuiteSchema,
  keyBase64: z.string().regex(/^[A-Za-z0-9+/]{36,64}={0,2}$/, 'must be a base64 SRTP key'),
});
export type SrtpParametersWire = z.infer<typeof SrtpParametersSchema>;

/** Plain RTP transports (RTP bots of the load test, benchmarks, tests): comedia unless connected. */
export const CreatePlainTransportParams = z.object({
  meetingId: Id,
  /** A worker of this node; default: the meeting's first router. */
  workerIndex: z.number().int().min(0).optional(),
  comedia: z.boolean().optional(),
  /** RTCP on the RTP port (default true); false gives a second port for RTCP (`rtcpPort`). */
  rtcpMux: z.boolean().optional(),
  /** SRTP as WebRTC does: the result carries the node's key (what it encrypts with). */
  enableSrtp: z.boolean().optional(),
  /** Default AES_CM_128_HMAC_SHA1_80; only with enableSrtp. */
  srtpCryptoSuite: SrtpCryptoSuiteSchema.optional(),
  /** Local port range to pick the transport's port(s) from; default: the worker's range. */
  portRange: z
    .object({ min: z.number().int().min(1).max(65535), max: z.number().int().min(1).max(65535) })
    .refine((r) => r.min <= r.max, 'min must not exceed max')
    .optional(),
  /**
   * SFU_CONSUMER_BUDGET for a receiving transport (`comedia` false) without `workerIndex`: placed
   * as createWebRtcTransport places a recv transport. Without it: the meeting's first router.
   */
  consumerBudget: z.number().int().min(1).optional(),
});
export const CreatePlainTransportResult = z.object({
  id: z.string(),
  ip: z.string(),
  port: z.number().int(),
  /** Only when rtcpMux is false. */
  rtcpPort: z.number().int().optional(),
  workerIndex: z.number().int(),
  /** Only with enableSrtp: the key the node encrypts what it sends with. */
  srtpParameters: SrtpParametersSchema.optional(),
});
export const ConnectPlainTransportParams = ConnectPipeTransportParams.extend({
  /** Remote RTCP port (rtcpMux false). */
  rtcpPort: z.number().int().min(1).max(65535).optional(),
  /** The remote side's key (required by a transport created with enableSrtp). */
  srtpParameters: SrtpParametersSchema.optional(),
});

/** Method name → params and result schemas. */
export const MediaRpcMethods = {
  getLoad: { params: GetLoadParams, result: GetLoadResult },
  drain: { params: DrainParams, result: DrainResult },
  getRouterRtpCapabilities: { params: GetRouterRtpCapabilitiesParams, result: GetRouterRtpCapabilitiesResult },
  createWebRtcTransport: { params: CreateWebRtcTransportParams, result: CreateWebRtcTransportResult },
  closeRouter: { params: CloseRouterParams, result: CloseRouterResult },
  connectTransport: { params: ConnectTransportParams, result: Empty },
  restartIce: { params: RestartIceParams, result: RestartIceResult },
  closeTransport: { params: CloseTransportParams, result: ClosedResult },
  closePeer: { params: ClosePeerParams, result: ClosePeerResult },
  produce: { params: ProduceParams, result: ProduceResult },
  pauseProducer: { params: PauseResumeParams, result: Empty },
  resumeProducer: { params: PauseResumeParams, result: Empty },
  closeProducer: { params: PauseResumeParams, result: ClosedResult },
  consume: { params: ConsumeParams, result: ConsumeResult },
  pauseConsumer: { params: ConsumerPauseResumeParams, result: Empty },
  resumeConsumer: { params: ResumeConsumerParams, result: Empty },
  closeConsumer: { params: ConsumerPauseResumeParams, result: ClosedResult },
  setPreferredLayers: { params: SetPreferredLayersParams, result: Empty },
  pipeProducer: { params: PipeProducerParams, result: PipeProducerResult },
  getStats: { params: GetStatsParams, result: GetStatsResult },
  createPipeTransport: { params: CreatePipeTransportParams, result: CreatePipeTransportResult },
  connectPipeTransport: { params: ConnectPipeTransportParams, result: Empty },
  pipeConsume: { params: PipeConsumeParams, result: PipeConsumeResult },
  pipeProduce: { params: PipeProduceParams, result: PipeProduceResult },
  createPlainTransport: { params: CreatePlainTransportParams, result: CreatePlainTransportResult },
  connectPlainTransport: { params: ConnectPlainTransportParams, result: Empty },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export type MediaRpcMethod = keyof typeof MediaRpcMethods;
export const MediaRpcMethodNames = Object.keys(MediaRpcMethods) as [MediaRpcMethod, ...MediaRpcMethod[]];

/** What a caller passes (before defaults/transforms). */
export type MediaRpcParams<M extends MediaRpcMethod> = z.input<(typeof MediaRpcMethods)[M]['params']>;
/** What a handler receives (after validation). */
export type MediaRpcParsedParams<M extends MediaRpcMethod> = z.output<(typeof MediaRpcMethods)[M]['params']>;
export type MediaRpcResult<M extends MediaRpcMethod> = z.output<(typeof MediaRpcMethods)[M]['result']>;

/** The envelope of every request; params are then checked against the method's schema. */
export const MediaRpcRequest = z.object({
  method: z.enum(MediaRpcMethodNames, 'unknown method'),
  params: z.unknown().optional(),
});
export type MediaRpcRequest = z.infer<typeof MediaRpcRequest>;

export type MediaRpcAck<R = unknown> = { ok: true; result: R } | { ok: false; error: ErrorInfo };

// --- Notifications (node → servers) ---

export const WorkerDiedData = z.object({
  nodeId: z.string(),
  workerIndex: z.number().int().min(0),
  /** pid of the worker that died. */
  pid: z.number().int(),
  /** Meetings whose router lived on that worker; they must be rebuilt. */
  meetingIds: z.array(z.string()),
});
export type WorkerDiedData = z.infer<typeof WorkerDiedData>;

export const WorkerReplacedData = z.object({
  nodeId: z.string(),
  workerIndex: z.number().int().min(0),
  pid: z.number().int(),
});
export type WorkerReplacedData = z.infer<typeof WorkerReplacedData>;

/** A producer closed on the node (its transport closed, its router closed...). */
export const ProducerClosedData = z.object({ meetingId: z.string(), producerId: z.string() });
/** A consumer closed by the node, not by a request (its producer went away). */
export const ConsumerClosedData = z.object({ meetingId: z.string(), consumerId: z.string(), producerId: z.string() });
/** The meeting's loudest audio producer changed (ActiveSpeakerObserver). */
export const ActiveSpeakerData = z.object({ meetingId: z.string(), producerId: z.string() });
/** A meeting's routers were recreated after a worker died: every transport of it is gone. */
export const MeetingRebuiltData = z.object({ nodeId: z.string(), meetingId: z.string() });

/** The node went into drain (SIGTERM or the `drain` RPC): move its meetings elsewhere. */
export const NodeDrainingData = z.object({ nodeId: z.string() });

export const MediaNotification = z.discriminatedUnion('event', [
  z.object({ event: z.literal('nodeDraining'), data: NodeDrainingData }),
  z.object({ event: z.literal('workerDied'), data: WorkerDiedData }),
  z.object({ event: z.literal('workerReplaced'), data: WorkerReplacedData }),
  z.object({ event: z.literal('producerClosed'), data: ProducerClosedData }),
  z.object({ event: z.literal('consumerClosed'), data: ConsumerClosedData }),
  z.object({ event: z.literal('activeSpeaker'), data: ActiveSpeakerData }),
  z.object({ event: z.literal('meetingRebuilt'), data: MeetingRebuiltData }),
]);
export type MediaNotification = z.infer<typeof MediaNotification>;

// --- Discovery ---

/** The JSON value of a node's Redis registration key. */
export const MediaNodeRegistration = z.object({
  id: z.string().min(1),
  url: z.string().url(),
  load: z.array(WorkerLoadSchema),
  startedAt: z.string(),
  /** Draining: servers place nothing new on it and move its meetings away. */
  draining: z.boolean().optional(),
});
export type MediaNodeRegistration = z.infer<typeof MediaNodeRegistration>;
