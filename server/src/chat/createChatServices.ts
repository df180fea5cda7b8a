import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { ClientRooms, RoomEmit } from '../clientRooms.js';
import type { CreationLimits } from '../limits/creationLimits.js';
import type { Logger } from '../logger.js';
import { ChatNotifier } from './ChatNotifier.js';
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
  /**
   * Where messages, read marks and typing go to clients. Absent: nowhere (tools that use the
   * services in process without a Socket.io server, e.g. bench/chat).
   */
  io?: ClientRooms;
  /** Message batches written at the same time (MessageWriter's concurrency). */
  writeConcurrency?: number;
  /** Groups and contacts a user may create (none: unlimited). */
  limits?: CreationLimits;
  /** Messages waiting for the writer at most (CHAT_WRITE_QUEUE; default 10 000). */
  writeQueue?: number;
  /** Typing relays per user and conversation at most one per this (TYPING_RELAY_INTERVAL_MS; default 1000). */
  typingIntervalMs?: number;
}

/** Rooms with no client in them: what is sent to them reaches nobody. */
const toNobody: RoomEmit = { except: () => toNobody, emit: () => false };
const unconnectedRooms: ClientRooms = {
  to: () => toNobody,
  in: () => ({ socketsLeave: () => {} }),
  sockets: { sockets: new Map() },
};

export function createChatServices({
  db,
  redis,
  redisPrefix,
  logger,
  io = unconnectedRooms,
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
  const notifier = new ChatNotifier(io);
  const typing = new TypingService(conversations, new TypingThrottle({ intervalMs: typingIntervalMs }), notifier);
  return {
    users,
    contacts: new ContactService(db, users, membership, limits),
    conversations,
    messages: new MessageService(
      db,
      conversations,
      new MessageWriter(db, { concurrency: writeConcurrency, maxQueue: writeQueue }),
      typing,
      notifier,
    ),
    readState: new ReadStateService(db, conversations, notifier),
    typing,
    membership,
    close: async () => {
      await bus?.close();
    },
  };
}
