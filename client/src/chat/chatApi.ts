import type { Contact, Conversation, Message, User } from '@parley/protocol';
import { http } from '../api/http.js';

/** Messages per history page (the server accepts up to 100). */
export const HISTORY_PAGE_SIZE = 50;

/** The chat endpoints of docs/protocol.md (HTTP). Socket events go through `state/realtime.ts`. */
export const chatApi = {
  searchUsers: (q: string, signal?: AbortSignal) =>
    http.get<{ users: User[] }>('/api/users', { query: { q }, ...(signal ? { signal } : {}) }).then((r) => r.users),
  listContacts: () => http.get<{ contacts: Contact[] }>('/api/contacts').then((r) => r.contacts),
  addContact: (userId: string) => http.post<{ contact: Contact }>('/api/contacts', { userId }).then((r) => r.contact),
  listConversations: () =>
    http.get<{ conversations: Conversation[] }>('/api/conversations').then((r) => r.conversations),
  createGroup: (title: string, memberIds: string[]) =>
    http.post<{ conversation: Conversation }>('/api/conversations', { title, memberIds }).then((r) => r.conversation),
  history: (conversationId: string, options: { before?: string; limit?: number } = {}) =>
    http
      .get<{ messages: Message[] }>(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
        query: { before: options.before, limit: options.limit ?? HISTORY_PAGE_SIZE },
      })
      .then((r) => r.messages),
};
