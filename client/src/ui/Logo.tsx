import { Show } from 'solid-js';
import styles from './Logo.module.css';

/** The Parley mark (a speech bubble) with the word mark next to it. */
export function Logo(props: { size?: number; withText?: boolean; inverse?: boolean }) {
  const size = () => props.size ?? 32;
  return (
    <span class={`${styles.logo} ${props.inverse ? styles.inverse : ''}`} style={{ 'font-size': `${size() * 0.62}px` }}>
      <svg class={styles.mark} width={size()} height={size()} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="9" fill={props.inverse ? 'rgb(255 255 255 / 0.18)' : 'var(--accent)'} />
        <path
          d="M9 10.5A2.5 2.5 0 0 1 11.5 8h9A2.5 2.5 0 0 1 23 10.5v6a2.5 2.5 0 0 1-2.5 2.5H15l-4.2 3.6c-.6.5-1.8.1-1.8-.8V10.5Z"
          fill="#fff"
        />
        <circle cx="13" cy="13.5" r="1.3" fill={props.inverse ? '#6a55d8' : 'var(--accent)'} />
        <circle cx="16" cy="13.5" r="1.3" fill={props.inverse ? '#6a55d8' : 'var(--accent)'} />
        <circle cx="19" cy="13.5" r="1.3" fill={props.inverse ? '#6a55d8' : 'var(--accent)'} />
      </svg>
      <Show when={props.withText ?? true}>
        <span class="wordmark">Parley</span>
      </Show>
    </span>
  );
}
