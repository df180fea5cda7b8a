import { z } from 'zod';
import { Id, MessageId } from './common.js';

export const MAX_MESSAGE_LENGTH = 4000;

export const SendMessage = z.object({
  conversationId: Id,
  clientId: z.string().min(1).max(64),
  text: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`)
    .refine((t) => t.trim().length > 0, 'must not be blank'),
});
export type SendMessage = z.infer<typeof SendMessage>;

export const Typing = z.object({
  conversationId: Id,
  isTyping: z.boolean(),
});
export type Typing = z.infer<typeof Typing>;

export const MarkRead = z.object({
  conversationId: Id,
  messageId: MessageId,
});
export type MarkRead = z.infer<typeof MarkRead>;

export const UserSearchQuery = z.object({
  q: z.string().max(32).default(''),
});

export const AddContactBody = z.object({ userId: Id });
export type AddContactBody = z.infer<typeof AddContactBody>;

export const CreateConversationBody = z.object({
  title: z.string().trim().min(1).max(100),
  memberIds: z.array(Id).min(1).max(256),
});
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

export const HistoryQuery = z.object({
  before: MessageId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;
