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

/** The rate of an event whose contract row has no limits of its own (and of unknown events). */
export const DEFAULT_EVENT_RATE: EventRate = { burst: 20, perSecond: 5 };
