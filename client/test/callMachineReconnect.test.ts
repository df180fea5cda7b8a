/**
 * The call's state machine (client/src/meeting/call/machine) when the call moves: the socket
 * dropping and coming back, a deploy hand-over (server_restarting, then a join that resumes this
 * page's peer), mesh ↔ SFU switches and sfu:migrate. Browser tests of the same paths:
 * test/browser/rollingDeploy.test.ts, sfu.test.ts, sfuDrain.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ack, joined, person } from './callMachineSupport.js';

describe('the socket drops', () => {
  it('closes the transports, forgets the participants and joins again once the socket is back', () => {
    const call = joined('sfu');
    const before = call.attempt();
    call.send({ type: 'disconnected' });
    expect(call.phase()).toBe('reconnecting');
    expect(call.data()).toMatchObject({ attempt: before + 1, participants: [], transport: null });
    expect(call.types()).toEqual(['closeTransports']);
    call.send({ type: 'connected' });
    expect(call.phase()).toBe('joining');
    expect(call.take()).toEqual([{ type: 'sendJoin', attempt: before + 1, resumePeerId: null, sfuTransports: true }]);
    call.send({ type: 'joinAck', attempt: before + 1, ack: ack('sfu', 'p-me-2', [person('p-ada')]) });
    expect(call.data()).toMatchObject({ selfPeerId: 'p-me-2', transport: 'sfu' });
    expect(call.types()).toEqual(['startSession']);
  });

  it('a join in flight is given up and sent again', () => {
    const call = joined('mesh');
    call.send({ type: 'userLeft', peerId: 'p-me', reason: 'disconnected' });
    const attempt = call.attempt();
    call.send({ type: 'disconnected' });
    call.send({ type: 'joinAck', attempt, ack: ack('mesh', 'p-old', []) });
    expect(call.phase()).toBe('reconnecting');
    expect(call.data().selfPeerId).toBe('p-me');
  });

  it('is nothing to a call that has not joined yet or is over', () => {
    const call = joined('mesh');
    call.send({ type: 'leave' });
    call.take();
    call.send({ type: 'disconnected' });
    expect(call.phase()).toBe('left');
    expect(call.ignored).toEqual(['ignored disconnected in over']);
  });
});

describe('a deploy hand-over (server_restarting)', () => {
  it('mesh: keeps the links and the tiles, resumes the peer and reconciles the links', () => {
    const ada = person('p-ada');
    const bob = person('p-bob');
    const call = joined('mesh', [ada, bob]);
    call.send({ type: 'serverRestarting' });
    call.send({ type: 'disconnected' });
    expect(call.step()).toEqual({ name: 'reconnecting', kept: { name: 'inMesh' } });
    expect(call.data().participants).toEqual([ada, bob]);
    expect(call.types()).toEqual([]);

    call.send({ type: 'connected' });
    expect(call.step().name).toBe('resuming');
    expect(call.phase()).toBe('reconnecting');
    expect(call.take()).toEqual([
      { type: 'sendJoin', attempt: call.attempt(), resumePeerId: 'p-me', sfuTransports: false },
    ]);
    // Held while the resumed join is in flight.
    call.send({ type: 'userJoined', participant: person('p-dan') });

    call.send({
      type: 'joinAck',
      attempt: call.attempt(),
      ack: ack('mesh', 'p-me', [person('p-ada'), person('p-cat')]),
    });
    expect(call.step()).toEqual({ name: 'inMesh' });
    const [listedAda, cat] = call.data().participants;
    expect(listedAda).toBe(ada);
    expect(cat?.peerId).toBe('p-cat');
    // The event held during the resumed join is applied right after it: dan gets a link too.
    expect(call.data().participants.map((p) => p.peerId)).toEqual(['p-ada', 'p-cat', 'p-dan']);
    expect(call.take()).toEqual([
      { type: 'reconcileKept', before: [ada, bob], now: [ada, person('p-cat')] },
      { type: 'addPeer', participant: person('p-dan'), replaced: [] },
    ]);
    expect(call.data().queued).toBeNull();
    // And the meeting is followed again: a later leave and a mode switch are applied at once.
    call.send({ type: 'userLeft', peerId: 'p-cat', reason: 'left', byHost: false });
    expect(call.data().participants.map((p) => p.peerId)).toEqual(['p-ada', 'p-dan']);
    expect(call.types()).toContain('removePeer');
  });

  it('SFU: keeps the session and the participants; the server adopted its transports: nothing new', () => {
    const ada = person('p-ada');
    const call = joined('sfu', [ada]);
    call.send({ type: 'serverRestarting' });
    call.send({ type: 'disconnected' });
    expect(call.step()).toEqual({ name: 'reconnecting', kept: { name: 'inSfu' } });
    expect(call.data().participants).toEqual([ada]);
    expect(call.types()).toEqual([]);
    call.send({ type: 'connected' });
    expect(call.take()).toEqual([
      { type: 'sendJoin', attempt: call.attempt(), resumePeerId: 'p-me', sfuTransports: true },
    ]);
    const adopted = { ...ack('sfu', 'p-me', [person('p-ada')]), sfu: { rtpCapabilities: {}, adopted: true as const } };
    call.send({ type: 'joinAck', attempt: call.attempt(), ack: adopted });
    expect(call.step()).toEqual({ name: 'inSfu' });
    expect(call.data().participants[0]).toBe(ada);
    expect(call.types()).toEqual(['reconcileKept']);
  });

  it('SFU: a resume whose transports were not adopted starts a new session (the kept one closes)', () => {
    const ada = person('p-ada');
    const call = joined('sfu', [ada]);
    call.send({ type: 'serverRestarting' });
    call.send({ type: 'disconnected' });
    call.send({ type: 'connected' });
    call.take();
    call.send({ type: 'joinAck', attempt: call.attempt(), ack: ack('sfu', 'p-me', [person('p-ada')]) });
    expect(call.step()).toEqual({ name: 'inSfu' });
    expect(call.data().participants[0]).toBe(ada);
    expect(call.types()).toEqual(['startSession']);
  });

  it('a resume the server did not take over starts a new session', () => {
    const call = joined('mesh');
    call.send({ type: 'serverRestarting' });
    call.send({ type: 'disconnected' });
    call.send({ type: 'connected' });
    call.take();
    call.send({ type: 'joinAck', attempt: call.attempt(), ack: ack('mesh', 'p-new', [person('p-ada')]) });
    expect(call.data().selfPeerId).toBe('p-new');
    expect(call.types()).toEqual(['startSession']);
  });

  it('a switch to mesh that finishes during the hand-over is remembered', () => {
    const call = joined('sfu');
    call.send({ type: 'modeChanged', mode: 'mesh' });
    call.send({ type: 'serverRestarting' });
    call.send({ type: 'disconnected' });
    expect(call.step()).toEqual({ name: 'reconnecting', kept: { name: 'switching', from: 'sfu' } });
    call.send({ type: 'switched' });
    expect(call.step()).toEqual({ name: 'reconnecting', kept: { name: 'inMesh' } });
    call.send({ type: 'connected' });
    call.send({ type: 'joinAck', attempt: call.attempt(), ack: ack('mesh', 'p-me', [person('p-ada')]) });
    expect(call.step()).toEqual({ name: 'inMesh' });
  });
});

describe('mode switches', () => {
  it('mesh → SFU: switching until the old transport closed', () => {
    const call = joined('mesh');
    call.send({ type: 'modeChanged', mode: 'sfu' });
    expect(call.step()).toEqual({ name: 'switching', from: 'mesh' });
    expect(call.phase()).toBe('joined');
    expect(call.data()).toMatchObject({ mode: 'sfu', transport: 'sfu' });
    expect(call.take()).toEqual([{ type: 'switchMode', mode: 'sfu' }]);
    call.send({ type: 'switched' });
    expect(call.step()).toEqual({ name: 'inSfu' });
  });

  it('the mode the call already runs in changes nothing but the mode shown', () => {
    const call = joined('sfu');
    call.send({ type: 'modeChanged', mode: 'sfu' });
    expect(call.step()).toEqual({ name: 'inSfu' });
    expect(call.types()).toEqual([]);
  });

  it('a mode this client cannot run leaves the call where it was, with the reason shown', () => {
    const call = joined('mesh');
    call.send({ type: 'modeChanged', mode: 'sfu' });
    call.send({ type: 'sessionUnsupported', mode: 'sfu' });
    expect(call.step()).toEqual({ name: 'inMesh' });
    expect(call.data()).toMatchObject({
      transport: 'mesh',
      error: 'This version of Parley cannot take part in sfu meetings yet.',
    });
  });

  it('a mode change during the join is applied once it is in', () => {
    const call = joined('mesh');
    call.send({ type: 'userLeft', peerId: 'p-me', reason: 'disconnected' });
    call.send({ type: 'modeChanged', mode: 'sfu' });
    call.take();
    call.send({ type: 'joinAck', attempt: call.attempt(), ack: ack('mesh', 'p-me-2', []) });
    expect(call.step()).toEqual({ name: 'switching', from: 'mesh' });
    expect(call.types()).toEqual(['startSession', 'switchMode']);
  });
});

describe('sfu:migrate', () => {
  it('moves an SFU call to a second session, and back to inSfu once the old one closed', () => {
    const call = joined('sfu');
    call.send({ type: 'migrate' });
    expect(call.step()).toEqual({ name: 'migrating' });
    expect(call.phase()).toBe('joined');
    expect(call.types()).toEqual(['migrate']);
    call.send({ type: 'switched' });
    expect(call.step()).toEqual({ name: 'inSfu' });
  });

  it('is ignored by a mesh call and by a call not in yet', () => {
    const call = joined('mesh');
    call.send({ type: 'migrate' });
    call.send({ type: 'disconnected' });
    call.send({ type: 'migrate' });
    expect(call.types()).toEqual(['closeTransports']);
    expect(call.ignored).toEqual(['ignored migrate in inMesh', 'ignored migrate in reconnecting']);
  });

  it('a drop during the move closes both sessions; the call joins again', () => {
    const call = joined('sfu');
    call.send({ type: 'migrate' });
    call.send({ type: 'disconnected' });
    expect(call.step()).toEqual({ name: 'reconnecting', kept: null });
    call.send({ type: 'switched' });
    expect(call.step()).toEqual({ name: 'reconnecting', kept: null });
  });
});
