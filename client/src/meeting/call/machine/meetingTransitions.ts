import { removeParticipant, upsertParticipant } from '../participants.js';
import type { CallEvent, CallEventOf } from './CallEvent.js';
import { isInCall, isLive, settledIn, type CallState, type CallStepName } from './CallState.js';
import { beginJoin, finish } from './commonSteps.js';
import { to, type CallConfig, type Transition, type TransitionHandler, type TransitionRow } from './Transition.js';

const JOIN_IN_FLIGHT: readonly CallStepName[] = ['joining', 'lobby', 'resuming'];
const IN_CALL: readonly CallStepName[] = ['inMesh', 'inSfu', 'switching', 'migrating'];

/**
 * A meeting event about the participants or the mode: applied in the call, held while the join
 * is in flight (applied after its ack, which lists the room as it was).
 */
function whenJoined<E extends CallEvent>(apply: TransitionHandler<E>): TransitionRow<E> {
  return {
    from: [...JOIN_IN_FLIGHT, ...IN_CALL],
    run: (state: CallState, event: E, config: CallConfig): Transition | null => {
      const { step, data } = state;
      if (data.queued) return to(step, { ...data, queued: [...data.queued, event] });
      return isInCall(step) ? apply(state, event, config) : null;
    },
  };
}

export const userJoined = whenJoined<CallEventOf<'userJoined'>>(({ step, data }, { participant }, { selfUserId }) => {
  if (participant.peerId === data.selfPeerId || participant.user.id === selfUserId) return null;
  const { list, replaced } = upsertParticipant(data.participants, participant);
  return to(step, { ...data, participants: list }, [{ type: 'addPeer', participant, replaced }]);
});

/**
 * Someone left. This page itself: removed by the host or replaced by another tab of the same
 * user ends the call; otherwise the server dropped this page's peer (its connection looked
 * gone) and the page joins again.
 */
export const userLeft = whenJoined<CallEventOf<'userLeft'>>(({ step, data }, { peerId, reason, byHost }) => {
  if (peerId === data.selfPeerId) {
    if (reason === 'removed') return finish(data, byHost ? 'removed' : 'replaced');
    const dropped = { ...data, attempt: data.attempt + 1, transport: null, participants: [] };
    const joining = beginJoin(dropped);
    joining.commands.unshift({ type: 'closeTransports' });
    return joining;
  }
  return to(step, { ...data, participants: removeParticipant(data.participants, peerId) }, [
    { type: 'removePeer', peerId },
  ]);
});

/** meeting_mode: make-before-break to a session of the new mode (ModeSwitch). */
export const modeChanged = whenJoined<CallEventOf<'modeChanged'>>(({ step, data }, { mode }) => {
  const known = { ...data, mode };
  if (!data.transport || data.transport === mode) return to(step, known);
  return to({ name: 'switching', from: data.transport }, { ...known, transport: mode }, [{ type: 'switchMode', mode }]);
});

/** sfu:migrate: the meeting's media node is draining; a second SFU session moves to the new one. */
export const migrate: TransitionRow<CallEventOf<'migrate'>> = {
  from: IN_CALL,
  run: ({ data }) => (data.transport === 'sfu' ? to({ name: 'migrating' }, data, [{ type: 'migrate' }]) : null),
};

/** The previous transport of a switch closed: the call runs on one session again. */
export const switched: TransitionRow<CallEventOf<'switched'>> = {
  from: ['switching', 'migrating', 'reconnecting', 'resuming'],
  run: ({ step, data }) => {
    if (!data.transport) return null;
    const settled = { name: settledIn(data.transport) } as const;
    if (step.name === 'switching' || step.name === 'migrating') return to(settled, data);
    // A deploy hand-over kept the mesh links running while the switch to them finished.
    if ((step.name === 'reconnecting' || step.name === 'resuming') && step.kept)
      return to({ ...step, kept: settled }, data);
    return null;
  },
};

export const meetingEnded: TransitionRow<CallEventOf<'meetingEnded'>> = {
  from: 'any',
  run: ({ step, data }, { reason }) => (isLive(step) ? finish({ ...data, endReason: reason }, 'ended') : null),
};

/** The meeting's invitation turned inactive (it ended while this page was away). */
export const invitationInactive: TransitionRow<CallEventOf<'invitationInactive'>> = {
  from: 'any',
  run: ({ step, data }, { meeting }) => (isLive(step) ? finish({ ...data, meeting }, 'ended') : null),
};

export const hostChanged: TransitionRow<CallEventOf<'hostChanged'>> = {
  from: 'any',
  run: ({ step, data }, { hostId }) =>
    data.meeting ? to(step, { ...data, meeting: { ...data.meeting, hostId } }) : null,
};

/** The join waits in the lobby of a locked meeting. */
export const lobby: TransitionRow<CallEventOf<'lobby'>> = {
  from: ['joining'],
  run: ({ data }) => to({ name: 'lobby' }, data),
};
