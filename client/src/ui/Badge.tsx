import { Show } from 'solid-js';
import styles from './Badge.module.css';

/** A count pill (unread messages). Nothing when the count is 0; "99+" above 99. */
export function Badge(props: { count: number; label?: string; testId?: string }) {
  return (
    <Show when={props.count > 0}>
      <span
        class={styles.badge}
        data-testid={props.testId}
        data-count={props.count}
        aria-label={props.label ?? `${props.count} unread`}
      >
        {props.count > 99 ? '99+' : props.count}
      </span>
    </Show>
  );
}
