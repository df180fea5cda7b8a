import { A } from '@solidjs/router';
import { EmptyState } from '../ui/EmptyState.js';
import { useTitle } from '../ui/useTitle.js';

export function NotFoundPage() {
  useTitle(() => 'Not found');
  return (
    <div style={{ display: 'grid', 'place-items': 'center', 'min-height': '100%', padding: 'var(--space-6)' }}>
      <EmptyState
        icon="alert"
        title="This page does not exist"
        body="The link may be broken or the page may have moved."
        action={<A href="/">Go to Parley</A>}
      />
    </div>
  );
}
