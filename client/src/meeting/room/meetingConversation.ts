import { createEffect, onCleanup } from 'solid-js';
import { startChatSync } from '../../state/chatSync.js';
import { conversations, loadConversations } from '../../state/conversations.js';
import type { MeetingCall } from '../call/createMeetingCall.js';

/** Reloads of the conversation list for a newcomer's name are at most this frequent. */
const RELOAD_GAP_MS = 2000;

/**
 * Keeps the meeting's conversation (its chat) current on this page: chat sync runs (messages,
 * unread counts, the outbox as on the chat pages), the conversation list is loaded once this
 * user joined (the server made it a member), and again when a participant is not yet among the
 * members the page knows (so that the chat shows its name).
 */
export function followMeetingConversation(call: MeetingCall): void {
  startChatSync();
  let lastLoad = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reload = () => {
    if (timer) return;
    const wait = Math.max(0, lastLoad + RELOAD_GAP_MS - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      lastLoad = Date.now();
      void loadConversations();
    }, wait);
  };
  onCleanup(() => clearTimeout(timer));
  createEffect(() => {
    const id = call.meeting()?.conversationId;
    if (call.phase() !== 'joined' || !id) return;
    const conversation = conversations.get(id);
    if (!conversation) return reload();
    const members = new Set(conversation.members.map((member) => member.id));
    if (call.participants().some((participant) => !members.has(participant.user.id))) reload();
  });
}
