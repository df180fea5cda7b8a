/**
 * Retrying an HTTP call that a busy server refused with `429 rate_limited` or `503 unavailable`
 * and a `Retry-After` (its login limits and argon2 gate, docs/security.md): wait what the server
 * asked, plus p-retry's jittered exponential backoff so refused clients do not come back in one
 * wave. Any other answer is final and returned as is.
 */
import pRetry, { AbortError } from 'p-retry';

/** The part of an HTTP answer the retry looks at. */
export interface HttpAnswer {
  status: number;
  /** The `Retry-After` header (seconds), null when absent. */
  retryAfter: string | null;
}

export interface BusyRetryOptions {
  /** Attempts after the first (default 12). */
  retries?: number;
  /** A Retry-After longer than this (ms) is not waited for: the refused answer is returned (default 30 s). */
  maxWaitMs?: number;
  /** Told of each refused answer before the wait. */
  onRefused?: (answer: HttpAnswer, waitMs: number) => void;
  signal?: AbortSignal;
}

/** Statuses that mean "busy, come back later". */
export const BUSY_STATUSES: ReadonlySet<number> = new Set([429, 503]);

class Refused<T extends HttpAnswer> extends Error {
  constructor(readonly answer: T) {
    super(`HTTP ${answer.status}`);
  }
}

/** The Retry-After of an answer in ms (delta-seconds or an HTTP date; 1 s when absent or unreadable). */
export function retryAfterMs(answer: HttpAnswer, now = Date.now()): number {
  const header = answer.retryAfter?.trim();
  if (!header) return 1000;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - now);
}

/** Waits `ms`, or less when `signal` aborts (never rejects). */
export const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Calls `attempt` until its answer is not a 429/503, the retries are spent, or the server asks
 * for a longer wait than `maxWaitMs`; returns the last answer (a refused one when it gave up).
 * Errors thrown by `attempt` (network, timeout) end the retries and propagate.
 */
export async function withBusyRetry<T extends HttpAnswer>(
  attempt: () => Promise<T>,
  options: BusyRetryOptions = {},
): Promise<T> {
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  let last: T | null = null;
  try {
    return await pRetry(
      async () => {
        let answer: T;
        try {
          answer = await attempt();
        } catch (error) {
          throw new AbortError(error instanceof Error ? error : String(error));
        }
        last = answer;
        if (BUSY_STATUSES.has(answer.status)) throw new Refused(answer);
        return answer;
      },
      {
        retries: options.retries ?? 12,
        minTimeout: 100,
        maxTimeout: 2000,
        factor: 2,
        randomize: true,
        ...(options.signal ? { signal: options.signal } : {}),
        onFailedAttempt: async ({ error }) => {
          if (!(error instanceof Refused)) return;
          const answer = error.answer as T;
          const waitMs = retryAfterMs(answer);
          options.onRefused?.(answer, waitMs);
          if (waitMs > maxWaitMs) throw error; // ends the retries: the caller gets the refusal
          await abortableSleep(waitMs, options.signal);
        },
      },
    );
  } catch (error) {
    if (error instanceof Refused) return error.answer as T;
    if (options.signal?.aborted && last) return last;
    throw error; // what `attempt` threw (p-retry unwraps the AbortError)
  }
}
