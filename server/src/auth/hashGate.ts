import pLimit, { type LimitFunction } from 'p-limit';
import { AppError } from '../appError.js';

export interface HashGateOptions {
  /** HASH_CONCURRENCY: argon2 operations running at once (each takes 19 MiB and a libuv thread). */
  concurrency: number;
  /** HASH_QUEUE: operations that may wait for a slot; past it, `503 unavailable` + Retry-After. */
  queue: number;
}

/** How much the running average of one operation's duration moves towards each new one. */
const AVERAGE_WEIGHT = 0.2;

/**
 * The one door to argon2 (password hashes of registrations, verifications of logins): at most
 * `concurrency` run at once and `queue` wait (p-limit); anything beyond is refused at once with
 * `503 unavailable` and a Retry-After from the measured pace, so a burst of registrations or
 * logins cannot take every libuv thread and hundreds of MiB of memory. Tuning argon2's own cost is a
 * separate concern (passwords.ts).
 */
export class HashGate {
  private readonly limit: LimitFunction;
  private averageMs = 100;

  constructor(private readonly options: HashGateOptions) {
    this.limit = pLimit(options.concurrency);
  }

  /** Operations running or waiting. */
  get load(): number {
    return this.limit.activeCount + this.limit.pendingCount;
  }

  /** Runs `task` when a slot is free; throws 503 `unavailable` right away when the queue is full. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.load >= this.options.concurrency + this.options.queue) {
      const seconds = Math.max(1, Math.ceil((this.load / this.options.concurrency) * (this.averageMs / 1000)));
      return Promise.reject(
        new AppError('unavailable', `the server is busy checking passwords; retry in ${seconds} s`, undefined, {
          'Retry-After': String(seconds),
        }),
      );
    }
    return this.limit(async () => {
      const started = performance.now();
      try {
        return await task();
      } finally {
        this.averageMs += AVERAGE_WEIGHT * (performance.now() - started - this.averageMs);
      }
    });
  }
}
