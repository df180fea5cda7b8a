/**
 * The few HTTP calls the runner makes itself (docs/protocol.md): register the clients'
 * accounts and start the meetings. Answers are checked with zod.
 */
import { z } from 'zod';
import { withBusyRetry } from './busyRetry.js';

const AuthAnswer = z.object({ user: z.object({ id: z.string() }), token: z.string() });
const MeetingAnswer = z.object({ meeting: z.object({ id: z.string() }) });

/** "fetch failed" with its cause (ECONNREFUSED 127.0.0.1:3000, a timeout ...). */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: string }).code;
    return `${error.message}: ${code && !cause.message.includes(code) ? `${code} ` : ''}${cause.message}`;
  }
  return error.message;
}

/** Throws a readable error unless `GET /health` answers 200. */
export async function checkReachable(baseUrl: string): Promise<void> {
  let status: number;
  try {
    status = (await fetch(new URL('/health', baseUrl), { signal: AbortSignal.timeout(10_000) })).status;
  } catch (error) {
    throw new Error(`${baseUrl} is not reachable (${describeFetchError(error)})`, { cause: error });
  }
  if (status !== 200) throw new Error(`${baseUrl}/health answered ${status}: is it a Parley, and healthy?`);
}

export interface Account {
  username: string;
  password: string;
  userId: string;
  token: string;
}

async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: unknown; text: string; retryAfter: string | null }> {
  let response: Response;
  try {
    response = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Error(`POST ${path}: ${describeFetchError(error)}`, { cause: error });
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: reported with the text
  }
  return { status: response.status, json, text, retryAfter: response.headers.get('retry-after') };
}

/** POST, waiting and retrying while the server is busy (429/503 + Retry-After, busyRetry.ts). */
function postPatiently(baseUrl: string, path: string, body: unknown): Promise<Awaited<ReturnType<typeof post>>> {
  return withBusyRetry(() => post(baseUrl, path, body), { retries: 20 });
}

/** Registers the user (or logs in when the name is taken, e.g. a rerun against a real server). */
export async function ensureAccount(baseUrl: string, username: string, password: string): Promise<Account> {
  const registered = await postPatiently(baseUrl, '/api/auth/register', { username, password, displayName: username });
  let answer = registered;
  if (registered.status === 409) answer = await postPatiently(baseUrl, '/api/auth/login', { username, password });
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`account ${username}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  const parsed = AuthAnswer.safeParse(answer.json);
  if (!parsed.success) throw new Error(`account ${username}: unexpected answer ${answer.text.slice(0, 200)}`);
  return { username, password, userId: parsed.data.user.id, token: parsed.data.token };
}

/** A meeting that any logged-in user with its id may join (`access: 'link'`). */
export async function startMeeting(baseUrl: string, host: Account, title: string): Promise<string> {
  const answer = await post(baseUrl, '/api/meetings', { title, access: 'link' }, host.token);
  if (answer.status !== 201) throw new Error(`POST /api/meetings: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  const parsed = MeetingAnswer.safeParse(answer.json);
  if (!parsed.success) throw new Error(`POST /api/meetings: unexpected answer ${answer.text.slice(0, 200)}`);
  return parsed.data.meeting.id;
}

/** Runs `task` over `items` with at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}
