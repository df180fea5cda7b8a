import type { ChatServices } from '../chat/createChatServices.js';
import type { MeetingDirectory } from './MeetingService.js';

/**
 * Meetings' view of chat: a conversation's members (404 `not_found` for a non-member, who learns
 * nothing) and which user ids exist. `chat` is read lazily: both live in the same AppContext.
 */
export function chatDirectory(chat: () => Pick<ChatServices, 'conversations' | 'users'>): MeetingDirectory {
  return {
    conversationMembers: (conversationId, userId) => chat().conversations.requireMember(conversationId, userId),
    existingUserIds: async (ids) => new Set((await chat().users.findByIds(ids)).keys()),
    createMeetingConversation: (title, hostId) => chat().conversations.createForMeeting(title, hostId),
    joinConversation: async (conversationId, userId) => {
      await chat().conversations.addGroupMember(conversationId, userId);
    },
  };
}
