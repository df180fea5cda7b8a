import { A } from '@solidjs/router';
import { contacts } from '../state/contacts.js';
import { conversations } from '../state/conversations.js';
import { isOnline } from '../state/presence.js';
import { Badge } from '../ui/Badge.js';
import { PresenceAvatar } from '../ui/PresenceAvatar.js';
import { SidebarList } from './SidebarList.js';
import styles from './SidebarList.module.css';

/** The contacts, with live presence dots and the unread count of each direct conversation. */
export function ContactList() {
  return (
    <SidebarList
      source={contacts}
      loading="Loading contacts…"
      empty={{
        title: 'No contacts yet',
        body: 'Find people by username above. Contacts appear here, with who is online.',
        testId: 'contacts-empty',
      }}
    >
      {(contact) => {
        const online = () => isOnline(contact.user.id);
        const unread = () => conversations.get(contact.conversationId)?.unreadCount ?? 0;
        return (
          <li>
            <A
              href={`/c/${encodeURIComponent(contact.conversationId)}`}
              class={styles.item}
              activeClass={styles.active}
              classList={{ [styles.unread!]: unread() > 0 }}
              title={`@${contact.user.username}`}
              data-testid="contact"
              data-user-id={contact.user.id}
              data-online={online() ? 'true' : 'false'}
            >
              <PresenceAvatar name={contact.user.displayName} seed={contact.user.id} size={32} online={online()} />
              <span class={styles.label}>
                {contact.user.displayName}
                <span class="visually-hidden">{online() ? ', online' : ', offline'}</span>
              </span>
              <Badge count={unread()} testId="unread" />
            </A>
          </li>
        );
      }}
    </SidebarList>
  );
}
