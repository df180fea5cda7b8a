import { ApiError } from '../../api/ApiError.js';

/** How a failed join ends the call: the phase it ends in and the message shown (if any). */
export interface CallFailure {
  phase: 'unavailable' | 'ended' | 'error';
  message: string | null;
  /** Unexpected: worth a warning in the log. */
  unexpected: boolean;
}

export function describeCallFailure(failure: unknown): CallFailure {
  const code = failure instanceof ApiError ? failure.code : null;
  if (code === 'not_found' || code === 'forbidden' || code === 'bad_request') {
    const message = code === 'forbidden' ? 'You are not invited to this meeting.' : 'This meeting does not exist.';
    return { phase: 'unavailable', message, unexpected: false };
  }
  if (code === 'conflict') return { phase: 'ended', message: null, unexpected: false };
  const message = failure instanceof ApiError ? failure.message : 'Could not join the meeting.';
  return { phase: 'error', message, unexpected: true };
}
