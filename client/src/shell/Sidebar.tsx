import { createEffect, createSignal } from 'solid-js';
import { ContactList } from '../chat/ContactList.js';
import { ConversationList } from '../chat/ConversationList.js';
import { NewGroupDialog } from '../chat/NewGroupDialog.js';
import { UserSearch } from '../chat/UserSearch.js';
import { Button } from '../ui/Button.js';
import { Icon } from '../ui/icons.js';
import { Logo } from '../ui/Logo.js';
import { SidebarSection } from './SidebarSection.js';
import styles from './Sidebar.module.css';

/**
 * Contacts and conversations. On wide screens a column; on phones a drawer that the header's
 * menu button opens. People search on top, then contacts (with presence) and conversations.
 */
export function Sidebar(props: { open: boolean; onClose: () => void }) {
  let nav: HTMLElement | undefined;
  const [groupDialogOpen, setGroupDialogOpen] = createSignal(false);

  createEffect(() => {
    if (props.open) nav?.focus();
  });

  return (
    <nav
      id="sidebar"
      ref={(element) => (nav = element)}
      class={`${styles.sidebar} ${props.open ? styles.open : ''}`}
      aria-label="Contacts and conversations"
      data-testid="sidebar"
      data-open={props.open ? 'true' : 'false'}
      tabIndex={-1}
    >
      <div class={styles.drawerHeader}>
        <Logo size={28} />
        <Button variant="ghost" iconOnly aria-label="Close menu" onClick={() => props.onClose()}>
          <Icon name="close" size={22} />
        </Button>
      </div>
      <UserSearch />
      <SidebarSection title="Contacts" icon="users" testId="contacts">
        <ContactList />
      </SidebarSection>
      <SidebarSection
        title="Conversations"
        icon="chat"
        testId="conversations"
        actions={
          <Button
            variant="ghost"
            size="small"
            iconOnly
            aria-label="New group"
            title="New group"
            onClick={() => setGroupDialogOpen(true)}
            data-testid="new-group"
          >
            <Icon name="plus" size={18} />
          </Button>
        }
      >
        <ConversationList />
      </SidebarSection>
      <NewGroupDialog open={groupDialogOpen()} onClose={() => setGroupDialogOpen(false)} />
    </nav>
  );
}
