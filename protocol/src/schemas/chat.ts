import { z } from 'zod';
import type { Message } from '../types.js';
import { Id, MessageId } from './common.js';
import { MultiLine, SingleLine } from './text.js';

export const MAX_MESSAGE_LENGTH = 4000;
/**
 * Unread counts stop at this value (show it as "999+"), so counting stays a short index scan
 * however much of a busy conversation a member has not read.
 */
export const UNREAD_COUNT_LIMIT = 1000;

export const SendMessage = z.object({
  conversationId: Id,
  clientId: SingleLine().min(1).max(64),
  text: MultiLine()
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
  q: SingleLine().max(32).default(''),
});

export const AddContactBody = z.object({ userId: Id });
export type AddContactBody = z.infer<typeof AddContactBody>;

export const CreateConversationBody = z.object({
  title: SingleLine().trim().min(1).max(100),
  /** The server's GROUP_MAX_MEMBERS (default 500) applies below this ceiling. */
  memberIds: z.array(Id).min(1).max(1000),
});
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

/** `GET /api/conversations?limit=`: at most the server's CONVERSATION_LIST_LIMIT (default 200). */
export const ConversationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;

/**
 * `GET /api/contacts?limit=&after=`: one page by username, at most the server's
 * CONTACT_LIST_LIMIT (default 1000); `after` is the last username of the previous page.
 */
export const ContactListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  after: SingleLine().min(1).max(32).optional(),
});
export type ContactListQuery = z.infer<typeof ContactListQuery>;

export const HistoryQuery = z.object({
  before: MessageId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** Path parameters of `/api/conversations/:id/...`. */
export const ConversationParams = z.object({ id: Id });
export type ConversationParams = z.infer<typeof ConversationParams>;

// Server → client payloads and acknowledgement results of the chat events.

/** s→c `message`, and the ack of c→s `message` (`{ok: true, message}`). */
export interface ChatMessageEvent {
  message: Message;
}

/** s→c `typing`, to the other members of the conversation. */
export interface TypingEvent {
  conversationId: string;
  userId: string;
  isTyping: boolean;
}

/**
 * s→c `read`, to every socket of the user who sent `mark_read` (their other tabs update), and
 * the ack of `mark_read`. `messageId` is the last-read mark after the update: it never moves
 * backwards, so a stale tab cannot undo a newer mark.
 */
export interface ReadEvent {
  conversationId: string;
  messageId: string;
  unreadCount: number;
}
