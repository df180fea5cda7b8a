import { readAck, type ClientEventName } from '@parley/protocol';

/**
 * Throws when an `{ok: true, ...}` ack of a contract event does not fit the event's ack schema
 * (protocol/src/contract/ackSchemas.ts, read by `readAck` as the client and the bots read it):
 * the integration tests' sockets pass every answer through here, so each run checks the
 * server's real acks against the contract. Other answers (`{ok: false}`, garbage) are returned
 * as they are, for the test to judge.
 */
export function checkContractAck<T>(event: ClientEventName, answer: T): T {
  const reading = readAck(event, answer);
  if (reading.kind === 'malformed') {
    throw new Error(`the ack of ${event} breaks the contract: ${reading.reason}\n${JSON.stringify(answer)}`);
  }
  return answer;
}
