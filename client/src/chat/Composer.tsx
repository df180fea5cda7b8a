import { MAX_MESSAGE_LENGTH, type Conversation } from '@parley/protocol';
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { sendMessage } from '../state/outbox.js';
import { realtime } from '../state/realtime.js';
import { session } from '../state/session.js';
import { Icon } from '../ui/icons.js';
import { conversationTitle } from './conversationInfo.js';
import { TypingEmitter } from './TypingEmitter.js';
import styles from './Composer.module.css';

/** Unsent text per conversation, kept while the page lives (switching back finds it). */
const drafts = new Map<string, string>();
const COUNTER_FROM = MAX_MESSAGE_LENGTH - 500;
const MAX_HEIGHT_PX = 180;

/**
 * The message box: Enter sends, Shift+Enter starts a new line. Typing emits `typing` (true at
 * most every 2 s; false on send, on blur, when cleared, when leaving the conversation).
 */
export function Composer(props: { conversation: Conversation; onSent?: () => void }) {
  const conversationId = props.conversation.id;
  const [text, setText] = createSignal(drafts.get(conversationId) ?? '');
  let textarea: HTMLTextAreaElement | undefined;

  const typing = new TypingEmitter((isTyping) => {
    realtime()
      ?.request('typing', { conversationId, isTyping }, { timeoutMs: 5000 })
      .catch(() => {
        // Typing is best effort; the others' indicators expire on their own.
      });
  });
  onCleanup(() => typing.stop());

  const tooLong = () => text().length > MAX_MESSAGE_LENGTH;
  const canSend = () => text().trim().length > 0 && !tooLong();
  const placeholder = () => `Message ${conversationTitle(props.conversation, session.user()?.id ?? '')}`;

  const fit = () => {
    if (!textarea) return;
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
  };

  const update = (value: string) => {
    setText(value);
    if (value) drafts.set(conversationId, value);
    else drafts.delete(conversationId);
    fit();
  };

  onMount(() => {
    fit();
    // Desktop: ready to type. Phones: no keyboard popping up uninvited.
    if (window.matchMedia('(pointer: fine)').matches) textarea?.focus({ preventScroll: true });
  });

  function send() {
    if (!canSend()) return;
    const value = text();
    typing.stop();
    sendMessage(conversationId, value);
    update('');
    textarea?.focus();
    props.onSent?.();
  }

  return (
    <form
      class={styles.composer}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div class={styles.box} classList={{ [styles.invalid!]: tooLong() }}>
        <label class="visually-hidden" for={`composer-${conversationId}`}>
          {placeholder()}
        </label>
        <textarea
          ref={(element) => (textarea = element)}
          id={`composer-${conversationId}`}
          class={styles.input}
          rows={1}
          placeholder={placeholder()}
          value={text()}
          onInput={(event) => {
            update(event.currentTarget.value);
            typing.input(event.currentTarget.value.trim().length > 0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
          onBlur={() => typing.stop()}
          aria-invalid={tooLong() ? 'true' : undefined}
          aria-describedby={tooLong() ? `composer-${conversationId}-count` : undefined}
          data-testid="composer"
        />
        <button
          type="submit"
          class={styles.send}
          disabled={!canSend()}
          aria-label="Send"
          title="Send (Enter)"
          data-testid="send"
        >
          <Icon name="send" size={20} />
        </button>
      </div>
      <div class={styles.hints}>
        <span class={styles.hint}>
          <kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
        </span>
        <Show when={text().length >= COUNTER_FROM}>
          <span
            class={styles.counter}
            classList={{ [styles.over!]: tooLong() }}
            id={`composer-${conversationId}-count`}
          >
            {text().length} / {MAX_MESSAGE_LENGTH}
          </span>
        </Show>
      </div>
    </form>
  );
}
