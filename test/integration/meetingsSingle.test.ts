import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { forMeeting, registerUser, type TestUser } from './meetingsHarness.js';
import { assertOk, closeAllSockets, connectSocket, expectOk } from './testSocket.js';

/**
 * The zero-configuration set-up: one instance, no Redis (rooms in memory), embedded PGlite in the
 * process's own temporary DATA_DIR. The same rules hold, including the timers.
 */
let server: ServerProcess;
let host: TestUser;
let guest: TestUser;

beforeAll(async () => {
  buildServer();
  server = await startServerProcess({
    port: 3431,
    name: 'meetsingle',
    env: { HOST_GRACE_MS: '800', EMPTY_MEETING_MS: '800', MEETING_SWEEP_MS: '100' },
  });
  host = await registerUser(server.url, 'host');
  guest = await registerUser(server.url, 'guest');
});

afterAll(async () => {
  closeAllSockets();
  await server?.stop();
});

describe('meetings on one instance without Redis (PGlite, in-memory rooms)', () => {
  it('runs the lifecycle, F5, signalling, host transfer and empty cleanup', async () => {
    const hostSocket = await connectSocket(server.url, host.token);
    const guestSocket = await connectSocket(server.url, guest.token);
    const started = assertOk(await hostSocket.ack('start_meeting', { inviteeIds: [guest.user.id] }), 'start_meeting');
    const meetingId = started.meeting.id;
    await guestSocket.waitFor('meeting_invitation', forMeeting(meetingId));

    const hostPeer = (await expectOk(hostSocket, 'join_meeting', { meetingId })).selfPeerId;
    const first = await expectOk(guestSocket, 'join_meeting', { meetingId });
    expect(first.participants).toEqual([{ peerId: hostPeer, user: host.user }]);

    // F5 on the same instance.
    const reloaded = await connectSocket(server.url, guest.token);
    await reloaded.waitFor('meeting_invitation', forMeeting(meetingId));
    const second = await expectOk(reloaded, 'join_meeting', { meetingId });
    expect(second.selfPeerId).not.toBe(first.selfPeerId);
    expect(await hostSocket.waitFor('meeting_user_left', (p) => p.peerId === first.selfPeerId)).toMatchObject({
      reason: 'removed',
    });
    expect((await expectOk(hostSocket, 'get_room_info', { meetingId })).participants).toHaveLength(2);

    const offer = { description: { type: 'offer' as const, sdp: 'v=0' } };
    expect(await hostSocket.ack('video-signal', { meetingId, to: second.selfPeerId, signal: offer })).toEqual({
      ok: true,
    });
    expect(await reloaded.waitFor('video-signal')).toEqual({ meetingId, from: hostPeer, signal: offer });
    expect(guestSocket.all('video-signal')).toEqual([]);

    // The host drops and does not come back: the role passes on.
    hostSocket.close();
    expect(await reloaded.waitFor('meeting_host_changed', forMeeting(meetingId), 5000)).toEqual({
      meetingId,
      hostId: guest.user.id,
    });

    // Everyone leaves: the meeting ends on its own.
    expect(await reloaded.ack('leave_meeting', { meetingId })).toEqual({ ok: true });
    const inactive = await guestSocket.waitFor(
      'meeting_invitation',
      (p) => p.meeting.id === meetingId && p.status === 'inactive',
      5000,
    );
    expect(inactive.meeting.status).toBe('ended');
    expect(await reloaded.ack('join_meeting', { meetingId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});
