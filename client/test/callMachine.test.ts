/**
 * The call's state machine (client/src/meeting/call/machine) without a browser: joining in mesh
 * and SFU, failures, stale answers, meeting events (held during a join), leaving and ending,
 * ignored events. Reconnection, the deploy resume, mode switches and sfu:migrate:
 * callMachineReconnect.test.ts. The whole call in Chromium: test/browser/meeting.test.ts, sfu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/ApiError.js';
import type { CallEvent } from '../src/meeting/call/machine/CallEvent.js';
import type { CallStep } from '../src/meeting/call/machine/CallState.js';
import { callTransitions, transition } from '../src/meeting/call/machine/callTransitions.js';
import { ack, joined, meeting, person, recordingMachine, SELF_USER } from './callMachineSupport.js';

describe('joining', () => {
  it('mesh: checks the meeting, opens the camera, then joins; the ack starts the mesh session', () => {
    const call = recordingMachine();
    expect(call.phase()).toBe('starting');
    call.send({ type: 'start' });
    expect(call.take()).toEqual([{ type: 'beginTimeline' }, { type: 'requestRoomInfo', attempt: 1 }]);

    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting(), mode: 'mesh' });
    expect(call.phase()).toBe('media');
    expect(call.take()).toEqual([{ type: 'openMedia', attempt: 1, mode: 'mesh', reportReady: true }]);

    call.send({ type: 'mediaReady', attempt: 1 });
    expect(call.phase()).toBe('joining');
    expect(call.take()).toEqual([{ type: 'sendJoin', attempt: 1, resumePeerId: null, sfuTransports: false }]);

    // The ack lists this user's other tab and a user twice: neither is shown twice.
    const listed = [person('p-ada'), person('p-tab', SELF_USER), person('p-ada2', 'user-p-ada')];
    call.send({ type: 'joinAck', attempt: 1, ack: ack('mesh', 'p-me', listed) });
    expect(call.step()).toEqual({ name: 'inMesh' });
    expect(call.phase()).toBe('joined');
    expect(call.data()).toMatchObject({ selfPeerId: 'p-me', mode: 'mesh', transport: 'mesh', queued: null });
    expect(call.data().participants.map((p) => p.peerId)).toEqual(['p-ada2']);
    const [start] = call.take();
    expect(start).toMatchObject({ type: 'startSession', participants: [{ peerId: 'p-ada2' }] });
  });

  it('SFU: loads the SFU code, opens the camera and joins at once, without waiting for the camera', () => {
    const call = recordingMachine();
    call.send({ type: 'start' });
    call.take();
    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting({ mode: 'sfu' }), mode: 'sfu' });
    expect(call.phase()).toBe('joining');
    expect(call.take()).toEqual([
      { type: 'preloadSfu' },
      { type: 'openMedia', attempt: 1, mode: 'sfu', reportReady: false },
      { type: 'sendJoin', attempt: 1, resumePeerId: null, sfuTransports: true },
    ]);
    call.send({ type: 'joinAck', attempt: 1, ack: ack('sfu', 'p-me', [person('p-ada')]) });
    expect(call.step()).toEqual({ name: 'inSfu' });
    expect(call.types()).toEqual(['startSession']);
  });

  it('ends at once when the meeting is over already', () => {
    const call = recordingMachine();
    call.send({ type: 'start' });
    call.take();
    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting({ status: 'ended' }), mode: 'mesh' });
    expect(call.phase()).toBe('ended');
    expect(call.types()).toEqual(['closeTransports', 'releaseMedia']);
  });

  it('waits in the lobby; a refusal there reads differently from not being invited', () => {
    const refused = new ApiError({ status: 403, code: 'forbidden', message: 'forbidden' });
    const lobby = recordingMachine();
    lobby.send({ type: 'start' });
    lobby.send({ type: 'roomInfo', attempt: 1, meeting: meeting({ mode: 'sfu' }), mode: 'sfu' });
    lobby.send({ type: 'lobby' });
    expect(lobby.phase()).toBe('lobby');
    lobby.send({ type: 'failed', attempt: 1, failure: refused });
    expect(lobby.phase()).toBe('unavailable');
    expect(lobby.data().error).toBe('The host did not let you in.');

    const uninvited = recordingMachine();
    uninvited.send({ type: 'start' });
    uninvited.send({ type: 'failed', attempt: 1, failure: refused });
    expect(uninvited.data().error).toBe('You are not invited to this meeting.');
  });

  it('an unexpected failure ends in error with a warning; a stale one is ignored', () => {
    const call = recordingMachine();
    call.send({ type: 'start' });
    call.take();
    call.send({ type: 'failed', attempt: 0, failure: new Error('old') });
    expect(call.phase()).toBe('starting');
    call.send({ type: 'failed', attempt: 1, failure: new Error('boom') });
    expect(call.phase()).toBe('error');
    expect(call.data().error).toBe('Could not join the meeting.');
    expect(call.types()).toEqual(['warn', 'closeTransports', 'releaseMedia']);
  });

  it('a port that throws fails the attempt', () => {
    const call = recordingMachine({
      requestRoomInfo: () => {
        throw new ApiError({ status: 404, code: 'not_found', message: 'no such meeting' });
      },
    });
    call.send({ type: 'start' });
    expect(call.phase()).toBe('unavailable');
  });

  it('ignores answers of an attempt given up, but leaves a room joined after the page gave up', () => {
    const call = recordingMachine();
    call.send({ type: 'start' });
    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting({ mode: 'sfu' }), mode: 'sfu' });
    call.send({ type: 'leave' });
    call.take();
    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting(), mode: 'mesh' });
    expect(call.ignored).toEqual(['ignored roomInfo in over']);
    call.send({ type: 'joinAck', attempt: 1, ack: ack('sfu', 'p-me', []) });
    expect(call.phase()).toBe('left');
    expect(call.take()).toEqual([{ type: 'leaveRoom' }]);
  });

  it('Rejoin starts a new attempt from the end; start is ignored while the call is live', () => {
    const call = joined('mesh');
    call.send({ type: 'start' });
    expect(call.ignored).toEqual(['ignored start in inMesh']);
    call.send({ type: 'meetingEnded', reason: 'empty' });
    const ended = call.attempt();
    call.send({ type: 'start' });
    expect(call.phase()).toBe('starting');
    expect(call.data()).toMatchObject({ attempt: ended + 1, error: null, endReason: null });
  });
});

describe('the runner', () => {
  it("applies a port's own answer before the events held during the join", () => {
    const call = recordingMachine({
      startSession: ({ ack: { mode } }) => call.send({ type: 'sessionUnsupported', mode }),
    });
    call.send({ type: 'start' });
    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting(), mode: 'mesh' });
    call.send({ type: 'mediaReady', attempt: 1 });
    call.send({ type: 'modeChanged', mode: 'sfu' });
    call.take();
    call.send({ type: 'joinAck', attempt: 1, ack: ack('mesh', 'p-me', []) });
    // No transport runs, so the held mode change only changes the mode shown.
    expect(call.types()).toEqual(['startSession']);
    expect(call.step()).toEqual({ name: 'inMesh' });
    expect(call.data()).toMatchObject({ mode: 'sfu', transport: null });
    expect(call.data().error).toMatch(/cannot take part in mesh/);
  });
});

describe('meeting events', () => {
  it('holds participant events while the join is in flight and applies them after its ack', () => {
    const call = recordingMachine();
    call.send({ type: 'start' });
    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting(), mode: 'mesh' });
    call.send({ type: 'mediaReady', attempt: 1 });
    call.send({ type: 'userJoined', participant: person('p-cat') });
    call.send({ type: 'userLeft', peerId: 'p-ada', reason: 'left' });
    expect(call.data().queued).toHaveLength(2);
    call.take();
    call.send({ type: 'joinAck', attempt: 1, ack: ack('mesh', 'p-me', [person('p-ada')]) });
    expect(call.types()).toEqual(['startSession', 'addPeer', 'removePeer']);
    expect(call.data().participants.map((p) => p.peerId)).toEqual(['p-cat']);
  });

  it('adds a participant (replacing their previous peer), ignores this page and this user', () => {
    const call = joined('mesh', [person('p-ada')]);
    call.send({ type: 'userJoined', participant: person('p-ada-2', 'user-p-ada') });
    expect(call.take()).toEqual([
      { type: 'addPeer', participant: person('p-ada-2', 'user-p-ada'), replaced: ['p-ada'] },
    ]);
    call.send({ type: 'userJoined', participant: person('p-me') });
    call.send({ type: 'userJoined', participant: person('p-tab', SELF_USER) });
    expect(call.take()).toEqual([]);
    expect(call.data().participants.map((p) => p.peerId)).toEqual(['p-ada-2']);
  });

  it('removes a participant who left', () => {
    const call = joined('sfu');
    call.send({ type: 'userLeft', peerId: 'p-ada', reason: 'left' });
    expect(call.take()).toEqual([{ type: 'removePeer', peerId: 'p-ada' }]);
    expect(call.data().participants.map((p) => p.peerId)).toEqual(['p-bob']);
  });

  it('this page removed by the host, or replaced by another tab, ends the call', () => {
    const removed = joined('mesh');
    removed.send({ type: 'userLeft', peerId: 'p-me', reason: 'removed', byHost: true });
    expect(removed.phase()).toBe('removed');
    const replaced = joined('mesh');
    replaced.send({ type: 'userLeft', peerId: 'p-me', reason: 'removed' });
    expect(replaced.phase()).toBe('replaced');
  });

  it('this page dropped by the server: closes the transports and joins again', () => {
    const call = joined('sfu');
    const before = call.attempt();
    call.send({ type: 'userLeft', peerId: 'p-me', reason: 'disconnected' });
    expect(call.phase()).toBe('joining');
    expect(call.data()).toMatchObject({ attempt: before + 1, participants: [], transport: null });
    expect(call.take()).toEqual([
      { type: 'closeTransports' },
      { type: 'sendJoin', attempt: before + 1, resumePeerId: null, sfuTransports: true },
    ]);
  });

  it('the meeting ending, or its invitation turning inactive, ends a live call only', () => {
    const call = joined('mesh');
    call.send({ type: 'meetingEnded', reason: 'host_left' });
    expect(call.phase()).toBe('ended');
    expect(call.data().endReason).toBe('host_left');
    call.send({ type: 'meetingEnded', reason: 'empty' });
    expect(call.data().endReason).toBe('host_left');

    const away = joined('mesh');
    away.send({ type: 'invitationInactive', meeting: meeting({ status: 'ended' }) });
    expect(away.phase()).toBe('ended');
    expect(away.data().meeting?.status).toBe('ended');
  });

  it('follows the host', () => {
    const call = joined('mesh');
    call.send({ type: 'hostChanged', hostId: 'user-p-ada' });
    expect(call.data().meeting?.hostId).toBe('user-p-ada');
  });
});

describe('leaving and stopping', () => {
  it('leave closes everything and waits for leave_meeting', async () => {
    let answered = false;
    const call = recordingMachine({ leaveRoom: () => Promise.resolve().then(() => void (answered = true)) });
    call.send({ type: 'start' });
    call.send({ type: 'roomInfo', attempt: 1, meeting: meeting({ mode: 'sfu' }), mode: 'sfu' });
    call.send({ type: 'joinAck', attempt: 1, ack: ack('sfu', 'p-me', []) });
    call.take();
    const leaving = call.machine.dispatch({ type: 'leave' });
    expect(call.phase()).toBe('left');
    expect(call.take()).toEqual([
      { type: 'closeTransports' },
      { type: 'releaseMedia' },
      { type: 'leaveRoom', timeoutMs: 5000 },
    ]);
    expect(answered).toBe(false);
    await leaving;
    expect(answered).toBe(true);
  });

  it('leave before any join sends no leave_meeting', () => {
    const call = recordingMachine();
    call.send({ type: 'start' });
    call.take();
    call.send({ type: 'leave' });
    expect(call.types()).toEqual(['closeTransports', 'releaseMedia']);
  });

  it('stop ends the call as stopped; a refused stop shows why', () => {
    const call = joined('mesh');
    call.send({
      type: 'stopFailed',
      failure: new ApiError({ status: 403, code: 'forbidden', message: 'Only the host can end the meeting.' }),
    });
    expect(call.data().error).toBe('Only the host can end the meeting.');
    expect(call.phase()).toBe('joined');
    call.send({ type: 'stopped' });
    expect(call.phase()).toBe('ended');
    expect(call.data().endReason).toBe('stopped');
  });
});

describe('the transition table', () => {
  const steps: CallStep[] = [
    { name: 'idle' },
    { name: 'starting' },
    { name: 'media' },
    { name: 'joining' },
    { name: 'lobby' },
    { name: 'resuming', kept: null },
    { name: 'inMesh' },
    { name: 'inSfu' },
    { name: 'switching', from: 'mesh' },
    { name: 'migrating' },
    { name: 'reconnecting', kept: { name: 'inMesh' } },
    { name: 'over', phase: 'left' },
  ];
  const events: CallEvent[] = [
    { type: 'connected' },
    { type: 'mediaReady', attempt: 0 },
    { type: 'lobby' },
    { type: 'migrate' },
    { type: 'switched' },
    { type: 'leave' },
  ];

  it('ignores an event outside the states it is legal in, leaving the state as it was', () => {
    const { state } = joined('mesh').machine;
    for (const step of steps) {
      for (const event of events) {
        const legal = callTransitions[event.type].from;
        const next = transition({ ...state, step }, event, { selfUserId: SELF_USER });
        if (legal !== 'any' && !legal.includes(step.name)) expect(next, `${event.type} in ${step.name}`).toBeNull();
      }
    }
  });

  it('logs each ignored event', () => {
    const call = joined('mesh');
    call.send({ type: 'connected' });
    call.send({ type: 'lobby' });
    expect(call.ignored).toEqual(['ignored connected in inMesh', 'ignored lobby in inMesh']);
    expect(call.step()).toEqual({ name: 'inMesh' });
  });
});
