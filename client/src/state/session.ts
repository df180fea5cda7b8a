import type { LoginBody, RegisterBody, User } from '@parley/protocol';
import { batch, createSignal } from 'solid-js';
import { ApiError } from '../api/ApiError.js';
import { authApi } from '../api/auth.js';
import { onUnauthorized } from '../api/http.js';

export type SessionStatus = 'loading' | 'ready';

const [user, setUser] = createSignal<User | null>(null);
const [status, setStatus] = createSignal<SessionStatus>('loading');
/** Why the session could not be checked (server down), or null. A 401 is no error: logged out. */
const [loadError, setLoadError] = createSignal<ApiError | null>(null);
/** True after the person logged out on purpose (so the next login starts from home). */
const [loggedOut, setLoggedOut] = createSignal(false);

let loading: Promise<User | null> | null = null;

/** Asks the server who this page belongs to (`GET /api/me`); the cookie decides. */
export function loadSession(): Promise<User | null> {
  loading ??= authApi
    .me()
    .then(({ user: me }) => {
      setUser(me);
      setLoadError(null);
      return me;
    })
    .catch((error: unknown) => {
      setUser(null);
      const unauthorized = error instanceof ApiError && error.status === 401;
      setLoadError(unauthorized ? null : error instanceof ApiError ? error : null);
      return null;
    })
    .finally(() => {
      setStatus('ready');
      loading = null;
    });
  return loading;
}

export async function login(body: LoginBody): Promise<User> {
  const { user: me } = await authApi.login(body);
  signedIn(me);
  return me;
}

function signedIn(me: User): void {
  batch(() => {
    setLoadError(null);
    setLoggedOut(false);
    setUser(me);
    setStatus('ready');
  });
}

/**
 * Creates the account. The server sets the session cookie on registration; should it not (the
 * contract only promises it for login), log in with the same credentials.
 */
export async function register(body: RegisterBody): Promise<User> {
  await authApi.register(body);
  try {
    const { user: me } = await authApi.me();
    signedIn(me);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return login({ username: body.username, password: body.password });
    }
    throw error;
  }
}

export async function logout(options: { everywhere?: boolean } = {}): Promise<void> {
  try {
    await (options.everywhere ? authApi.logoutAll() : authApi.logout());
  } finally {
    batch(() => {
      setLoggedOut(true);
      setUser(null);
    });
  }
}

/** Any authenticated call answering 401 means the session is gone: forget the user. */
onUnauthorized((path) => {
  if (!path.startsWith('/api/auth/') && user()) setUser(null);
});

export const session = { user, status, loadError, loggedOut };
