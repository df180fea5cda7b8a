import styles from './FullPageSpinner.module.css';

export function FullPageSpinner(props: { label?: string }) {
  return (
    <div class={styles.wrap} role="status" aria-live="polite" data-testid="page-loading">
      <span class={styles.spinner} aria-hidden="true" />
      <span class="visually-hidden">{props.label ?? 'Loading…'}</span>
    </div>
  );
}
