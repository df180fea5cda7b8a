import { Match, Show, Switch } from 'solid-js';
import { retryMessage } from '../state/outbox.js';
import { connectionState } from '../state/realtime.js';
import { Avatar } from '../ui/Avatar.js';
import { Icon } from '../ui/icons.js';
import type { MessagePlacement } from './messageLayout.js';
import { MessageText } from './MessageText.js';
import { RelativeTime } from './RelativeTime.js';
import type { ChatMessage } from './thread.js';
import styles from './MessageList.module.css';

/**
 * One message: a bubble (mine on the right), its sender and relative time at the start of a run,
 * and its delivery state when it is not confirmed yet: pending, or failed with a Retry button.
 */
export function MessageItem(props: { message: ChatMessage; placement: MessagePlacement }) {
  const m = () => props.message;
  const p = () => props.placement;
  return (
    <li
      class={styles.message}
      classList={{
        [styles.mine!]: p().mine,
        [styles.start!]: p().groupStart,
        [styles.end!]: p().groupEnd,
        [styles.failed!]: m().status === 'failed',
        [styles.pending!]: m().status === 'pending',
      }}
      data-testid="message"
      data-status={m().status}
      data-message-id={m().id ?? undefined}
      data-client-id={m().clientId}
      data-sender-id={m().senderId}
      data-mine={p().mine ? 'true' : 'false'}
    >
      <div class={styles.gutter}>
        <Show when={!p().mine && p().groupStart}>
          <Avatar name={p().senderName} seed={m().senderId} size={32} />
        </Show>
      </div>
      <div class={styles.body}>
        <Show when={p().groupStart}>
          <div class={styles.meta}>
            <Show when={!p().mine && p().showName}>
              <span class={styles.sender}>{p().senderName}</span>
            </Show>
            <Show when={m().status === 'sent'} fallback={<span class={styles.time}>just now</span>}>
              <RelativeTime iso={m().createdAt} class={styles.time} />
            </Show>
          </div>
        </Show>
        <div class={styles.bubble}>
          <span class="visually-hidden">{p().mine ? 'You: ' : `${p().senderName}: `}</span>
          <span data-testid="message-text">
            <MessageText text={m().text} />
          </span>
        </div>
        <Switch>
          <Match when={m().status === 'pending'}>
            <div class={styles.state} data-testid="message-pending">
              <Icon name="clock" size={14} />
              {connectionState() === 'connected' ? 'Sending…' : 'Waiting for connection…'}
            </div>
          </Match>
          <Match when={m().status === 'failed'}>
            <div class={`${styles.state} ${styles.stateFailed}`} role="alert">
              <Icon name="alert" size={14} />
              <span title={m().error}>Not sent</span>
              <button
                type="button"
                class={styles.retry}
                onClick={() => retryMessage(m().conversationId, m().clientId)}
                data-testid="retry"
              >
                <Icon name="retry" size={14} />
                Retry
              </button>
            </div>
          </Match>
        </Switch>
      </div>
    </li>
  );
}
