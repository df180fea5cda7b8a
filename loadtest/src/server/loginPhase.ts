/**
 * The login phase, before the joins: every client with an account logs in over HTTP
 * (`POST /api/auth/login`), started at `--login-rate` per second, as people in a meeting are
 * signed in already when they join. A `429`/`503` with `Retry-After` is waited out and retried
 * (busyRetry.ts); the session token goes into the client's spec, so the join phase measures
 * joins alone. A client whose login fails is recorded as failed at stage `login`.
 */
import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import type { ClientRecord } from '../stats/aggregate.js';
import type { LoginOutcome } from '../stats/loginStats.js';
import { abortableSleep, withBusyRetry } from './busyRetry.js';
import { describeFetchError } from './parleyApi.js';

const AuthAnswer = z.object({ token: z.string().min(1) });

export interface LoginPhaseOptions {
  baseUrl: string;
  /** Logins started per second. */
  rate: number;
  /** One HTTP request's timeout, ms. */
  requestTimeoutMs: number;
  signal?: AbortSignal;
}

interface LoginAnswer {
  status: number;
  retryAfter: string | null;
  text: string;
  ms: number;
}

async function postLogin(options: LoginPhaseOptions, username: string, password: string): Promise<LoginAnswer> {
  const started = performance.now();
  const response = await fetch(new URL('/api/auth/login', options.baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(options.requestTimeoutMs),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    text,
    ms: performance.now() - started,
  };
}

async function logIn(record: ClientRecord, options: LoginPhaseOptions, startedAt: number): Promise<LoginOutcome> {
  const t0 = performance.now();
  const requestMs: number[] = [];
  const refused: number[] = [];
  const outcome = (ok: boolean, status: string, reason?: string): LoginOutcome => ({
    clientId: record.spec.id,
    ok,
    startedAt,
    ms: performance.now() - t0,
    attempts: requestMs.length,
    requestMs,
    refused,
    status,
    ...(reason !== undefined ? { reason } : {}),
  });
  let answer: LoginAnswer;
  try {
    answer = await withBusyRetry(
      async () => {
        const a = await postLogin(options, record.spec.email, record.spec.password);
        requestMs.push(a.ms);
        return a;
      },
      { onRefused: (a) => refused.push(a.status), ...(options.signal ? { signal: options.signal } : {}) },
    );
  } catch (error) {
    const timeout = error instanceof Error && error.name === 'TimeoutError';
    return outcome(false, timeout ? 'timeout' : 'network', `POST /api/auth/login: ${describeFetchError(error)}`);
  }
  if (answer.status === 200) {
    let token: string | null = null;
    try {
      token = AuthAnswer.parse(JSON.parse(answer.text)).token;
    } catch {
      // reported below
    }
    if (token) {
      record.spec = { ...record.spec, token };
      return outcome(true, '200');
    }
  }
  return outcome(
    false,
    String(answer.status),
    `POST /api/auth/login answered ${answer.status}: ${answer.text.slice(0, 200)}`,
  );
}

/**
 * Logs in every record not failed yet, one started every 1/rate s, all running at once; resolves
 * when every login has ended. Failed ones get `join = {ok: false, stage: 'login'}`.
 */
export async function loginClients(
  records: readonly ClientRecord[],
  options: LoginPhaseOptions,
): Promise<{ outcomes: LoginOutcome[]; phaseMs: number }> {
  const phaseStart = performance.now();
  const gapMs = 1000 / options.rate;
  // Every login waiting out a Retry-After listens to the run's signal: hundreds at once is normal.
  if (options.signal) setMaxListeners(0, options.signal);
  const logins: Promise<LoginOutcome>[] = [];
  for (const record of records) {
    if (options.signal?.aborted) break;
    if (record.join) continue; // failed before (account, meeting)
    logins.push(
      logIn(record, options, performance.now() - phaseStart).then((outcome) => {
        if (!outcome.ok) {
          record.join = { ok: false, stage: 'login', reason: outcome.reason ?? `HTTP ${outcome.status}` };
          record.joinedAt = 0;
        }
        return outcome;
      }),
    );
    await abortableSleep(gapMs, options.signal);
  }
  const outcomes = await Promise.all(logins);
  return { outcomes, phaseMs: performance.now() - phaseStart };
}
