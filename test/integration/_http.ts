/** Small fetch helpers for the integration tests of the HTTP API. */
/** An HTTP answer; `T` is the JSON body's shape the caller expects (unchecked: `unknown` unless named). */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function request<T = unknown>(
  url: string,
  init: {
    method?: string;
    json?: unknown;
    body?: string;
    token?: string;
    cookie?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined || init.body !== undefined) headers['content-type'] ??= 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.cookie) headers.cookie = init.cookie;
  const response = await fetch(url, {
    method: init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.body ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** `name=value` of a Set-Cookie header, for sending it back. */
export function cookiePair(setCookie: string | null, name: string): string | undefined {
  const match = new RegExp(`(?:^|,\\s*)(${name}=[^;]*)`).exec(setCookie ?? '');
  return match?.[1];
}

let counter = 0;
/** A valid, unique username. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1000)}`.slice(0, 32);
}
