import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { CreationLimits } from '../limits/creationLimits.js';
import type { Logger } from '../logger.js';
import { ContactService } from './ContactService.js';
import { ConversationService } from './ConversationService.js';
import { MembershipCache } from './MembershipCache.js';
import { MessageService } from './MessageService.js';
import { MessageWriter } from './MessageWriter.js';
import { ReadStateService } from './ReadStateService.js';
import { RedisInvalidationBus } from './redisInvalidationBus.js';
import { TypingService } from './TypingService.js';
import { TypingThrottle } from './TypingThrottle.js';
import { UserDirectory } from './UserDirectory.js';
import { isUuid } from './wire.js';

export interface ChatServices {
  users: UserDirectory;
  contacts: ContactService;
  conversations: ConversationService;
  messages: MessageService;
  readState: ReadStateService;
  typing: TypingService;
  membership: MembershipCache;
  /** Ends the membership invalidation subscriber (Redis only). */
  close(): Promise<void>;
}

export interface ChatDeps {
  db: Knex;
  /** With Redis, membership invalidations reach every instance. */
  redis: Redis | null;
  redisPrefix: string;
  logger: Logger;
  /** Message batches written at the same time (MessageWriter's concurrency). */
  writeConcurrency?: number;
  /** Groups and contacts a user may create (none: unlimited). */
  limits?: CreationLimits;
  /** Messages waiting for the writer at most (CHAT_WRITE_QUEUE; default 10 000). */
  writeQueue?: number;
  /** Typing relays per user and conversation at most one per this (TYPING_RELAY_INTERVAL_MS; default 1000). */
  typingIntervalMs?: number;
}

export function createChatServices({
  db,
  redis,
  redisPrefix,
  logger,
  writeConcurrency,
  limits,
  writeQueue,
  typingIntervalMs,
}: ChatDeps): ChatServices {
  const loadMembers = async (conversationId: string): Promise<string[]> =>
    isUuid(conversationId)
      ? db('conversation_members').where('conversation_id', conversationId).pluck<string[]>('user_id')
      : [];
  const bus = redis ? new RedisInvalidationBus(redis, redisPrefix, logger.child({ component: 'chat' })) : null;
  const membership = new MembershipCache(loadMembers, bus);
  const users = new UserDirectory(db);
  const conversations = new ConversationService(db, users, membership, limits);
  return {
    users,
    contacts: new ContactService(db, users, membership, limits),
    conversations,
    messages: new MessageService(
      db,
      conversations,
      new MessageWriter(db, { concurrency: writeConcurrency, maxQueue: writeQueue }),
    ),
    readState: new ReadStateService(db, conversations),
    typing: new TypingService(conversations, new TypingThrottle({ intervalMs: typingIntervalMs })),
    membership,
    close: async () => {
      await bus?.close();
    },
  };
}
