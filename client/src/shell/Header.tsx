import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { logout, session } from '../state/session.js';
import { Avatar } from '../ui/Avatar.js';
import { Button } from '../ui/Button.js';
import { Icon } from '../ui/icons.js';
import { Logo } from '../ui/Logo.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import styles from './Header.module.css';

export function Header(props: {
  drawerOpen: boolean;
  onToggleDrawer: () => void;
  toggleRef: (el: HTMLButtonElement) => void;
}) {
  const [leaving, setLeaving] = createSignal(false);

  async function onLogout(everywhere: boolean) {
    setLeaving(true);
    try {
      await logout({ everywhere });
    } finally {
      setLeaving(false);
    }
  }

  return (
    <header class={styles.header}>
      <Button
        ref={props.toggleRef}
        variant="ghost"
        iconOnly
        class={styles.menuButton}
        aria-label={props.drawerOpen ? 'Close menu' : 'Open menu'}
        aria-expanded={props.drawerOpen}
        aria-controls="sidebar"
        data-testid="sidebar-toggle"
        onClick={() => props.onToggleDrawer()}
      >
        <Icon name={props.drawerOpen ? 'close' : 'menu'} size={22} />
      </Button>
      <A href="/" class={styles.home} aria-label="Parley home">
        <Logo size={30} />
      </A>
      <div class={styles.spacer} />
      <ConnectionStatus />
      <Show when={session.user()}>
        {(user) => (
          <div class={styles.user} title={`@${user().username}`}>
            <Avatar name={user().displayName} seed={user().id} size={30} />
            <span class={styles.name} data-testid="current-user">
              {user().displayName}
            </span>
          </div>
        )}
      </Show>
      <Button
        variant="ghost"
        size="small"
        onClick={() => void onLogout(true)}
        disabled={leaving()}
        data-testid="logout-all"
        aria-label="Log out everywhere"
        title="End every session of this account, on every device"
      >
        <span class={styles.logoutLabel}>Log out everywhere</span>
        <span class={styles.logoutShortLabel}>All</span>
      </Button>
      <Button
        variant="ghost"
        size="small"
        onClick={() => void onLogout(false)}
        loading={leaving()}
        data-testid="logout"
        aria-label="Log out"
      >
        <Show when={!leaving()}>
          <Icon name="logout" size={18} />
        </Show>
        <span class={styles.logoutLabel}>Log out</span>
      </Button>
    </header>
  );
}
