import type { Conversation } from '@parley/protocol';
import { Show, type JSX } from 'solid-js';
import { minuteClock } from '../state/clock.js';
import { presenceOf } from '../state/presence.js';
import { session } from '../state/session.js';
import { Avatar } from '../ui/Avatar.js';
import { PresenceAvatar } from '../ui/PresenceAvatar.js';
import { conversationTitle, directPartner, memberNames } from './conversationInfo.js';
import { presenceText } from './lastSeen.js';
import styles from './ConversationPage.module.css';

/**
 * The top of a conversation: who it is with and whether they are online (direct), or the
 * group's name and members. `actions` holds buttons on the right (e.g. start a meeting).
 */
export function ConversationHeader(props: { conversation: Conversation; actions?: JSX.Element }) {
  const me = () => session.user()?.id ?? '';
  const partner = () => directPartner(props.conversation, me());
  const title = () => conversationTitle(props.conversation, me());
  const subtitle = () => {
    const user = partner();
    if (user) {
      const presence = presenceOf(user.id);
      return presenceText(presence?.online ?? false, presence?.lastSeenAt, minuteClock());
    }
    const count = props.conversation.members.length;
    return `${count} member${count === 1 ? '' : 's'} · You, ${memberNames(props.conversation, me(), 3)}`;
  };
  return (
    <header class={styles.header}>
      <Show when={partner()} fallback={<Avatar name={title()} seed={props.conversation.id} size={40} />}>
        {(user) => (
          <PresenceAvatar
            name={user().displayName}
            seed={user().id}
            size={40}
            online={presenceOf(user().id)?.online ?? false}
          />
        )}
      </Show>
      <div class={styles.heading}>
        <h1 class={styles.title} data-testid="conversation-title">
          {title()}
        </h1>
        <p
          class={styles.subtitle}
          classList={{ [styles.online!]: partner() !== undefined && (presenceOf(partner()!.id)?.online ?? false) }}
          data-testid="conversation-subtitle"
        >
          {subtitle()}
        </p>
      </div>
      <Show when={props.actions}>
        <div class={styles.actions}>{props.actions}</div>
      </Show>
    </header>
  );
}
