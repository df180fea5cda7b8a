import type { Redis } from 'ioredis';
import { AppError } from '../appError.js';
import type { Limits } from '../config/limits.js';
import { consumeOrThrow, createRateLimiter } from './rateLimiter.js';

/**
 * How much one user may create: group conversations, contacts and meeting invitations per hour
 * (shared by every instance through Redis), and how many members or invitees one request may
 * name. Past a size: 400 `bad_request` naming the field; past a rate: 429 `rate_limited`.
 */
export interface CreationLimits {
  /** A new group naming `members` users. */
  group(userId: string, members: number): Promise<void>;
  /** A new contact. */
  contact(userId: string): Promise<void>;
  /** A meeting inviting `explicit` users by id and `total` users in all (conversation members too). */
  invitations(userId: string, explicit: number, total: number): Promise<void>;
}

type CreationSettings = Pick<
  Limits,
  'groupsPerHour' | 'groupMaxMembers' | 'contactsPerHour' | 'invitationsPerHour' | 'meetingMaxInvitees'
>;

export function createCreationLimits(redis: Redis | null, prefix: string, limits: CreationSettings): CreationLimits {
  const groups = createRateLimiter(redis, `${prefix}limit:groups`, limits.groupsPerHour, 3600);
  const contacts = createRateLimiter(redis, `${prefix}limit:contacts`, limits.contactsPerHour, 3600);
  const invitations = createRateLimiter(redis, `${prefix}limit:invitations`, limits.invitationsPerHour, 3600);
  return {
    async group(userId, members) {
      if (members > limits.groupMaxMembers) {
        throw new AppError('bad_request', `a group may name at most ${limits.groupMaxMembers} members`, 'memberIds');
      }
      await consumeOrThrow(groups, userId, 1, 'too many groups created');
    },
    async contact(userId) {
      await consumeOrThrow(contacts, userId, 1, 'too many contacts added');
    },
    async invitations(userId, explicit, total) {
      if (explicit > limits.meetingMaxInvitees) {
        throw new AppError(
          'bad_request',
          `a meeting may invite at most ${limits.meetingMaxInvitees} users`,
          'inviteeIds',
        );
      }
      if (total > 0) await consumeOrThrow(invitations, userId, total, 'too many meeting invitations sent');
    },
  };
}

/** No limits (services built without configuration, e.g. by benchmarks). */
export const noCreationLimits: CreationLimits = {
  group: () => Promise.resolve(),
  contact: () => Promise.resolve(),
  invitations: () => Promise.resolve(),
};
