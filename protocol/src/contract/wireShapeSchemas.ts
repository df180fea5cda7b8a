import { z } from 'zod';
import { ErrorCodes } from '../errors.js';
import { MeetingAccessSchema } from '../schemas/meetings.js';

/*
 * Run-time schemas of the shapes the server sends (protocol/src/types.ts and the event
 * interfaces of schemas/*), for checking what arrives in acks. Their inferred types equal the
 * interfaces they mirror (test/contract/ackSchemas.test.ts checks it), so those stay the names
 * the code uses.
 */

export const UserSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string() });

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  senderId: z.string(),
  text: z.string(),
  clientId: z.string(),
  createdAt: z.string(),
});

export const MeetingModeSchema = z.enum(['mesh', 'sfu']);

export const MeetingSchema = z.object({
  id: z.string(),
  title: z.string(),
  hostId: z.string(),
  conversationId: z.string().optional(),
  access: MeetingAccessSchema,
  status: z.enum(['active', 'ended']),
  mode: MeetingModeSchema,
  createdAt: z.string(),
  endedAt: z.string().optional(),
});

export const ParticipantSchema = z.object({ peerId: z.string(), user: UserSchema });

export const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

export const LobbyRequestSchema = z.object({ meetingId: z.string(), requestId: z.string(), user: UserSchema });

export const RoomFeatureStateSchema = z.object({
  locked: z.boolean(),
  hands: z.array(z.object({ userId: z.string(), peerId: z.string().nullable(), order: z.number() })),
  lobby: z.array(LobbyRequestSchema).optional(),
});

export const ErrorInfoSchema = z.object({
  code: z.enum(ErrorCodes),
  message: z.string(),
  field: z.string().optional(),
  retryAfterMs: z.number().optional(),
});
