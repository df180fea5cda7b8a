import { clientEventNames } from '@parley/protocol';
import { AppError } from '../appError.js';
import { answerEvent } from './onEvent.js';
import type { ParleySocket } from './types.js';

/**
 * The per-event limits' bucket shared by every event the contract does not name (one bucket, so
 * that random names cannot grow the guard's table).
 */
export const UNKNOWN_EVENT_GUARD_KEY = '(unknown event)';

/** Longest part of an unknown event's name quoted back in the answer. */
const QUOTED_NAME_LENGTH = 64;

/**
 * Answers every client→server event that has no row in the socket contract table
 * (`ClientEventContract` of `@parley/protocol`, whose names are `clientEventNames`): sent with an ack, it gets `{ok: false, error: {code: 'bad_request'}}` exactly
 * once, after the per-event limits like any other event; sent without one, nothing is answered.
 */
export function answerUnknownEvents(socket: ParleySocket): void {
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const name = String(event);
    if (clientEventNames.has(name)) return;
    answerEvent(
      socket,
      name,
      args,
      () => {
        throw new AppError('bad_request', `unknown event "${name.slice(0, QUOTED_NAME_LENGTH)}"`);
      },
      UNKNOWN_EVENT_GUARD_KEY,
    );
  });
}
