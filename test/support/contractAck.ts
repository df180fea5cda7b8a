import { ClientEventContract, type ClientEventName } from '@parley/protocol';

/** How many `{ok: true}` acks `checkContractAck` has checked in this test process, per event. */
export const checkedAcks = new Map<string, number>();

/**
 * Throws when an `{ok: true, ...}` ack of a contract event does not fit the event's ack schema
 * (protocol/src/contract/ackSchemas.ts): the integration tests' sockets pass every answer
 * through here, so each run checks the server's real acks against the contract. Other answers
 * (`{ok: false}`, garbage) are returned as they are, for the test to judge.
 */
export function checkContractAck<T>(event: ClientEventName, answer: T): T {
  if (typeof answer !== 'object' || answer === null || (answer as { ok?: unknown }).ok !== true) return answer;
  const { ok: _ok, ...body } = answer as { ok: true } & Record<string, unknown>;
  const checked = ClientEventContract[event].ack.safeParse(body);
  if (!checked.success) {
    throw new Error(`the ack of ${event} breaks the contract: ${checked.error.message}\n${JSON.stringify(answer)}`);
  }
  checkedAcks.set(event, (checkedAcks.get(event) ?? 0) + 1);
  return answer;
}
