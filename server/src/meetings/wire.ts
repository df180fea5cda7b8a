import type { Meeting, Participant } from '@parley/protocol';
import type { MeetingModel } from './models/MeetingModel.js';
import type { RoomMeta, RoomPeer } from './RoomStore.js';

const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

/**
 * The wire shape of a meeting. While the room is live, its state (host, mode) is the current
 * truth: PostgreSQL follows it.
 */
export function toMeeting(model: MeetingModel, room?: RoomMeta | null): Meeting {
  return {
    id: model.id,
    title: model.title,
    hostId: room?.hostId ?? model.hostId,
    ...(model.conversationId ? { conversationId: model.conversationId } : {}),
    access: model.access,
    status: model.status,
    mode: room?.mode ?? model.mode,
    createdAt: iso(model.createdAt),
    ...(model.endedAt ? { endedAt: iso(model.endedAt) } : {}),
  };
}

export function toParticipant(peer: RoomPeer): Participant {
  return { peerId: peer.peerId, user: peer.user };
}
