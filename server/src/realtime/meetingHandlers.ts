import { ClientEvents, ServerEvents, type MeetingInvitationEvent, type RoomInfo } from '@parley/protocol';
import { joinAcknowledged, joinMetricsOf, timeJoinStep, timelineReceived, type JoinStep } from './joinMetrics.js';
import { adoptSfuObjects, joinSfuInfo } from '../sfu/joinSfuInfo.js';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';

/**
 * Meeting lifecycle events: `start_meeting`, `join_meeting`, `leave_meeting`, `stop_meeting`,
 * `get_room_info` (ack and `room_info_response`). On connect, the socket is sent a
 * `meeting_invitation` for each ongoing meeting its user may join (catch-up); on disconnect,
 * its peers leave their meetings ('disconnected').
 */
export const meetingHandlers: SocketHandlers = (socket, app) => {
  const { meetings, rooms } = app.meetings;
  const user = socket.data.user;
  const log = app.logger.child({ component: 'meetings', userId: user.id });

  onEvent(socket, ClientEvents.startMeeting, async (data) => ({
    meeting: await meetings.start(user, data),
  }));

  const joinMetrics = joinMetricsOf(app.metrics);
  // A removed user is refused; in a locked meeting, the join may wait in the lobby first.
  onEvent(socket, ClientEvents.joinMeeting, ({ meetingId, resumePeerId, sfuTransports }) =>
    timeJoinStep(joinMetrics, 'ack', async () => {
      const step = <T>(name: JoinStep, run: () => Promise<T>) => timeJoinStep(joinMetrics, name, run);
      const checked = await step('lobby', () => app.room.beforeJoin(socket, user, meetingId));
      const joined = await step('room', () => rooms.join(socket, user, meetingId, resumePeerId, checked));
      // A peer resumed after a deploy keeps its SFU objects when they can be adopted (no new transports).
      const adopted =
        resumePeerId !== undefined && joined.selfPeerId === resumePeerId
          ? await step('adopt', () => adoptSfuObjects(app.sfu.handOver, socket.id, joined, user.id, log))
          : false;
      joinAcknowledged(socket);
      // An SFU meeting: the router's capabilities (and the transports, if asked) ride along.
      const withTransports = sfuTransports === true && !adopted;
      const [room, sfu] = await Promise.all([
        step('features', () => app.room.afterJoin(user, joined, socket.id)),
        joined.mode === 'sfu'
          ? step('sfu', () => joinSfuInfo(app.sfu.service, socket.id, meetingId, withTransports, log, adopted))
          : null,
      ]);
      return { ...joined, room, ...(sfu ? { sfu } : {}) };
    }),
  );

  onEvent(socket, ClientEvents.meetingJoinTimeline, (timeline) => {
    timelineReceived(socket, joinMetrics, timeline);
  });

  onEvent(socket, ClientEvents.leaveMeeting, async ({ meetingId }) => {
    await rooms.leave(socket, meetingId);
  });

  onEvent(socket, ClientEvents.stopMeeting, async ({ meetingId }) => {
    await meetings.stop(user, meetingId);
  });

  onEvent(socket, ClientEvents.getRoomInfo, async ({ meetingId }) => {
    const info: RoomInfo = await rooms.info(user, meetingId);
    socket.emit(ServerEvents.roomInfoResponse, info);
    return { ...info };
  });

  socket.on('disconnect', () => {
    rooms
      .disconnect(socket.id)
      .catch((error: unknown) => log.warn({ err: error }, 'meeting cleanup on disconnect failed'));
  });

  meetings
    .activeFor(user.id)
    .then((active) => {
      for (const meeting of active) {
        const event: MeetingInvitationEvent = { meeting, status: 'active' };
        socket.emit(ServerEvents.meetingInvitation, event);
      }
    })
    .catch((error: unknown) => log.warn({ err: error }, 'meeting invitation catch-up failed'));
};
