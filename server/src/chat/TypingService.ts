import type { Typing } from '@parley/protocol';
import type { ChatNotifier } from './ChatNotifier.js';
import type { ConversationService } from './ConversationService.js';
import type { TypingThrottle } from './TypingThrottle.js';

/**
 * Typing indicators: membership check, then the throttle decides whether to relay (`typing`) to
 * the other members: at most about once a second per user and conversation, a change within the
 * interval going at its end.
 */
export class TypingService {
  constructor(
    private readonly conversations: ConversationService,
    private readonly throttle: TypingThrottle,
    private readonly notifier: ChatNotifier,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async update(userId: string, input: Typing): Promise<void> {
    const members = await this.conversations.requireMember(input.conversationId, userId);
    const recipientIds = [...members].filter((id) => id !== userId);
    const relay = () =>
      this.notifier.typing(recipientIds, { conversationId: input.conversationId, userId, isTyping: input.isTyping });
    if (this.throttle.shouldRelay(userId, input.conversationId, input.isTyping, this.now(), relay)) relay();
  }

  /** A message from the user ends their typing in that conversation for everyone. */
  messageSent(userId: string, conversationId: string): void {
    this.throttle.messageSent(userId, conversationId);
  }
}
