import { ApiError } from '../../../api/ApiError.js';
import { describeCallFailure } from '../callFailure.js';
import { normaliseParticipants } from '../participants.js';
import { keepShownEntries } from '../ServerRestartResume.js';
import type { CallEventOf } from './CallEvent.js';
import { isLive, settledIn, type CallStepName } from './CallState.js';
import { beginJoin, finish } from './commonSteps.js';
import { to, type TransitionRow } from './Transition.js';

const LIVE_STEPS: readonly CallStepName[] = [
  'idle',
  'starting',
  'media',
  'joining',
  'lobby',
  'resuming',
  'inMesh',
  'inSfu',
  'switching',
  'migrating',
  'reconnecting',
];

/** Start (or start over): check the meeting first. */
export const start: TransitionRow<CallEventOf<'start'>> = {
  from: ['idle', 'over'],
  run: ({ data }) =>
    to({ name: 'starting' }, { ...data, attempt: data.attempt + 1, error: null, endReason: null }, [
      { type: 'beginTimeline' },
      { type: 'requestRoomInfo', attempt: data.attempt + 1 },
    ]),
};

/**
 * The meeting is there: open camera and microphone. Mesh offers carry the tracks, so a mesh
 * join waits for them; an SFU meeting opens the camera at the SFU size and joins at once (the
 * others' pictures need no local media; the publisher sends each track once it is there), while
 * the SFU code loads.
 */
export const roomInfo: TransitionRow<CallEventOf<'roomInfo'>> = {
  from: ['starting'],
  run: ({ data }, { attempt, meeting, mode }) => {
    if (attempt !== data.attempt) return null;
    const known = { ...data, meeting, mode };
    if (meeting.status !== 'active') return finish(known, 'ended');
    if (mode === 'mesh') {
      return to({ name: 'media' }, known, [{ type: 'openMedia', attempt, mode, reportReady: true }]);
    }
    const joining = beginJoin(known);
    joining.commands.unshift({ type: 'preloadSfu' }, { type: 'openMedia', attempt, mode, reportReady: false });
    return joining;
  },
};

export const mediaReady: TransitionRow<CallEventOf<'mediaReady'>> = {
  from: ['media'],
  run: ({ data }, { attempt }) => (attempt === data.attempt ? beginJoin(data) : null),
};

/**
 * The join is in. Resumed after a deploy with the mesh links (or the SFU transports the server
 * adopted: `sfu.adopted`) kept: they follow the participants listed now and the tiles of those
 * still there stay. Otherwise a new transport for the room's
 * mode. The meeting events held meanwhile are applied next. An answer to a join the page gave
 * up (in a lobby, say) leaves the room again, so that it does not stay there unseen.
 */
export const joinAck: TransitionRow<CallEventOf<'joinAck'>> = {
  from: 'any',
  run: ({ step, data }, { attempt, ack }, { selfUserId }) => {
    if (attempt !== data.attempt) return isLive(step) ? null : to(step, data, [{ type: 'leaveRoom' }]);
    const listed = normaliseParticipants(ack.participants, { peerId: ack.selfPeerId, userId: selfUserId });
    const resumed = ack.selfPeerId === data.joinResumePeerId;
    const others = resumed ? keepShownEntries(data.participants, listed) : listed;
    const replay = data.queued ?? [];
    const settled = { ...data, participants: others, meeting: ack.meeting, queued: null, joinResumePeerId: null };
    const keptSession =
      (data.transport === 'mesh' && ack.mode === 'mesh') ||
      (data.transport === 'sfu' && ack.mode === 'sfu' && ack.sfu?.adopted === true);
    if (resumed && keptSession) {
      const kept = step.name === 'resuming' ? step.kept : null;
      // The meeting events held while the resumed join was in flight come next, as after any
      // join: from now on the call follows the meeting again (joins, leaves, mode switches).
      return to(
        kept ?? { name: settledIn(ack.mode) },
        settled,
        [{ type: 'reconcileKept', before: data.participants, now: others }],
        replay,
      );
    }
    // A session kept for a resume that did not adopt it is replaced (startSession closes it).
    return to(
      { name: settledIn(ack.mode) },
      { ...settled, selfPeerId: ack.selfPeerId, mode: ack.mode, room: ack.room ?? null, transport: ack.mode },
      [{ type: 'startSession', ack, participants: others }],
      replay,
    );
  },
};

/** A step of this attempt failed: the call ends in the phase the failure calls for. */
export const failed: TransitionRow<CallEventOf<'failed'>> = {
  from: LIVE_STEPS,
  run: ({ step, data }, { attempt, failure }) => {
    if (attempt !== data.attempt) return null;
    const { phase, message, unexpected } = describeCallFailure(failure, step.name === 'lobby');
    return finish(
      { ...data, error: message ?? data.error },
      phase,
      unexpected ? [{ type: 'warn', message: 'join failed', detail: failure }] : [],
    );
  },
};

/** This client has no transport for a mode: the call shows why; a switch stays where it was. */
export const sessionUnsupported: TransitionRow<CallEventOf<'sessionUnsupported'>> = {
  from: LIVE_STEPS,
  run: ({ step, data }, { mode }) => {
    const error = `This version of Parley cannot take part in ${mode} meetings yet.`;
    if (step.name === 'switching') {
      return to({ name: settledIn(step.from) }, { ...data, error, transport: step.from });
    }
    if (step.name === 'migrating') return to({ name: 'inSfu' }, { ...data, error });
    return to(step, { ...data, error, transport: null });
  },
};

export const leave: TransitionRow<CallEventOf<'leave'>> = {
  from: LIVE_STEPS,
  run: ({ data }) => {
    const left = finish(data, 'left');
    if (data.selfPeerId !== null) left.commands.push({ type: 'leaveRoom', timeoutMs: 5000 });
    return left;
  },
};

export const stopped: TransitionRow<CallEventOf<'stopped'>> = {
  from: LIVE_STEPS,
  run: ({ data }) => finish({ ...data, endReason: 'stopped' }, 'ended'),
};

export const stopFailed: TransitionRow<CallEventOf<'stopFailed'>> = {
  from: 'any',
  run: ({ step, data }, { failure }) =>
    to(step, { ...data, error: failure instanceof ApiError ? failure.message : 'Could not end the meeting.' }),
};
