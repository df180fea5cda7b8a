import { z } from 'zod';
import { IceParametersSchema, MediaKindSchema, RtpCapabilitiesSchema } from '../mediaRpcShapes.js';
import { SrtpParametersSchema } from '../mediaRpc.js';
import { MediaSourceSchema, RtpParametersSchema, SfuTransportInfo } from '../schemas/sfu.js';
import {
  ErrorInfoSchema,
  IceServerSchema,
  MeetingModeSchema,
  MeetingSchema,
  MessageSchema,
  ParticipantSchema,
  RoomFeatureStateSchema,
} from './wireShapeSchemas.js';

/*
 * The schemas of the acks' bodies (`{ok: true, ...}` without `ok`) in the socket contract
 * (clientEventContract.ts). Each inferred type equals the interface the server builds
 * (test/contract/ackSchemas.test.ts). Extra fields pass (objects are not strict): the server may
 * add one before a client knows it.
 */

/** The body of an ack that carries nothing but `ok: true`. */
export type NoFields = Record<never, never>;
/** Its schema: an object (zod would type a bare `z.object({})` as `Record<string, never>`). */
export const NoFieldsAck = z.object({}).transform((body): NoFields => body);

/** A media object mediasoup-client takes as is (capabilities, ICE parameters): checked, typed `unknown`. */
const opaque = (schema: z.ZodType<object>) => schema.transform((value): unknown => value);

export const ChatMessageAck = z.object({ message: MessageSchema });

export const ReadAck = z.object({ conversationId: z.string(), messageId: z.string(), unreadCount: z.number() });

export const StartMeetingAck = z.object({ meeting: MeetingSchema });

export const RoomInfoAck = z.object({
  meeting: MeetingSchema,
  mode: MeetingModeSchema,
  participants: z.array(ParticipantSchema),
});

export const JoinMeetingAck = RoomInfoAck.extend({
  selfPeerId: z.string(),
  iceServers: z.array(IceServerSchema),
  iceServersTtl: z.number().optional(),
  room: RoomFeatureStateSchema.optional(),
  sfu: z
    .object({
      rtpCapabilities: opaque(RtpCapabilitiesSchema),
      transports: z.object({ send: SfuTransportInfo, recv: SfuTransportInfo }).optional(),
      adopted: z.literal(true).optional(),
    })
    .optional(),
});

export const PingAck = z.object({ instanceId: z.string(), echo: z.string().optional() });

export const RaiseHandAck = z.object({ order: z.number().optional() });

export const MuteEveryoneAck = z.object({ muted: z.number() });

export const SfuCapabilitiesAck = z.object({ rtpCapabilities: opaque(RtpCapabilitiesSchema) });

export const SfuRestartIceAck = z.object({ iceParameters: opaque(IceParametersSchema) });

export const SfuProduceAck = z.object({ producerId: z.string() });

export const SfuProducerInfoSchema = z.object({
  producerId: z.string(),
  peerId: z.string(),
  userId: z.string(),
  kind: MediaKindSchema,
  source: MediaSourceSchema,
  paused: z.boolean(),
});

export const SfuProducersAck = z.object({ producers: z.array(SfuProducerInfoSchema) });

export const SfuConsumerInfoSchema = z.object({
  consumerId: z.string(),
  producerId: z.string(),
  peerId: z.string(),
  kind: MediaKindSchema,
  source: MediaSourceSchema,
  rtpParameters: RtpParametersSchema,
  type: z.string(),
  producerPaused: z.boolean(),
});

export const SfuReportTilesAck = z.object({ applied: z.number() });

export const SfuConsumeManyAck = z.object({
  consumers: z.array(
    z.discriminatedUnion('ok', [
      z.object({ producerId: z.string(), ok: z.literal(true), consumer: SfuConsumerInfoSchema }),
      z.object({ producerId: z.string(), ok: z.literal(false), error: ErrorInfoSchema }),
    ]),
  ),
});

export const SfuResumeConsumersAck = z.object({
  consumers: z.array(
    z.discriminatedUnion('ok', [
      z.object({ consumerId: z.string(), ok: z.literal(true) }),
      z.object({ consumerId: z.string(), ok: z.literal(false), error: ErrorInfoSchema }),
    ]),
  ),
});

export const SfuMigratedAck = z.object({ closing: z.number() });

export const SfuPlainTransportAck = z.object({
  transportId: z.string(),
  ip: z.string(),
  port: z.number(),
  srtpParameters: SrtpParametersSchema.optional(),
});
