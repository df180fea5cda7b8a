import type { User } from '@parley/protocol';
import styles from './UserNames.module.css';

/**
 * A user's display name over their @username, each cut with an ellipsis when too long; it takes
 * the free width of its row (search results, the members of a new group).
 */
export function UserNames(props: { user: Pick<User, 'displayName' | 'username'> }) {
  return (
    <span class={styles.names}>
      <span class={styles.name}>{props.user.displayName}</span>
      <span class={styles.username}>@{props.user.username}</span>
    </span>
  );
}
