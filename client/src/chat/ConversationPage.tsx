import { A, useParams } from '@solidjs/router';
import { createEffect, createSignal, Match, on, Show, Switch } from 'solid-js';
import { conversations, loadConversations } from '../state/conversations.js';
import { StartMeetingButton } from '../meeting/StartMeetingButton.js';
import { markConversationRead, pageVisible } from '../state/readMarks.js';
import { session } from '../state/session.js';
import { EmptyState } from '../ui/EmptyState.js';
import { FullPageSpinner } from '../ui/FullPageSpinner.js';
import { useTitle } from '../ui/useTitle.js';
import { Composer } from './Composer.js';
import { ConversationHeader } from './ConversationHeader.js';
import { conversationTitle } from './conversationInfo.js';
import { MessageList } from './MessageList.js';
import { TypingIndicator } from './TypingIndicator.js';
import styles from './ConversationPage.module.css';

/**
 * `/c/:conversationId`: one conversation in the main pane. It is marked read while open and
 * on screen; an id the list does not know is looked up once more (someone may just have
 * added this user) before it counts as not found.
 */
export function ConversationPage() {
  const params = useParams<{ conversationId: string }>();
  const conversation = () => conversations.get(params.conversationId);
  /** The unknown id looked up once more, and whether that look-up has finished. */
  const [lookup, setLookup] = createSignal<{ id: string; done: boolean } | null>(null);

  useTitle(() => {
    const current = conversation();
    return current ? conversationTitle(current, session.user()?.id ?? '') : 'Conversation';
  });

  createEffect(
    on(
      () => [params.conversationId, conversations.status(), conversation() !== undefined] as const,
      ([id, status, known]) => {
        if (known || status !== 'ready' || lookup()?.id === id) return;
        setLookup({ id, done: false });
        void loadConversations().finally(() => {
          if (lookup()?.id === id) setLookup({ id, done: true });
        });
      },
    ),
  );

  // Read while open and visible: re-checked on every new message, read change or reconnection.
  createEffect(() => {
    const current = conversation();
    if (current && pageVisible()) markConversationRead(current.id);
  });

  return (
    <Switch>
      <Match when={conversation()} keyed>
        {(current) => (
          <section
            class={styles.page}
            aria-label={conversationTitle(current, session.user()?.id ?? '')}
            data-testid="conversation-pane"
            data-conversation-id={current.id}
          >
            <ConversationHeader conversation={current} actions={<StartMeetingButton conversationId={current.id} />} />
            <MessageList conversation={current} />
            <TypingIndicator conversation={current} />
            <Composer conversation={current} />
          </section>
        )}
      </Match>
      <Match when={lookup()?.id === params.conversationId && lookup()?.done}>
        <div class={styles.missing}>
          <EmptyState
            icon="alert"
            title="Conversation not found"
            body="It may have been removed, or you are not a member of it."
            action={<A href="/">Back to Parley</A>}
            testId="conversation-missing"
          />
        </div>
      </Match>
      <Match when={true}>
        <Show
          when={conversations.status() === 'error'}
          fallback={<FullPageSpinner label="Loading the conversation…" />}
        >
          <div class={styles.missing}>
            <EmptyState
              icon="alert"
              title="Could not load this conversation"
              body={conversations.error() ?? undefined}
            />
          </div>
        </Show>
      </Match>
    </Switch>
  );
}
