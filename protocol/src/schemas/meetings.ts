import { z } from 'zod';
import { Id } from './common.js';

export const MeetingAccessSchema = z.enum(['invited', 'link']);

export const StartMeeting = z.object({
  title: z.string().trim().min(1).max(100).optional(),
  inviteeIds: z.array(Id).max(256).optional(),
  conversationId: Id.optional(),
  access: MeetingAccessSchema.optional(),
});
export type StartMeeting = z.infer<typeof StartMeeting>;

export const MeetingRef = z.object({ meetingId: Id });
export type MeetingRef = z.infer<typeof MeetingRef>;

/** An SDP description or an ICE candidate, relayed as-is between two peers (mesh mode). */
export const SignalPayload = z.union([
  z.object({
    description: z.object({
      type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
      sdp: z.string().max(200_000).optional(),
    }),
  }),
  z.object({
    candidate: z
      .object({
        candidate: z.string().max(2_000),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(1_000).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      })
      .nullable(),
  }),
]);
export type SignalPayload = z.infer<typeof SignalPayload>;

export const VideoSignal = z.object({
  meetingId: Id,
  to: Id,
  signal: SignalPayload,
});
export type VideoSignal = z.infer<typeof VideoSignal>;
