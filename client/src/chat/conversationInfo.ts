import type { Conversation, User } from '@parley/protocol';

/** The other person of a direct conversation (undefined for groups). */
export function directPartner(conversation: Conversation, myId: string): User | undefined {
  if (conversation.kind !== 'direct') return undefined;
  return conversation.members.find((member) => member.id !== myId) ?? conversation.members[0];
}

/** What a conversation is called: the group's title, or the other person's name. */
export function conversationTitle(conversation: Conversation, myId: string): string {
  if (conversation.kind === 'group') return conversation.title?.trim() || memberNames(conversation, myId);
  return directPartner(conversation, myId)?.displayName ?? 'Conversation';
}

/** "Ada, Bob and 3 others" (the current user left out). */
export function memberNames(conversation: Conversation, myId: string, shown = 2): string {
  const others = conversation.members.filter((member) => member.id !== myId).map((member) => member.displayName);
  if (others.length === 0) return 'Only you';
  if (others.length <= shown + 1) {
    return others.length === 1 ? others[0]! : `${others.slice(0, -1).join(', ')} and ${others[others.length - 1]}`;
  }
  return `${others.slice(0, shown).join(', ')} and ${others.length - shown} others`;
}

/** A member's display name, or a neutral word when they are not (or no longer) listed. */
export function senderName(conversation: Conversation | undefined, userId: string): string {
  return conversation?.members.find((member) => member.id === userId)?.displayName ?? 'Someone';
}
