import { ClientEvents } from '@parley/protocol';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';

/**
 * Meeting room features (docs/protocol.md "Meeting room features", docs/meetings.md): `raise_hand`,
 * `lower_hand`, `reaction`, and the host's `mute_participant`, `mute_everyone`,
 * `remove_participant`, `invite_participants`, `set_meeting_lock` and `admit` (`forbidden` for
 * anyone else). Every payload is validated by its protocol schema first.
 */
export const roomHandlers: SocketHandlers = (socket, app) => {
  const { hands, moderation, lobby } = app.room;
  const user = socket.data.user;
  const count = (action: string) => app.room.count(action);

  onEvent(socket, ClientEvents.raiseHand, async ({ meetingId, raised }) => {
    const result = await hands.raise(socket.id, meetingId, raised);
    count(raised ? 'raise_hand' : 'lower_own_hand');
    return result;
  });

  onEvent(socket, ClientEvents.lowerHand, async ({ meetingId, peerId }) => {
    await hands.lowerByHost(user, meetingId, peerId);
    count('lower_hand');
  });

  onEvent(socket, ClientEvents.reaction, async ({ meetingId, emoji }) => {
    await hands.react(socket.id, meetingId, emoji);
    count('reaction');
  });

  onEvent(socket, ClientEvents.muteParticipant, async ({ meetingId, peerId, kind }) => {
    await moderation.mute(user, meetingId, peerId, kind);
    count(`mute_${kind}`);
  });

  onEvent(socket, ClientEvents.muteEveryone, async ({ meetingId }) => {
    const muted = await moderation.muteEveryone(user, meetingId);
    count('mute_everyone');
    return { muted };
  });

  onEvent(socket, ClientEvents.removeParticipant, async ({ meetingId, peerId }) => {
    await moderation.remove(user, meetingId, peerId);
    count('remove');
  });

  onEvent(socket, ClientEvents.inviteParticipants, async ({ meetingId, userIds }) => {
    await moderation.invite(user, meetingId, userIds);
    count('invite');
  });

  onEvent(socket, ClientEvents.setMeetingLock, async ({ meetingId, locked }) => {
    await lobby.setLocked(user, meetingId, locked);
    count(locked ? 'lock' : 'unlock');
  });

  onEvent(socket, ClientEvents.admit, async ({ meetingId, requestId, allow }) => {
    await lobby.admit(user, meetingId, requestId, allow);
    count(allow ? 'admit' : 'refuse');
  });
};
