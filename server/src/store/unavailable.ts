import { AppError } from '../appError.js';

/** Node socket errors of a store that is down or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** PostgreSQL SQLSTATEs of a server going away: admin/crash shutdown, cannot connect now, too many connections. */
const PG_DOWN_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Errors by name: knex's pool acquire timeout, ioredis giving up on a command. */
const DOWN_NAMES = new Set(['KnexTimeoutError', 'MaxRetriesPerRequestError']);
/** Messages without a code: pg's dropped connection, ioredis's closed connection and command timeout. */
const DOWN_MESSAGE =
  /^(Connection terminated|Connection is closed|Command timed out|Client has encountered a connection error)/;

interface StoreErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** Whether `error` says PostgreSQL or Redis cannot be reached right now (a retry may work). */
export function isStoreDown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as StoreErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || PG_DOWN_STATES.has(code) || code.startsWith('08')) return true;
  if (typeof e.name === 'string' && DOWN_NAMES.has(e.name)) return true;
  if (typeof e.message === 'string' && DOWN_MESSAGE.test(e.message)) return true;
  // AggregateError of a connection attempt to several addresses.
  return Array.isArray(e.errors) && e.errors.some(isStoreDown);
}

/** The client's answer to a store outage: `unavailable` (HTTP 503), nothing internal revealed. */
export function storeUnavailable(): AppError {
  return new AppError('unavailable', 'the service cannot reach its storage right now; try again shortly', undefined, {
    'Retry-After': '2',
  });
}

/**
 * Runs `work`, answering `unavailable` when a store is down or when it takes longer than
 * `deadlineMs` (a hung database): the client gets an answer it can act on (resend later, with
 * the same clientId, so nothing is stored twice), even if the work completes afterwards.
 */
export async function withStoreDeadline<T>(deadlineMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(storeUnavailable()), deadlineMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    throw isStoreDown(error) ? storeUnavailable() : error;
  } finally {
    clearTimeout(timer);
    // The work may still fail after the deadline answered: that failure was answered already.
    work.catch(() => undefined);
  }
}
