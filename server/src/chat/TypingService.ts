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
    private readonly throttle: TypingThrottle = new TypingThrottle(),
    private readonly now: () => number = Date.now,
  ) {}

  async update(userId: string, input: Typing): Promise<TypingRelay> {
    const members = await this.conversations.requireMember(input.conversationId, userId);
    if (!this.throttle.shouldRelay(userId, input.conversationId, input.isTyping, this.now())) {
      return { recipientIds: [] };
    }
    return { recipientIds: [...members].filter((id) => id !== userId) };
  }
}
