import { ackBody } from './ackBody.js';
import { ClientEventContract, type ClientEventName } from './clientEventContract.js';
import type { ClientEventAck } from './socketTypes.js';

/** An answer to event `E` read against its row of the contract. */
export type AckReading<E extends ClientEventName> =
  /** `{ok: true, ...}` whose body fits the row's ack schema; `body` is the body as it came (fields a newer server adds kept). */
  | { kind: 'ok'; body: ClientEventAck<E> }
  /** `{ok: true, ...}` whose body does not fit: `reason` says where. */
  | { kind: 'malformed'; reason: string }
  /** Anything else (`{ok: false, error}`, garbage): the caller reads the error its own way. */
  | { kind: 'refused' };

/**
 * Reads the answer to a client→server event with the event's ack schema: what the browser
 * client's `request()` and the load tester's bots do with every ack.
 */
export function readAck<E extends ClientEventName>(event: E, answer: unknown): AckReading<E> {
  if (typeof answer !== 'object' || answer === null || (answer as { ok?: unknown }).ok !== true) {
    return { kind: 'refused' };
  }
  const body = ackBody(answer as { ok: true });
  const checked = ClientEventContract[event].ack.safeParse(body);
  return checked.success
    ? { kind: 'ok', body: body as ClientEventAck<E> }
    : { kind: 'malformed', reason: checked.error.message };
}
