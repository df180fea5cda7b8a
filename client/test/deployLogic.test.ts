/**
 * The client's side of a deploy hand-over as pure logic (client/src/meeting/call/ServerRestartResume.ts):
 * what a resumed join keeps of the page's participants and links (the decisions are the call
 * machine's: callMachine.test.ts). The browser test of the whole hand-over is
 * test/browser/rollingDeploy.test.ts.
 */
import type { Participant } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { keepShownEntries, reconcileKeptSession } from '../src/meeting/call/ServerRestartResume.js';
import type { MeetingSession } from '../src/meeting/session/MeetingSession.js';

const person = (peerId: string, name = peerId): Participant => ({
  peerId,
  user: { id: `user-${name}`, username: name, displayName: name.toUpperCase() },
});

describe('a resumed join after server_restarting', () => {
  it('keeps the entries (and so the tiles) of those still there, and lists newcomers as sent', () => {
    const ada = person('p-ada');
    const bob = person('p-bob');
    const gone = person('p-gone');
    const listed = [person('p-ada'), person('p-bob'), person('p-new')];
    const kept = keepShownEntries([ada, gone, bob], listed);
    expect(kept.map((p) => p.peerId)).toEqual(['p-ada', 'p-bob', 'p-new']);
    expect(kept[0]).toBe(ada);
    expect(kept[1]).toBe(bob);
    expect(kept[2]).toBe(listed[2]);
  });

  it('closes the links of those who left meanwhile and calls the newcomers on a kept mesh session', () => {
    const calls: string[] = [];
    const session = {
      removePeer: (peerId: string) => calls.push(`remove ${peerId}`),
      addPeer: (participant: Participant, options: { initiate: boolean }) =>
        calls.push(`add ${participant.peerId} initiate=${options.initiate}`),
    } as unknown as MeetingSession;
    reconcileKeptSession(session, [person('p-ada'), person('p-gone')], [person('p-ada'), person('p-new')]);
    expect(calls).toEqual(['remove p-gone', 'add p-new initiate=true']);
  });

  it('asks a kept session to send its own state again (the SFU publisher mute) after the participants', () => {
    const calls: string[] = [];
    const session = {
      removePeer: (peerId: string) => calls.push(`remove ${peerId}`),
      addPeer: (participant: Participant) => calls.push(`add ${participant.peerId}`),
      resync: () => calls.push('resync'),
    } as unknown as MeetingSession;
    reconcileKeptSession(session, [person('p-ada')], [person('p-ada'), person('p-new')]);
    expect(calls).toEqual(['add p-new', 'resync']);
  });
});
