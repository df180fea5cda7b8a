import type { Conversation } from '@parley/protocol';
import { Show } from 'solid-js';
import { typingIn } from '../state/typing.js';
import { senderName } from './conversationInfo.js';
import { typingText } from './typingText.js';
import styles from './ConversationPage.module.css';

/** "Ada is typing…" under the messages; the line keeps its height so nothing jumps. */
export function TypingIndicator(props: { conversation: Conversation }) {
  const text = () => typingText(typingIn(props.conversation.id).map((id) => senderName(props.conversation, id)));
  return (
    <div class={styles.typingRow} aria-live="polite">
      <Show when={text()}>
        <p class={styles.typing} data-testid="typing-indicator">
          <span class={styles.dots} aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text()}
        </p>
      </Show>
    </div>
  );
}
