/** Shapes on the wire. Ids are strings. Timestamps are ISO-8601 strings. */
export interface User {
  id: string;
  username: string;
  displayName: string;
}

export interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  text: string;
  clientId: string;
  createdAt: string;
}

export type ConversationKind = 'direct' | 'group';

export interface Conversation {
  id: string;
  kind: ConversationKind;
  title: string | null;
  members: User[];
  lastMessage: Message | null;
  unreadCount: number;
  lastReadMessageId: string | null;
  createdAt: string;
}

export interface Contact {
  user: User;
  conversationId: string;
  online: boolean;
}

export type PresenceStatus = 'online' | 'offline';

export interface PresenceEvent {
  userId: string;
  status: PresenceStatus;
  lastSeenAt: string | null;
}

export type MeetingAccess = 'invited' | 'link';
export type MeetingStatus = 'active' | 'ended';
export type MeetingMode = 'mesh' | 'sfu';

export interface Meeting {
  id: string;
  title: string;
  hostId: string;
  conversationId?: string;
  access: MeetingAccess;
  status: MeetingStatus;
  mode: MeetingMode;
  createdAt: string;
  endedAt?: string;
}

export interface Participant {
  peerId: string;
  user: User;
}

export type MeetingEndReason = 'stopped' | 'empty' | 'host_left';
export type LeaveReason = 'left' | 'disconnected' | 'removed';

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}
