import type { RaisedHand, ReactionEmoji, User } from '@parley/protocol';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrThrow } from '../limits/rateLimiter.js';
import type { RoomStore } from '../meetings/RoomStore.js';
import type { RoomAccess } from './RoomAccess.js';
import type { RoomFeatureNotifier } from './RoomFeatureNotifier.js';
import type { RoomFeatureStore } from './RoomFeatureStore.js';

/**
 * Raised hands (a queue in raising order, per user so that it holds through a reload) and
 * reactions (a fixed emoji set, rate-limited per user across instances).
 */
export class RoomHands {
  constructor(
    private readonly deps: {
      rooms: RoomStore;
      store: RoomFeatureStore;
      access: RoomAccess;
      notifier: RoomFeatureNotifier;
      reactionLimiter: RateLimiterAbstract;
    },
  ) {}

  /** `raise_hand`: the caller's own hand. */
  async raise(socketId: string, meetingId: string, raised: boolean): Promise<{ order?: number }> {
    const self = await this.deps.access.self(socketId, meetingId);
    if (raised) {
      const order = await this.deps.store.raiseHand(meetingId, self.userId);
      this.deps.notifier.handRaised({ meetingId, peerId: self.peerId, userId: self.userId, raised, order });
      return { order };
    }
    if (await this.deps.store.lowerHand(meetingId, self.userId)) {
      this.deps.notifier.handRaised({ meetingId, peerId: self.peerId, userId: self.userId, raised: false });
    }
    return {};
  }

  /** `lower_hand`: the host lowers a participant's hand. */
  async lowerByHost(user: User, meetingId: string, peerId: string): Promise<void> {
    await this.deps.access.host(user.id, meetingId);
    const target = await this.deps.access.target(meetingId, peerId);
    if (await this.deps.store.lowerHand(meetingId, target.userId)) {
      this.deps.notifier.handRaised({
        meetingId,
        peerId: target.peerId,
        userId: target.userId,
        raised: false,
        byHost: true,
      });
    }
  }

  /** A participant left on purpose or was removed: its hand goes down (a reload keeps it). */
  async lowerOnLeave(meetingId: string, peerId: string, userId: string): Promise<void> {
    if (await this.deps.store.lowerHand(meetingId, userId)) {
      this.deps.notifier.handRaised({ meetingId, peerId, userId, raised: false });
    }
  }

  /** The queue, with each user's current peer (null when not in the room right now). */
  async snapshot(meetingId: string): Promise<RaisedHand[]> {
    const userIds = await this.deps.store.hands(meetingId);
    // Every join asks for this: the room is only read when somebody has a hand up.
    if (userIds.length === 0) return [];
    const peers = await this.deps.rooms.listPeers(meetingId);
    const peerOf = new Map(peers.map((p) => [p.userId, p.peerId]));
    return userIds.map((userId, i) => ({ userId, peerId: peerOf.get(userId) ?? null, order: i + 1 }));
  }

  /** `reaction`: shown to everyone, at most REACTION_RATE_LIMIT per 10 s per user. */
  async react(socketId: string, meetingId: string, emoji: ReactionEmoji): Promise<void> {
    const self = await this.deps.access.self(socketId, meetingId);
    await consumeOrThrow(this.deps.reactionLimiter, self.userId, 1, 'too many reactions');
    this.deps.notifier.reaction({ meetingId, peerId: self.peerId, emoji });
  }
}
