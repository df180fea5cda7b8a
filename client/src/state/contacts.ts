import type { Contact } from '@parley/protocol';
import { createStore, produce } from 'solid-js/store';
import { chatApi } from '../chat/chatApi.js';
import { failedLoad, type LoadStatus } from './loadStatus.js';
import { seedPresence } from './presence.js';

interface ContactsState {
  list: Contact[];
  status: LoadStatus;
  error: string | null;
}

/** The user's contacts (mutual), sorted by display name. Presence lives in `presence.ts`. */
const [state, setState] = createStore<ContactsState>({ list: [], status: 'idle', error: null });

const byName = (a: Contact, b: Contact) =>
  a.user.displayName.localeCompare(b.user.displayName, undefined, { sensitivity: 'base' }) ||
  a.user.username.localeCompare(b.user.username);

let generation = 0;
let latestLoad = 0;
let loading = false;

export const contacts = {
  list: () => state.list,
  status: () => state.status,
  error: () => state.error,
  byUserId: (userId: string) => state.list.find((contact) => contact.user.id === userId),
  byConversationId: (conversationId: string) => state.list.find((contact) => contact.conversationId === conversationId),
};

/** GET /api/contacts; keeps the current list on failure. */
export async function loadContacts(): Promise<void> {
  const mine = generation;
  const request = ++latestLoad;
  loading = true;
  const requestedAt = Date.now();
  if (state.status !== 'ready') setState({ status: 'loading', error: null });
  try {
    const list = await chatApi.listContacts();
    if (mine !== generation || request !== latestLoad) return;
    loading = false;
    seedPresence(
      list.map((contact) => ({ userId: contact.user.id, online: contact.online })),
      requestedAt,
    );
    setState({ list: [...list].sort(byName), status: 'ready', error: null });
  } catch (error) {
    if (mine !== generation || request !== latestLoad) return;
    loading = false;
    setState(failedLoad(state.status, error, 'Could not load your contacts.'));
  }
}

/** POST /api/contacts: adds (or finds) the contact and returns it, with its conversation id. */
export async function addContact(userId: string): Promise<Contact> {
  const requestedAt = Date.now();
  const contact = await chatApi.addContact(userId);
  seedPresence([{ userId: contact.user.id, online: contact.online }], requestedAt);
  setState(
    produce((draft) => {
      const index = draft.list.findIndex((entry) => entry.user.id === contact.user.id);
      if (index >= 0) draft.list[index] = contact;
      else {
        draft.list.push(contact);
        draft.list.sort(byName);
      }
    }),
  );
  // A list in flight may predate this contact: ask again so the newer answer wins.
  if (loading) void loadContacts();
  return contact;
}

export function resetContacts(): void {
  generation++;
  loading = false;
  setState({ list: [], status: 'idle', error: null });
}
