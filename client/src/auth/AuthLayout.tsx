import type { JSX } from 'solid-js';
import { For } from 'solid-js';
import { Icon, type IconName } from '../ui/icons.js';
import { Logo } from '../ui/Logo.js';
import styles from './AuthLayout.module.css';

const FEATURES: { icon: IconName; text: string }[] = [
  { icon: 'chat', text: 'Chat with presence and typing indicators' },
  { icon: 'video', text: 'Video meetings, from two people to a full room' },
  { icon: 'lock', text: 'Self-hosted: your conversations stay on your server' },
];

/** The frame of the login and register pages: a brand panel on wide screens, the form beside it. */
export function AuthLayout(props: { title: string; subtitle: string; children: JSX.Element; footer: JSX.Element }) {
  return (
    <div class={styles.page}>
      <aside class={styles.brand} aria-hidden="true">
        <Logo size={36} inverse />
        <div class={styles.tagline}>
          <h2>Talk and meet, on infrastructure you own.</h2>
          <p>Parley brings chat and video together in one fast, private workspace.</p>
        </div>
        <ul class={styles.features}>
          <For each={FEATURES}>
            {(feature) => (
              <li>
                <span class={styles.featureIcon}>
                  <Icon name={feature.icon} size={18} />
                </span>
                {feature.text}
              </li>
            )}
          </For>
        </ul>
      </aside>
      <main class={styles.main}>
        <div class={styles.card}>
          <div class={styles.mobileLogo}>
            <Logo size={36} />
          </div>
          <header class={styles.heading}>
            <h1 class={styles.title}>{props.title}</h1>
            <p class={styles.subtitle}>{props.subtitle}</p>
          </header>
          {props.children}
          <footer class={styles.footer}>{props.footer}</footer>
        </div>
      </main>
    </div>
  );
}

export const authStyles = styles;
