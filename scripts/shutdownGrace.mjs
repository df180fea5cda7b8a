// How long `npm start` waits for a child to exit after forwarding SIGTERM before it SIGKILLs it.
// A media node drains first (its meetings move to another node or end) for up to
// MEDIA_DRAIN_MAX_MS, so its grace follows that limit; a signalling server hands its clients over
// within seconds.

/** MEDIA_DRAIN_MAX_MS of the media node (media-workers/src/config.ts) when unset. */
export const DEFAULT_MEDIA_DRAIN_MAX_MS = 600_000;
/** What a signalling server (or the migration run) gets. */
export const SERVER_GRACE_MS = 10_000;
/** Beyond the drain limit: the node's own exit after it (closing workers, deregistering). */
export const MEDIA_EXIT_MARGIN_MS = 5_000;

/** The drain limit a media node started with `env` uses (its default when unset or not a number). */
export function mediaDrainMaxMs(env) {
  const raw = env.MEDIA_DRAIN_MAX_MS;
  const value = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : DEFAULT_MEDIA_DRAIN_MAX_MS;
}

/** Milliseconds from SIGTERM to SIGKILL for the child named `name` ('media', 'server', 'migrate'). */
export function killGraceMs(name, env) {
  return name === 'media' ? mediaDrainMaxMs(env) + MEDIA_EXIT_MARGIN_MS : SERVER_GRACE_MS;
}
