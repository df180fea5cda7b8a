import { createEffect, createSignal, Show } from 'solid-js';
import { Composer } from '../../chat/Composer.js';
import { MessageList } from '../../chat/MessageList.js';
import { TypingIndicator } from '../../chat/TypingIndicator.js';
import { conversations, loadConversations } from '../../state/conversations.js';
import { markConversationRead, pageVisible } from '../../state/readMarks.js';
import styles from './MeetingChatPanel.module.css';

/**
 * The meeting's chat beside the video: its conversation with the chat pages' message list,
 * composer (exactly-once sending through the outbox) and typing line. The server made this user
 * a member when it joined, so the conversation list is loaded again if it does not know it yet.
 */
export function MeetingChatPanel(props: { conversationId: string; onClose: () => void }) {
  const conversation = () => conversations.get(props.conversationId);
  const [looked, setLooked] = createSignal(false);
  createEffect(() => {
    if (conversation() || looked()) return;
    setLooked(true);
    void loadConversations();
  });
  createEffect(() => {
    const current = conversation();
    if (current && pageVisible()) markConversationRead(current.id);
  });
  return (
    <aside class={styles.panel} aria-label="Meeting chat" data-testid="meeting-chat">
      <div class={styles.header}>
        <h2 class={styles.title}>Chat</h2>
        <button type="button" class={styles.close} aria-label="Close the chat" onClick={() => props.onClose()}>
          ×
        </button>
      </div>
      <Show when={conversation()} keyed fallback={<p class={styles.loading}>Loading the chat…</p>}>
        {(current) => (
          <div class={styles.body}>
            <MessageList conversation={current} />
            <TypingIndicator conversation={current} />
            <Composer conversation={current} />
          </div>
        )}
      </Show>
    </aside>
  );
}

/** The unread count of the meeting's chat (for the Chat button), 0 when unknown. */
export function meetingChatUnread(conversationId: string | undefined): number {
  return conversationId ? (conversations.get(conversationId)?.unreadCount ?? 0) : 0;
}
