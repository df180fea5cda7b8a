import type { JSX } from 'solid-js';
import { Icon } from './icons.js';
import styles from './Alert.module.css';

/** A message box. `danger` alerts are announced to screen readers as soon as they appear. */
export function Alert(props: { tone?: 'danger' | 'info'; id?: string; testId?: string; children: JSX.Element }) {
  const tone = () => props.tone ?? 'danger';
  return (
    <div
      id={props.id}
      class={`${styles.alert} ${styles[tone()]}`}
      role={tone() === 'danger' ? 'alert' : 'status'}
      data-testid={props.testId}
    >
      <Icon name="alert" size={18} />
      <div>{props.children}</div>
    </div>
  );
}
