import { ServerEvents, type ReadEvent } from '@parley/protocol';
import { batch, createEffect, createRoot, on, onCleanup } from 'solid-js';
import { applyMessage, applyRead, loadConversations, resetConversations } from './conversations.js';
import { loadContacts, resetContacts } from './contacts.js';
import { confirm, onDisconnected, resendPending, resetOutbox } from './outbox.js';
import { applyPresence, resetPresence } from './presence.js';
import { resetReadMarks } from './readMarks.js';
import { realtime } from './realtime.js';
import { session } from './session.js';
import { applyConfirmed, loadedThreadIds, refreshLatest, resetThreads } from './threads.js';
import { applyTyping, resetTyping, stoppedTyping } from './typing.js';

let started = false;
let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** A conversation nobody told us about (a new contact, a new group): fetch the lists again. */
function reloadListsSoon(): void {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    void loadConversations();
    void loadContacts();
  }, 150);
}

function resetAll(): void {
  clearTimeout(reloadTimer);
  batch(() => {
    resetConversations();
    resetContacts();
    resetPresence();
    resetThreads();
    resetTyping();
    resetOutbox();
    resetReadMarks();
  });
}

/**
 * After every (re)connection: what happened while the socket was away (lists, presence and the
 * open threads' latest messages), then what this tab still has to send.
 */
function resync(): void {
  void loadConversations();
  void loadContacts();
  for (const conversationId of loadedThreadIds()) void refreshLatest(conversationId);
  resendPending();
}

/**
 * Connects the chat stores to the page's socket: `message`, `typing`, `presence` and `read`
 * events update them; every (re)connection reloads the lists and resends pending messages; a
 * new socket (another user, or logged out) empties them first. Call once (from the shell); it
 * lives as long as the page.
 */
export function startChatSync(): void {
  if (started) return;
  started = true;
  createRoot(() => {
    // The page's socket is replaced exactly when the user changes (realtime.ts): start afresh.
    createEffect(
      on(realtime, (client) => {
        resetAll();
        if (!client) return;
        const me = () => session.user()?.id ?? '';
        const stops = [
          client.on('message', ({ message }) => {
            stoppedTyping(message.conversationId, message.senderId);
            if (message.senderId === me()) confirm(message);
            else applyConfirmed(message);
            if (!applyMessage(message, me())) reloadListsSoon();
          }),
          client.on('typing', (event) => {
            if (event.userId !== me()) applyTyping(event);
          }),
          client.on('presence', applyPresence),
        ];
        const onRead = (event: ReadEvent) => applyRead(event);
        client.raw.on(ServerEvents.read, onRead);
        client.raw.on('connect', resync);
        // The server lost its Redis link for a while: messages from other instances may be missing.
        client.raw.on(ServerEvents.resync, resync);
        client.raw.on('disconnect', onDisconnected);
        // Load at once, without waiting for the socket (its connection loads again, to close the gap).
        if (client.raw.connected) resync();
        else {
          void loadConversations();
          void loadContacts();
        }
        onCleanup(() => {
          for (const stop of stops) stop();
          client.raw.off(ServerEvents.read, onRead);
          client.raw.off('connect', resync);
          client.raw.off(ServerEvents.resync, resync);
          client.raw.off('disconnect', onDisconnected);
        });
      }),
    );
  });
}
