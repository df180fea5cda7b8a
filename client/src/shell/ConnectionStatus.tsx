import { Show } from 'solid-js';
import type { ConnectionState } from '../api/socket.js';
import { connectionState } from '../state/realtime.js';
import styles from './ConnectionStatus.module.css';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
  unauthorized: 'Signed out',
};

/** The live-connection indicator: a quiet dot when all is well, words when it is not. */
export function ConnectionStatus() {
  const state = () => connectionState();
  const tone = () =>
    state() === 'connected'
      ? styles.connected
      : state() === 'connecting' || state() === 'reconnecting'
        ? styles.pending
        : styles.down;
  return (
    <span
      class={`${styles.status} ${tone()}`}
      role="status"
      aria-live="polite"
      title={LABELS[state()]}
      data-testid="connection-status"
      data-state={state()}
    >
      <span class={styles.dot} aria-hidden="true" />
      <Show when={state() !== 'connected'} fallback={<span class="visually-hidden">{LABELS.connected}</span>}>
        <span>{LABELS[state()]}</span>
      </Show>
    </span>
  );
}
