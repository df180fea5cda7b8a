import { MeetingsPanel } from '../meeting/MeetingsPanel.js';
import { EmptyState } from '../ui/EmptyState.js';
import { useTitle } from '../ui/useTitle.js';
import styles from './HomePane.module.css';

/** The main pane when nothing is open. */
export function HomePane() {
  useTitle(() => undefined);
  return (
    <div class={styles.home}>
      <div class={styles.hero}>
        <EmptyState
          icon="chat"
          title="Pick a conversation or start a meeting"
          body="Your contacts and conversations are in the sidebar. Meetings you can join show up below."
          testId="main-empty"
        />
      </div>
      <div class={styles.meetings}>
        <MeetingsPanel />
      </div>
    </div>
  );
}
