import { Show } from 'solid-js';
import { Avatar } from './Avatar.js';
import styles from './PresenceAvatar.module.css';

/** An avatar with a presence dot in its corner (green online, hollow grey offline). */
export function PresenceAvatar(props: { name: string; seed?: string; size?: number; online?: boolean | undefined }) {
  const dot = () => Math.max(8, Math.round((props.size ?? 32) * 0.27));
  return (
    <span class={styles.wrap}>
      <Avatar name={props.name} seed={props.seed ?? props.name} size={props.size ?? 32} />
      <Show when={props.online !== undefined}>
        <span
          class={`${styles.dot} ${props.online ? styles.online : styles.offline}`}
          style={{ width: `${dot()}px`, height: `${dot()}px` }}
          role="img"
          aria-label={props.online ? 'Online' : 'Offline'}
        />
      </Show>
    </span>
  );
}
