import type { CallCommand } from './CallCommand.js';
import type { CallData, EndPhase, InCallStep } from './CallState.js';
import { to, type Transition } from './Transition.js';

/**
 * The call is over for this page: every connection closed, every local track stopped, answers
 * of this attempt stale from now on.
 */
export function finish(data: CallData, phase: EndPhase, before: CallCommand[] = []): Transition {
  return to(
    { name: 'over', phase },
    { ...data, attempt: data.attempt + 1, queued: null, participants: [], transport: null },
    [...before, { type: 'closeTransports' }, { type: 'releaseMedia' }],
  );
}

/**
 * Sends join_meeting, resuming this page's peer after a deploy (once). `reconnecting`: joining
 * again after the socket came back (kept: the in-call state that the deploy hand-over kept);
 * the call then stays on screen ('reconnecting') while it resumes.
 */
export function beginJoin(data: CallData, reconnecting?: { kept: InCallStep | null }): Transition {
  const resumePeerId = data.restartPeerId;
  const step =
    resumePeerId && reconnecting
      ? { name: 'resuming' as const, kept: reconnecting.kept }
      : { name: 'joining' as const };
  return to(step, { ...data, restartPeerId: null, joinResumePeerId: resumePeerId, queued: [] }, [
    { type: 'sendJoin', attempt: data.attempt, resumePeerId, sfuTransports: data.mode === 'sfu' },
  ]);
}
