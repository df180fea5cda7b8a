import { useLocation, type RouteSectionProps } from '@solidjs/router';
import { createEffect, createSignal, on, onCleanup } from 'solid-js';
import { IncomingMeetingToasts } from '../meeting/IncomingMeetingToasts.js';
import { startChatSync } from '../state/chatSync.js';
import { Header } from './Header.js';
import { Sidebar } from './Sidebar.js';
import styles from './Shell.module.css';

/**
 * The logged-in frame: header, sidebar (a drawer on phones) and the main pane where nested
 * routes render (home, a conversation).
 */
export function Shell(props: RouteSectionProps) {
  startChatSync();
  const location = useLocation();
  const [drawerOpen, setDrawerOpen] = createSignal(false);
  let toggleButton: HTMLButtonElement | undefined;

  const closeDrawer = (returnFocus = false) => {
    if (!drawerOpen()) return;
    setDrawerOpen(false);
    if (returnFocus) toggleButton?.focus();
  };

  createEffect(
    on(
      () => location.pathname,
      () => closeDrawer(),
      { defer: true },
    ),
  );

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') closeDrawer(true);
  };
  document.addEventListener('keydown', onKeyDown);
  onCleanup(() => document.removeEventListener('keydown', onKeyDown));

  // The drawer only exists on narrow screens: widening the window closes it.
  const wide = window.matchMedia('(min-width: 768px)');
  const onWidthChange = (event: MediaQueryListEvent) => {
    if (event.matches) setDrawerOpen(false);
  };
  wide.addEventListener('change', onWidthChange);
  onCleanup(() => wide.removeEventListener('change', onWidthChange));

  return (
    <div class={styles.shell} data-testid="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header
        drawerOpen={drawerOpen()}
        onToggleDrawer={() => setDrawerOpen(!drawerOpen())}
        toggleRef={(el) => (toggleButton = el)}
      />
      <Sidebar open={drawerOpen()} onClose={() => closeDrawer(true)} />
      <button
        type="button"
        class={`${styles.backdrop} ${drawerOpen() ? styles.backdropVisible : ''}`}
        aria-label="Close menu"
        tabIndex={-1}
        onClick={() => closeDrawer()}
      />
      <main id="main" class={styles.main} tabIndex={-1} inert={drawerOpen()}>
        {props.children}
      </main>
      <IncomingMeetingToasts />
    </div>
  );
}
