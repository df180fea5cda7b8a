/**
 * The load tester's login phase against a small local HTTP server that plays a busy Parley
 * (503/429 with Retry-After, then 200): the retry waits as told and gets in, a refusal asking for
 * too long a wait and a wrong password are final, the figures come out apart from the joins.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientSpec } from '../src/clientTypes.js';
import { retryAfterMs, withBusyRetry } from '../src/server/busyRetry.js';
import { loginClients } from '../src/server/loginPhase.js';
import type { ClientRecord } from '../src/stats/aggregate.js';
import { describeLogins, summarizeLogins } from '../src/stats/loginStats.js';
import { evaluateThresholds, parseThreshold } from '../src/thresholds.js';

/** username → the answers it gets, in order (the last one repeats). */
const script = new Map<string, Array<{ status: number; retryAfter?: string }>>();
const seen = new Map<string, number>();
let server: Server;
let baseUrl: string;

function answer(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const { username } = JSON.parse(body) as { username: string };
    const n = seen.get(username) ?? 0;
    seen.set(username, n + 1);
    const steps = script.get(username) ?? [{ status: 200 }];
    const step = steps[Math.min(n, steps.length - 1)]!;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (step.retryAfter) headers['retry-after'] = step.retryAfter;
    res.writeHead(step.status, headers);
    res.end(
      JSON.stringify(
        step.status === 200
          ? { user: { id: username }, token: `token-of-${username}` }
          : { error: { code: step.status === 401 ? 'unauthorized' : 'unavailable', message: 'busy' } },
      ),
    );
  });
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function record(username: string): ClientRecord {
  const spec: ClientSpec = {
    id: `client-${username}`,
    kind: 'bot',
    role: 'receiver',
    baseUrl,
    meetingId: 'm',
    email: username,
    password: 'pw',
    video: { width: 320, height: 180, fps: 15 },
  };
  return { spec, browser: null, join: null, joinedAt: null };
}

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, 1 s when absent', () => {
    expect(retryAfterMs({ status: 503, retryAfter: '3' })).toBe(3000);
    expect(retryAfterMs({ status: 503, retryAfter: null })).toBe(1000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ status: 429, retryAfter: 'Thu, 01 Jan 2026 00:00:02 GMT' }, now)).toBe(2000);
  });
});

describe('withBusyRetry', () => {
  it('returns a final answer at once and a refusal that asks for too long a wait as it is', async () => {
    let calls = 0;
    const final = await withBusyRetry(() => Promise.resolve({ status: 401, retryAfter: null, n: ++calls }));
    expect(final.status).toBe(401);
    expect(calls).toBe(1);
    const refusals: number[] = [];
    const long = await withBusyRetry(() => Promise.resolve({ status: 429, retryAfter: '900' }), {
      maxWaitMs: 5000,
      onRefused: (a, waitMs) => refusals.push(a.status, waitMs),
    });
    expect(long.status).toBe(429);
    expect(refusals).toEqual([429, 900_000]);
  });
});

describe('the login phase', () => {
  it('logs every client in, waits out 503/429 as told, and reports logins apart', async () => {
    script.set('busy1', [{ status: 503, retryAfter: '1' }, { status: 200 }]);
    script.set('busy2', [{ status: 429, retryAfter: '1' }, { status: 503, retryAfter: '1' }, { status: 200 }]);
    script.set('wrong', [{ status: 401 }]);
    const records = ['fine1', 'busy1', 'busy2', 'wrong', 'fine2'].map(record);
    records[4]!.join = { ok: false, stage: 'register', reason: 'no account' }; // skipped: failed before

    const { outcomes } = await loginClients(records, { baseUrl, rate: 50, requestTimeoutMs: 5000 });

    expect(outcomes.map((o) => [o.clientId, o.ok, o.attempts, o.status])).toEqual([
      ['client-fine1', true, 1, '200'],
      ['client-busy1', true, 2, '200'],
      ['client-busy2', true, 3, '200'],
      ['client-wrong', false, 1, '401'],
    ]);
    expect(records[1]!.spec.token).toBe('token-of-busy1');
    expect(records[2]!.spec.token).toBe('token-of-busy2');
    expect(records[3]!.join).toMatchObject({ ok: false, stage: 'login' });
    expect(records[3]!.spec.token).toBeUndefined();
    expect(seen.get('fine2')).toBeUndefined();
    // Waited at least the Retry-After of each refusal.
    expect(outcomes[2]!.ms).toBeGreaterThanOrEqual(2000);

    const summary = summarizeLogins(outcomes, 50);
    expect(summary).toMatchObject({
      targetRate: 50,
      attempted: 4,
      ok: 3,
      failed: 1,
      retried: 2,
      refusedByStatus: { '503': 2, '429': 1 },
      failuresByStatus: { '401': 1 },
    });
    expect(summary.loginMs.count).toBe(3);
    expect(summary.requestMs.count).toBe(7);
    expect(summary.ratePerSec).toBeGreaterThan(0);
    expect(describeLogins(summary)).toMatch(/^logins 3\/4 at .*refused: 429 x1, 503 x2.*failed: 401 x1$/);

    const summaryOfRun = { logins: summary } as Parameters<typeof evaluateThresholds>[1];
    const [failedOk, p95] = evaluateThresholds(
      [parseThreshold('loginFailed<=0'), parseThreshold('loginMs.p95<=60000')],
      summaryOfRun,
    );
    expect(failedOk!.passed).toBe(false);
    expect(p95!.passed).toBe(true);
  });
});
