import type { Participant } from '@parley/protocol';

/**
 * The other participants of a call, one entry per user: a user who joins again (reload, second
 * tab, reconnect) replaces their previous peer, so nobody is ever listed twice.
 */
export function upsertParticipant(
  list: readonly Participant[],
  participant: Participant,
): { list: Participant[]; replaced: string[] } {
  const replaced: string[] = [];
  const kept = list.filter((entry) => {
    const same = entry.peerId === participant.peerId || entry.user.id === participant.user.id;
    if (same && entry.peerId !== participant.peerId) replaced.push(entry.peerId);
    return !same;
  });
  return { list: [...kept, participant], replaced };
}

export function removeParticipant(list: readonly Participant[], peerId: string): Participant[] {
  return list.filter((entry) => entry.peerId !== peerId);
}

/** A list as sent by the server, without this page's own peer or own user, one peer per user (the latest). */
export function normaliseParticipants(
  list: readonly Participant[],
  self: { peerId: string; userId: string },
): Participant[] {
  let result: Participant[] = [];
  for (const participant of list) {
    if (participant.peerId === self.peerId || participant.user.id === self.userId) continue;
    result = upsertParticipant(result, participant).list;
  }
  return result;
}
