import type { User } from '@parley/protocol';
import { useNavigate } from '@solidjs/router';
import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch } from 'solid-js';
import { ApiError } from '../api/ApiError.js';
import { addContact, contacts } from '../state/contacts.js';
import { Avatar } from '../ui/Avatar.js';
import { Button } from '../ui/Button.js';
import { Icon } from '../ui/icons.js';
import { chatApi } from './chatApi.js';
import { UserNames } from './UserNames.js';
import styles from './UserSearch.module.css';

const DEBOUNCE_MS = 200;

/**
 * Finds people by username prefix (GET /api/users?q=) and adds them as contacts
 * (POST /api/contacts), then opens the direct conversation. People already added get a
 * "Message" button instead.
 */
export function UserSearch() {
  const navigate = useNavigate();
  const [query, setQuery] = createSignal('');
  const [results, setResults] = createSignal<User[]>([]);
  const [status, setStatus] = createSignal<'idle' | 'searching' | 'done' | 'error'>('idle');
  const [error, setError] = createSignal<string | null>(null);
  const [adding, setAdding] = createSignal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;

  const term = () => query().trim().toLowerCase().replace(/^@/, '');

  createEffect(
    on(term, (q) => {
      clearTimeout(timer);
      controller?.abort();
      setError(null);
      if (!q) {
        setStatus('idle');
        setResults([]);
        return;
      }
      setStatus('searching');
      timer = setTimeout(() => {
        const mine = new AbortController();
        controller = mine;
        chatApi
          .searchUsers(q.slice(0, 32), mine.signal)
          .then((users) => {
            if (mine.signal.aborted) return;
            setResults(users);
            setStatus('done');
          })
          .catch((failure: unknown) => {
            if (mine.signal.aborted) return;
            setStatus('error');
            setError(failure instanceof ApiError ? failure.message : 'Search failed.');
          });
      }, DEBOUNCE_MS);
    }),
  );
  onCleanup(() => {
    clearTimeout(timer);
    controller?.abort();
  });

  const clear = () => setQuery('');

  function open(conversationId: string) {
    clear();
    navigate(`/c/${encodeURIComponent(conversationId)}`);
  }

  async function add(user: User) {
    setAdding(user.id);
    setError(null);
    try {
      const contact = await addContact(user.id);
      open(contact.conversationId);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not add this contact.');
    } finally {
      setAdding(null);
    }
  }

  return (
    <div class={styles.search} role="search">
      <label class={styles.field}>
        <Icon name="search" size={18} class={styles.icon} />
        <span class="visually-hidden">Find people by username</span>
        <input
          class={styles.input}
          type="search"
          placeholder="Find people"
          autocomplete="off"
          spellcheck={false}
          maxLength={33}
          value={query()}
          onInput={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query()) {
              event.stopPropagation();
              clear();
            }
          }}
          aria-controls="user-search-results"
          data-testid="user-search"
        />
      </label>
      <Show when={term()}>
        <div class={styles.results} id="user-search-results" aria-live="polite" data-testid="search-results">
          <Switch>
            <Match when={status() === 'error'}>
              <p class={styles.note} role="alert">
                {error()}
              </p>
            </Match>
            <Match when={status() === 'searching' && results().length === 0}>
              <p class={styles.note}>Searching…</p>
            </Match>
            <Match when={results().length === 0}>
              <p class={styles.note}>No one with a username starting with “{term()}”.</p>
            </Match>
            <Match when={true}>
              <ul class={styles.list}>
                <For each={results()}>
                  {(user) => {
                    const existing = () => contacts.byUserId(user.id);
                    return (
                      <li class={styles.result} data-testid="search-result" data-user-id={user.id}>
                        <Avatar name={user.displayName} seed={user.id} size={32} />
                        <UserNames user={user} />
                        <Show
                          when={existing()}
                          fallback={
                            <Button
                              size="small"
                              variant="primary"
                              loading={adding() === user.id}
                              disabled={adding() !== null}
                              onClick={() => void add(user)}
                              aria-label={`Add ${user.displayName} to contacts`}
                              data-testid="add-contact"
                            >
                              <Show when={adding() !== user.id}>
                                <Icon name="user-plus" size={16} />
                              </Show>
                              Add
                            </Button>
                          }
                        >
                          {(contact) => (
                            <Button
                              size="small"
                              variant="secondary"
                              onClick={() => open(contact().conversationId)}
                              aria-label={`Message ${user.displayName}`}
                              data-testid="message-contact"
                            >
                              Message
                            </Button>
                          )}
                        </Show>
                      </li>
                    );
                  }}
                </For>
              </ul>
              <Show when={error()}>
                <p class={styles.error} role="alert">
                  {error()}
                </p>
              </Show>
            </Match>
          </Switch>
        </div>
      </Show>
    </div>
  );
}
