import type { Conversation } from '@parley/protocol';
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { conversations } from '../state/conversations.js';
import { isOnline } from '../state/presence.js';
import { session } from '../state/session.js';
import { typingIn } from '../state/typing.js';
import { Avatar } from '../ui/Avatar.js';
import { Badge } from '../ui/Badge.js';
import { PresenceAvatar } from '../ui/PresenceAvatar.js';
import { conversationTitle, directPartner, senderName } from './conversationInfo.js';
import { RelativeTime } from './RelativeTime.js';
import { SidebarList } from './SidebarList.js';
import styles from './SidebarList.module.css';

function preview(conversation: Conversation, myId: string): string {
  const last = conversation.lastMessage;
  if (!last) return conversation.kind === 'group' ? 'Group created' : 'No messages yet';
  const text = last.text.replace(/\s+/g, ' ').trim();
  if (last.senderId === myId) return `You: ${text}`;
  if (conversation.kind === 'group') return `${senderName(conversation, last.senderId).split(' ')[0]}: ${text}`;
  return text;
}

function ConversationItem(props: { conversation: Conversation }) {
  const me = () => session.user()?.id ?? '';
  const partner = () => directPartner(props.conversation, me());
  const title = () => conversationTitle(props.conversation, me());
  const typing = () => typingIn(props.conversation.id).length > 0;
  const unread = () => props.conversation.unreadCount;
  return (
    <li>
      <A
        href={`/c/${encodeURIComponent(props.conversation.id)}`}
        class={`${styles.item} ${styles.tall}`}
        activeClass={styles.active}
        classList={{ [styles.unread!]: unread() > 0 }}
        data-testid="conversation"
        data-conversation-id={props.conversation.id}
        data-kind={props.conversation.kind}
      >
        <Show when={partner()} fallback={<Avatar name={title()} seed={props.conversation.id} size={36} />}>
          {(user) => (
            <PresenceAvatar name={user().displayName} seed={user().id} size={36} online={isOnline(user().id)} />
          )}
        </Show>
        <span class={styles.text}>
          <span class={styles.row}>
            <span class={styles.title}>{title()}</span>
            <Show when={props.conversation.lastMessage}>
              {(last) => <RelativeTime iso={last().createdAt} class={styles.time} />}
            </Show>
          </span>
          <span class={styles.row}>
            <span class={styles.preview} classList={{ [styles.typing!]: typing() }} data-testid="conversation-preview">
              {typing() ? 'typing…' : preview(props.conversation, me())}
            </span>
            <Badge count={unread()} testId="unread" />
          </span>
        </span>
      </A>
    </li>
  );
}

/** Every conversation, most recently active first, with its last message and unread count. */
export function ConversationList() {
  return (
    <SidebarList
      source={conversations}
      loading="Loading conversations…"
      empty={{
        title: 'No conversations yet',
        body: 'Direct messages and group chats show up here.',
        testId: 'conversations-empty',
      }}
    >
      {(conversation) => <ConversationItem conversation={conversation} />}
    </SidebarList>
  );
}
