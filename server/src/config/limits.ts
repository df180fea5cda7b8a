import { z } from 'zod';
import { intIn, list, numberIn, type EnvReader } from './env.js';

/**
 * The limits that keep one user, one address or one burst from exhausting an instance
 * (docs/security.md). Every one is an environment variable; the defaults are far above what a
 * 300-person meeting reaches in normal use.
 */
export interface Limits {
  /** REGISTER_RATE_LIMIT: registrations per IP per hour. */
  registerPerIpPerHour: number;
  /** HASH_CONCURRENCY: argon2 hashes and verifications running at once (each takes 19 MiB). */
  hashConcurrency: number;
  /** HASH_QUEUE: hashes waiting for a slot; past it a login or registration gets 503 + Retry-After. */
  hashQueue: number;
  /** CONVERSATION_LIST_LIMIT: most conversations GET /api/conversations returns (most recent first). */
  conversationList: number;
  /** CONTACT_LIST_LIMIT: most contacts GET /api/contacts returns in one page. */
  contactList: number;
  /** ACTIVE_MEETINGS_LIMIT: most ongoing meetings in the catch-up on connect and GET /api/meetings/active. */
  activeMeetings: number;
  /** GROUP_CREATE_RATE_LIMIT: group conversations a user may create per hour. */
  groupsPerHour: number;
  /** GROUP_MAX_MEMBERS: members named in one POST /api/conversations. */
  groupMaxMembers: number;
  /** CONTACT_ADD_RATE_LIMIT: contacts a user may add per hour. */
  contactsPerHour: number;
  /** INVITATION_RATE_LIMIT: meeting invitations (invitees) a user may send per hour. */
  invitationsPerHour: number;
  /** MEETING_MAX_INVITEES: invitees of one start_meeting / POST /api/meetings. */
  meetingMaxInvitees: number;
  /** EVENT_RATE_SCALE: multiplies every burst and rate of the per-event table (protocol/src/limits). */
  eventRateScale: number;
  /** EVENT_RATE_USER_FACTOR: a user's bucket (all sockets, every instance) is this many sockets' worth. */
  eventRateUserFactor: number;
  /** EVENTS_IN_FLIGHT: events of one socket being handled at once; beyond, `rate_limited`. */
  eventsInFlight: number;
  /** RATE_LIMIT_STRIKES: refused events per minute after which the socket is disconnected. */
  rateLimitStrikes: number;
  /** CHAT_WRITE_QUEUE: messages waiting for the chat writer; beyond, a send gets `unavailable`. */
  chatWriteQueue: number;
  /** TYPING_RELAY_INTERVAL_MS: typing relays per user and conversation at most one per interval. */
  typingRelayIntervalMs: number;
  /** SFU_MAX_TRANSPORTS: transports of one participant per direction (send / recv). */
  sfuMaxTransports: number;
  /** SFU_MAX_CONSUMERS_PER_PRODUCER: consumers one participant holds of one producer. */
  sfuMaxConsumersPerProducer: number;
  /** SFU_MAX_PRODUCERS_PER_MEETING: producers of one meeting, every participant together. */
  sfuMaxProducersPerMeeting: number;
}

/** Hard ceilings of the protocol schemas (protocol/src/schemas): the variables stay below them. */
const MAX_MEMBERS_CEILING = 1000;

export function readLimits(r: EnvReader): Limits {
  return {
    registerPerIpPerHour: r.read('REGISTER_RATE_LIMIT', intIn(1, 1_000_000), 100),
    hashConcurrency: r.read('HASH_CONCURRENCY', intIn(1, 64), 4),
    hashQueue: r.read('HASH_QUEUE', intIn(0, 10_000), 64),
    conversationList: r.read('CONVERSATION_LIST_LIMIT', intIn(1, 10_000), 200),
    contactList: r.read('CONTACT_LIST_LIMIT', intIn(1, 10_000), 1000),
    activeMeetings: r.read('ACTIVE_MEETINGS_LIMIT', intIn(1, 1000), 50),
    groupsPerHour: r.read('GROUP_CREATE_RATE_LIMIT', intIn(1, 1_000_000), 60),
    groupMaxMembers: r.read('GROUP_MAX_MEMBERS', intIn(1, MAX_MEMBERS_CEILING), 500),
    contactsPerHour: r.read('CONTACT_ADD_RATE_LIMIT', intIn(1, 1_000_000), 500),
    invitationsPerHour: r.read('INVITATION_RATE_LIMIT', intIn(1, 10_000_000), 3000),
    meetingMaxInvitees: r.read('MEETING_MAX_INVITEES', intIn(1, MAX_MEMBERS_CEILING), 500),
    eventRateScale: r.read('EVENT_RATE_SCALE', numberIn(0.01, 10_000), 1),
    eventRateUserFactor: r.read('EVENT_RATE_USER_FACTOR', intIn(1, 1000), 3),
    eventsInFlight: r.read('EVENTS_IN_FLIGHT', intIn(1, 100_000), 1000),
    rateLimitStrikes: r.read('RATE_LIMIT_STRIKES', intIn(1, 10_000_000), 3000),
    chatWriteQueue: r.read('CHAT_WRITE_QUEUE', intIn(1, 10_000_000), 10_000),
    typingRelayIntervalMs: r.read('TYPING_RELAY_INTERVAL_MS', intIn(50, 60_000), 1000),
    sfuMaxTransports: r.read('SFU_MAX_TRANSPORTS', intIn(1, 1000), 4),
    sfuMaxConsumersPerProducer: r.read('SFU_MAX_CONSUMERS_PER_PRODUCER', intIn(1, 1000), 4),
    sfuMaxProducersPerMeeting: r.read('SFU_MAX_PRODUCERS_PER_MEETING', intIn(1, 1_000_000), 1000),
  };
}

const PROXY_HOPS: z.ZodType<number, string> = z
  .string()
  .regex(/^\d{1,2}$/, 'must be the number of proxies in front (0-10), or false')
  .transform(Number)
  .pipe(z.number().int().min(0).max(10, 'must be the number of proxies in front (0-10), or false'));

/**
 * TRUST_PROXY: how many reverse proxies in front of the server append to X-Forwarded-For. The
 * client address is then the entry that many places from the end (Koa's maxIpsCount), so a
 * client cannot choose it by sending its own header. `false`/`0`: the header is ignored.
 * `true` is read as 1 (one proxy, e.g. the shipped nginx) and `deprecated` says so.
 */
export function readTrustProxy(r: EnvReader): { hops: number; deprecatedTrue: boolean } {
  const raw = r.raw('TRUST_PROXY')?.toLowerCase();
  if (raw === undefined || ['false', 'no', 'off', '0'].includes(raw)) return { hops: 0, deprecatedTrue: false };
  if (['true', 'yes', 'on'].includes(raw)) return { hops: 1, deprecatedTrue: true };
  const hops = r.read('TRUST_PROXY', PROXY_HOPS, 0);
  return { hops, deprecatedTrue: false };
}

const ORIGIN = /^https?:\/\/[^/\s?#]+$/i;

/**
 * PUBLIC_ORIGIN: the origins (`https://chat.example.org`, comma-separated) whose pages may open a
 * cookie-authenticated Socket.io connection or send a cookie-authenticated POST. Unset: the
 * request's own Host (the page must come from the host it talks to).
 */
export function readPublicOrigins(r: EnvReader): string[] {
  return r
    .read(
      'PUBLIC_ORIGIN',
      list((item) => ORIGIN.test(item), 'origins like https://chat.example.org'),
      [],
    )
    .map((origin) => new URL(origin).origin);
}

/**
 * MEDIA_NODE_URL_PATTERN: the media node URLs a server may send MEDIA_SECRET to, when a node
 * registers itself in Redis (comma-separated patterns, `*` matching any run of characters but
 * `/`, e.g. `http://10.0.*:4000`). Unset: only private, loopback and link-local addresses.
 * MEDIA_NODE_URLS (written by the operator) are always trusted.
 */
export function readMediaNodeUrlPatterns(r: EnvReader): string[] {
  return r.read(
    'MEDIA_NODE_URL_PATTERN',
    list((item) => /^https?:\/\/\S+$/i.test(item), 'http(s) URL patterns like http://10.0.*:4000'),
    [],
  );
}
