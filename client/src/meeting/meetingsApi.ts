import type { ActiveMeetingsResponse, IceServersResponse, Meeting, StartMeeting } from '@parley/protocol';
import { http } from '../api/http.js';

/** The meeting endpoints of docs/protocol.md (the socket events live in api/socketEvents.ts). */
export const meetingsApi = {
  /** Ongoing meetings this user may join (catch-up after login). */
  active: () => http.get<ActiveMeetingsResponse>('/api/meetings/active'),
  /** Same as the `start_meeting` event; the caller is the host. */
  create: (body: StartMeeting) => http.post<{ meeting: Meeting }>('/api/meetings', body),
  /** STUN/TURN servers with fresh TURN credentials (the join ack carries the same list). */
  iceServers: () => http.get<IceServersResponse>('/api/ice-servers'),
};
