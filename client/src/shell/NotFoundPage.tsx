import { A } from '@solidjs/router';
import { EmptyState } from '../ui/EmptyState.js';
import { useTitle } from '../ui/useTitle.js';
import styles from './NotFoundPage.module.css';

export function NotFoundPage() {
  useTitle(() => 'Not found');
  return (
    <div class={styles.page}>
      <EmptyState
        icon="alert"
        title="This page does not exist"
        body="The link may be broken or the page may have moved."
        action={<A href="/">Go to Parley</A>}
      />
    </div>
  );
}
