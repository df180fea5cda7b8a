/**
 * Shapes shared by the media RPC's methods (mediaRpc.ts): WebRTC parameters as mediasoup types
 * them (extra fields that a newer mediasoup adds are kept, not stripped) and a worker's load.
 */
import { z } from 'zod';
import { SingleLine } from './schemas/text.js';

export const MediaKindSchema = z.enum(['audio', 'video']);

export const RtcpFeedbackSchema = z.looseObject({
  type: SingleLine(),
  parameter: SingleLine().optional(),
});

export const RtpCodecCapabilitySchema = z.looseObject({
  kind: MediaKindSchema,
  mimeType: SingleLine(),
  preferredPayloadType: z.number().int().optional(),
  clockRate: z.number().int(),
  channels: z.number().int().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).optional(),
});

export const RtpHeaderExtensionSchema = z.looseObject({
  kind: MediaKindSchema,
  uri: SingleLine(),
  preferredId: z.number().int(),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(RtpCodecCapabilitySchema).optional(),
  headerExtensions: z.array(RtpHeaderExtensionSchema).optional(),
});
export type RtpCapabilitiesWire = z.infer<typeof RtpCapabilitiesSchema>;

export const IceParametersSchema = z.looseObject({
  usernameFragment: z.string(),
  password: z.string(),
  iceLite: z.boolean().optional(),
});

export const IceCandidateSchema = z.looseObject({
  foundation: z.string(),
  priority: z.number(),
  ip: z.string().optional(),
  address: z.string(),
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int(),
  type: z.string(),
  tcpType: z.string().optional(),
});

export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.looseObject({ algorithm: SingleLine(), value: SingleLine() })),
});

export const SctpParametersSchema = z.looseObject({
  port: z.number().int(),
  OS: z.number().int(),
  MIS: z.number().int(),
  maxMessageSize: z.number().int(),
});

/** Load of one mediasoup worker (one core) of a media node. */
export const WorkerLoadSchema = z.object({
  /** 0-based index; the worker's WebRtcServer listens on MEDIA_RTC_PORT + index. */
  index: z.number().int().min(0),
  pid: z.number().int(),
  /** Fraction of one core used by the worker process over the last sampling period. */
  cpu: z.number().min(0),
  /**
   * Raw figures of the last sample (benchmarks compute CPU over their own window from two of
   * them): the worker's ru_utime + ru_stime in ms (getResourceUsage) and when it was taken (epoch ms).
   */
  cpuMs: z.number().min(0).optional(),
  sampledAt: z.number().int().min(0).optional(),
  routers: z.number().int().min(0),
  transports: z.number().int().min(0),
  producers: z.number().int().min(0),
  consumers: z.number().int().min(0),
});
export type WorkerLoad = z.infer<typeof WorkerLoadSchema>;
