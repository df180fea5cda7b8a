// Console output of the worker provisioning: one prefix, steps, timings.
// Plain lines only (no cursor tricks), so a CI log reads the same as a terminal.

const PREFIX = '[parley worker]';
const startedAt = Date.now();

export function info(message) {
  process.stdout.write(`${PREFIX} ${message}\n`);
}

export function warn(message) {
  process.stderr.write(`${PREFIX} warning: ${message}\n`);
}

/** A failure the user can act on: prints the message and exits with status 1. */
export class ProvisionError extends Error {
  /** @param {string} message @param {string[]} [hint] lines to print after the message */
  constructor(message, hint = []) {
    super(message);
    this.hint = hint;
  }
}

export function formatDuration(ms) {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

export function sinceStart() {
  return formatDuration(Date.now() - startedAt);
}

/**
 * Runs one named step, printing its start and how long it took.
 * @template T @param {string} title @param {() => Promise<T> | T} fn @returns {Promise<T>}
 */
export async function step(title, fn) {
  const t0 = Date.now();
  info(`${title} ...`);
  const result = await fn();
  info(`${title}: done in ${formatDuration(Date.now() - t0)}`);
  return result;
}
