import { ClientEventContract } from '../contract/clientEventContract.js';
import { DEFAULT_EVENT_RATE, type EventRate } from './eventRate.js';

export { DEFAULT_EVENT_RATE, type EventRate } from './eventRate.js';

/**
 * The rates of the client→server events that have their own (docs/security.md, "Per-event
 * limits"): a view of the `limits` of `ClientEventContract`'s rows, where the figures live. An
 * event whose row has none gets `DEFAULT_EVENT_RATE`.
 */
export const EventRates: Record<string, EventRate> = Object.fromEntries(
  Object.entries(ClientEventContract).flatMap(([event, row]) => (row.limits ? [[event, row.limits]] : [])),
);

export const eventRateOf = (event: string): EventRate =>
  Object.hasOwn(EventRates, event) ? EventRates[event]! : DEFAULT_EVENT_RATE;
