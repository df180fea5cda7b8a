import { ClientEvents } from '../events.js';
import { SfuEvents } from '../schemas/sfu.js';

/**
 * The rate of one client→server event, as a token bucket: `burst` events at once, refilled at
 * `perSecond`. Applied per socket, and per user (all of one user's sockets, on every instance)
 * at `EVENT_RATE_USER_FACTOR` times these figures; `EVENT_RATE_SCALE` multiplies them all.
 * Past a limit the ack is `{ok: false, error: {code: 'rate_limited', retryAfterMs}}`.
 */
export interface EventRate {
  burst: number;
  perSecond: number;
}

/**
 * Every client→server Socket.io event and its rate (docs/security.md, "Per-event limits"). A new
 * event adds one line here; an event missing from the table gets `DEFAULT_EVENT_RATE`.
 *
 * The figures are far above a person's pace and above what a client does in a 300-person
 * meeting: a joiner consumes (then resumes) up to ~600 producers at once, a mesh call exchanges
 * a few dozen signals per peer when it starts.
 */
export const EventRates: Record<string, EventRate> = {
  // chat
  [ClientEvents.message]: { burst: 30, perSecond: 5 },
  [ClientEvents.typing]: { burst: 10, perSecond: 2 },
  [ClientEvents.markRead]: { burst: 30, perSecond: 5 },
  // meetings
  [ClientEvents.startMeeting]: { burst: 5, perSecond: 0.5 },
  [ClientEvents.joinMeeting]: { burst: 10, perSecond: 1 },
  [ClientEvents.leaveMeeting]: { burst: 10, perSecond: 1 },
  [ClientEvents.stopMeeting]: { burst: 10, perSecond: 1 },
  [ClientEvents.getRoomInfo]: { burst: 20, perSecond: 2 },
  [ClientEvents.videoSignal]: { burst: 300, perSecond: 50 },
  [ClientEvents.ping]: { burst: 30, perSecond: 5 },
  // sfu
  [SfuEvents.getCapabilities]: { burst: 10, perSecond: 2 },
  [SfuEvents.createTransport]: { burst: 8, perSecond: 1 },
  [SfuEvents.connectTransport]: { burst: 8, perSecond: 1 },
  [SfuEvents.restartIce]: { burst: 8, perSecond: 1 },
  [SfuEvents.produce]: { burst: 10, perSecond: 1 },
  [SfuEvents.pauseProducer]: { burst: 30, perSecond: 5 },
  [SfuEvents.resumeProducer]: { burst: 30, perSecond: 5 },
  [SfuEvents.closeProducer]: { burst: 30, perSecond: 5 },
  [SfuEvents.getProducers]: { burst: 10, perSecond: 2 },
  [SfuEvents.consume]: { burst: 1500, perSecond: 200 },
  [SfuEvents.resumeConsumer]: { burst: 1500, perSecond: 200 },
  [SfuEvents.pauseConsumer]: { burst: 1500, perSecond: 200 },
  [SfuEvents.setPreferredLayers]: { burst: 1500, perSecond: 200 },
  [SfuEvents.reportTiles]: { burst: 30, perSecond: 5 },
  [SfuEvents.consumeMany]: { burst: 10, perSecond: 2 },
  [SfuEvents.resumeConsumers]: { burst: 30, perSecond: 5 },
  // once per move of the meeting to another media node (sfu:migrate)
  [SfuEvents.migrated]: { burst: 10, perSecond: 1 },
  [SfuEvents.createPlainTransport]: { burst: 8, perSecond: 1 },
  [SfuEvents.connectPlainTransport]: { burst: 8, perSecond: 1 },
};

/** The rate of an event the table does not name. */
export const DEFAULT_EVENT_RATE: EventRate = { burst: 20, perSecond: 5 };

export const eventRateOf = (event: string): EventRate =>
  Object.hasOwn(EventRates, event) ? EventRates[event]! : DEFAULT_EVENT_RATE;
