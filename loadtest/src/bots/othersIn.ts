/** How many participants of a `join_meeting` ack are not the bot itself. */
export function othersIn(participants: unknown, selfPeerId: unknown): number {
  if (!Array.isArray(participants)) return 0;
  return participants.filter((p: { peerId?: unknown } | null) => p?.peerId !== selfPeerId).length;
}
