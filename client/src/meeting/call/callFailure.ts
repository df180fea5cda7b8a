import { ApiError } from '../../api/ApiError.js';

/** How a failed join ends the call: the phase it ends in and the message shown (if any). */
export interface CallFailure {
  phase: 'unavailable' | 'ended' | 'error' | 'removed';
  message: string | null;
  /** Unexpected: worth a warning in the log. */
  unexpected: boolean;
}

/** `waitedInLobby`: the join was waiting for the host, so `forbidden` means the host refused. */
export function describeCallFailure(failure: unknown, waitedInLobby: boolean): CallFailure {
  const code = failure instanceof ApiError ? failure.code : null;
  if (code === 'forbidden' && failure instanceof ApiError && /removed/.test(failure.message)) {
    return { phase: 'removed', message: null, unexpected: false };
  }
  if (code === 'not_found' || code === 'forbidden' || code === 'bad_request') {
    const message =
      code !== 'forbidden'
        ? 'This meeting does not exist.'
        : waitedInLobby
          ? 'The host did not let you in.'
          : 'You are not invited to this meeting.';
    return { phase: 'unavailable', message, unexpected: false };
  }
  if (code === 'conflict') return { phase: 'ended', message: null, unexpected: false };
  const message = failure instanceof ApiError ? failure.message : 'Could not join the meeting.';
  return { phase: 'error', message, unexpected: true };
}
