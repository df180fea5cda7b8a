import type { Typing } from '@parley/protocol';
import type { ConversationService } from './ConversationService.js';
import { TypingThrottle } from './TypingThrottle.js';

export interface TypingRelay {
  /** The other members, or empty when this update is throttled. */
  recipientIds: string[];
}

/** Typing indicators: membership check, then the throttle decides whether to relay. */
export class TypingService {
  constructor(
    private readonly conversations: ConversationService,
    private readonly throttle: TypingThrottle,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `relayLater` receives the recipients of an update held by the throttle (a change within its
   * interval), when the interval ends.
   */
  async update(userId: string, input: Typing, relayLater?: (recipientIds: string[]) => void): Promise<TypingRelay> {
    const members = await this.conversations.requireMember(input.conversationId, userId);
    const recipientIds = [...members].filter((id) => id !== userId);
    const later = relayLater && (() => relayLater(recipientIds));
    if (!this.throttle.shouldRelay(userId, input.conversationId, input.isTyping, this.now(), later)) {
      return { recipientIds: [] };
    }
    return { recipientIds };
  }

  /** A message from the user ends their typing in that conversation for everyone. */
  messageSent(userId: string, conversationId: string): void {
    this.throttle.messageSent(userId, conversationId);
  }
}
