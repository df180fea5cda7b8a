import { createUniqueId, Show, type JSX } from 'solid-js';
import { Icon, type IconName } from '../ui/icons.js';
import styles from './SidebarSection.module.css';

/** A titled group of the sidebar; `actions` holds small buttons next to the title. */
export function SidebarSection(props: {
  title: string;
  icon: IconName;
  testId?: string;
  actions?: JSX.Element;
  children: JSX.Element;
}) {
  const headingId = createUniqueId();
  return (
    <section class={styles.section} aria-labelledby={headingId} data-testid={props.testId}>
      <div class={styles.heading}>
        <Icon name={props.icon} size={16} />
        <h2 class={styles.title} id={headingId}>
          {props.title}
        </h2>
        <Show when={props.actions}>
          <div class={styles.actions}>{props.actions}</div>
        </Show>
      </div>
      {props.children}
    </section>
  );
}
