import { Show, type JSX } from 'solid-js';
import { Icon, type IconName } from './icons.js';
import styles from './EmptyState.module.css';

export function EmptyState(props: {
  title: string;
  body?: JSX.Element;
  icon?: IconName;
  action?: JSX.Element;
  compact?: boolean;
  testId?: string;
}) {
  return (
    <div class={`${styles.empty} ${props.compact ? styles.compact : ''}`} data-testid={props.testId}>
      <Show when={props.icon && !props.compact}>
        <span class={styles.icon}>
          <Icon name={props.icon ?? 'chat'} size={26} />
        </span>
      </Show>
      <p class={styles.title}>{props.title}</p>
      <Show when={props.body}>
        <p class={styles.body}>{props.body}</p>
      </Show>
      <Show when={props.action}>
        <div class={styles.action}>{props.action}</div>
      </Show>
    </div>
  );
}
