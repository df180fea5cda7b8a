import type { Conversation } from '@parley/protocol';
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, untrack } from 'solid-js';
import { minuteClock } from '../state/clock.js';
import { session } from '../state/session.js';
import { loadOlder, openThread, threadOf } from '../state/threads.js';
import { Button } from '../ui/Button.js';
import { Icon } from '../ui/icons.js';
import { conversationTitle, senderName } from './conversationInfo.js';
import { isAfter } from './messageIds.js';
import { MessageItem } from './MessageItem.js';
import { layoutMessages, type MessagePlacement } from './messageLayout.js';
import { dayLabel } from './relativeTime.js';
import styles from './MessageList.module.css';

/** Closer than this to the bottom counts as "at the bottom" (new messages keep it there). */
const NEAR_BOTTOM_PX = 80;
/** Closer than this to the top loads the previous page. */
const LOAD_OLDER_PX = 400;
const FALLBACK_PLACEMENT: MessagePlacement = {
  mine: false,
  groupStart: true,
  groupEnd: true,
  senderName: '',
  showName: false,
};

/**
 * The scrolling history of one conversation: oldest at the top, loading older pages when
 * scrolled near the top (keeping the position), following new messages only when already at
 * the bottom (else a "new messages" button appears), with day dividers and a "new" line above
 * what was unread when the conversation was opened.
 */
export function MessageList(props: { conversation: Conversation }) {
  const conversationId = props.conversation.id;
  const thread = () => threadOf(conversationId);
  const items = () => thread()?.items ?? [];
  const me = () => session.user()?.id ?? '';
  const [atBottom, setAtBottom] = createSignal(true);
  const [unseen, setUnseen] = createSignal(0);
  let scroller: HTMLDivElement | undefined;
  let positioned = false;

  // What was unread when the conversation was opened gets a "New" line above it.
  const unreadMark = untrack(() =>
    props.conversation.unreadCount > 0 ? (props.conversation.lastReadMessageId ?? '0') : null,
  );
  const firstUnread = createMemo(() => {
    if (unreadMark === null) return undefined;
    const list = items();
    const index = list.findIndex((item) => item.id !== null && item.senderId !== me() && isAfter(item.id, unreadMark));
    // Unread from the first loaded message on, with more above: the boundary is not loaded yet.
    if (index < 0 || (index === 0 && thread()?.hasMore)) return undefined;
    return list[index];
  });

  void openThread(conversationId);

  const distanceFromBottom = () => (scroller ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight : 0);

  function scrollToBottom(smooth = false) {
    if (!scroller) return;
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    setAtBottom(true);
    setUnseen(0);
  }

  async function older() {
    const current = thread();
    if (!scroller || !current?.loaded || !current.hasMore || current.loadingOlder) return;
    const anchor = topVisibleText();
    const anchorTop = anchor?.getBoundingClientRect().top ?? 0;
    const heightBefore = scroller.scrollHeight;
    const loaded = await loadOlder(conversationId);
    if (!loaded || !scroller) return;
    // The page is in the DOM already (store updates render synchronously): put the text that
    // was at the top of the view back where it was (its run may have regrouped above it).
    if (anchor?.isConnected) scroller.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
    else scroller.scrollTop += scroller.scrollHeight - heightBefore;
    fillScreen();
  }

  /** The text of the first message visible at the top of the view (the scroll anchor). */
  function topVisibleText(): HTMLElement | null {
    if (!scroller) return null;
    const top = scroller.getBoundingClientRect().top;
    for (const text of scroller.querySelectorAll<HTMLElement>('[data-testid="message-text"]')) {
      if (text.getBoundingClientRect().bottom > top) return text;
    }
    return null;
  }

  /** A short history that does not fill the pane cannot be scrolled up: load more now. */
  function fillScreen() {
    if (scroller && scroller.scrollHeight <= scroller.clientHeight + LOAD_OLDER_PX / 2) void older();
  }

  function onScroll() {
    const bottom = distanceFromBottom() < NEAR_BOTTOM_PX;
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
    if (scroller && scroller.scrollTop < LOAD_OLDER_PX) void older();
  }

  /** First view: the "New" line near the top if it would be off screen, else the bottom. */
  function initialPosition() {
    if (!scroller) return;
    const divider = scroller.querySelector<HTMLElement>('[data-unread-divider]');
    const bottomTop = scroller.scrollHeight - scroller.clientHeight;
    if (divider && divider.offsetTop < bottomTop) {
      scroller.scrollTop = Math.max(0, divider.offsetTop - 24);
      setAtBottom(distanceFromBottom() < NEAR_BOTTOM_PX);
    } else scrollToBottom();
    fillScreen();
  }

  createEffect(
    on(
      () => {
        const list = items();
        return [list[list.length - 1], thread()?.loaded] as const;
      },
      ([last, loaded], previous) => {
        if (!scroller) return;
        if (!positioned) {
          if (loaded) {
            positioned = true;
            initialPosition();
          }
          return;
        }
        if (!last || last === previous?.[0]) return;
        const justSent = last.senderId === me() && last.status === 'pending';
        if (justSent || atBottom()) scrollToBottom();
        else if (last.senderId !== me()) setUnseen((count) => count + 1);
      },
    ),
  );

  onMount(() => {
    if (!scroller) return;
    // The composer growing, the typing line, a resized window: stay pinned to the bottom.
    const observer = new ResizeObserver(() => {
      if (positioned && atBottom()) scrollToBottom();
    });
    observer.observe(scroller);
    onCleanup(() => observer.disconnect());
  });

  const layout = createMemo(() =>
    layoutMessages(items(), {
      myId: me(),
      isGroup: props.conversation.kind === 'group',
      firstUnread: firstUnread(),
      nameOf: (userId) => senderName(props.conversation, userId),
    }),
  );

  return (
    <div class={styles.wrap}>
      <div
        ref={(element) => (scroller = element)}
        class={styles.scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-label="Messages"
        aria-busy={thread()?.loading ? 'true' : undefined}
        data-testid="message-list"
      >
        <div class={styles.content}>
          <Show when={thread()?.loaded && !thread()?.hasMore}>
            <div class={styles.beginning} data-testid="history-start">
              <span class={styles.beginningIcon}>
                <Icon name="chat" size={22} />
              </span>
              <p class={styles.beginningTitle}>{conversationTitle(props.conversation, me())}</p>
              <p class={styles.beginningBody}>
                {props.conversation.kind === 'group'
                  ? 'This is the beginning of the group.'
                  : 'This is the beginning of your conversation.'}
              </p>
            </div>
          </Show>
          <Show when={thread()?.loading && items().length === 0}>
            <div class={styles.loading} role="status" data-testid="history-loading">
              <span class={styles.spinner} aria-hidden="true" />
              Loading messages…
            </div>
          </Show>
          <Show when={thread()?.error}>
            <div class={styles.loadError} role="alert">
              <span>{thread()?.error}</span>
              <Button
                size="small"
                variant="secondary"
                onClick={() => void (thread()?.loaded ? older() : openThread(conversationId))}
              >
                Try again
              </Button>
            </div>
          </Show>
          <ol class={styles.list}>
            <For each={items()}>
              {(item, index) => (
                <>
                  <Show when={layout()[index()]?.startsDay}>
                    <li class={styles.day} role="separator">
                      <span>{dayLabel(item.createdAt, minuteClock())}</span>
                    </li>
                  </Show>
                  <Show when={item === firstUnread()}>
                    <li class={styles.unreadLine} role="separator" data-unread-divider data-testid="unread-divider">
                      <span>New</span>
                    </li>
                  </Show>
                  <MessageItem message={item} placement={layout()[index()]?.placement ?? FALLBACK_PLACEMENT} />
                </>
              )}
            </For>
          </ol>
        </div>
      </div>
      <Show when={thread()?.loadingOlder}>
        <div class={styles.loadingOlder} role="status" data-testid="history-loading">
          <span class={styles.spinner} aria-hidden="true" />
          Loading earlier messages…
        </div>
      </Show>
      <Show when={!atBottom()}>
        <button
          type="button"
          class={styles.jump}
          classList={{ [styles.jumpNew!]: unseen() > 0 }}
          onClick={() => scrollToBottom(true)}
          data-testid="jump-to-latest"
        >
          <Icon name="arrow-down" size={16} />
          {unseen() > 0 ? `${unseen()} new message${unseen() === 1 ? '' : 's'}` : 'Latest'}
        </button>
      </Show>
    </div>
  );
}
