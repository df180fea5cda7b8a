import { createEffect, createRoot, createSignal, on } from 'solid-js';
import { createSocketClient, type ConnectionState, type SocketClient } from '../api/socket.js';
import { loadSession, session } from './session.js';

const [client, setClient] = createSignal<SocketClient | null>(null);

/** Pages where nobody is logged in yet: no socket ahead of the session check there. */
const LOGGED_OUT_PAGES = /^\/(login|register)(\/|$)/;

function openSocket(): SocketClient {
  const socket = createSocketClient({
    onUnauthorized: () => {
      if (socket === client()) void loadSession();
      else if (socket === early) dropEarly();
    },
  });
  return socket;
}

/**
 * The socket opened on page load, beside the session check (`GET /api/me`): its handshake
 * carries the same session cookie, so a logged-in page does not wait for the two one after the
 * other (a meeting link opened cold joins sooner). The user the check finds adopts it; a
 * logged-out page closes it (its handshake is refused anyway).
 */
let early: SocketClient | null = LOGGED_OUT_PAGES.test(location.pathname) ? null : openSocket();

function dropEarly(): void {
  early?.close();
  early = null;
}

/**
 * Keeps exactly one Socket.io connection while someone is logged in on this page: opened after
 * login (or on load with a valid cookie), replaced when the user changes, closed on logout.
 */
createRoot(() => {
  createEffect(
    on(
      () => session.user()?.id,
      (userId) => {
        client()?.close();
        if (!userId) return setClient(null);
        // One that gave up (a refused handshake) is replaced, as it would have been before.
        const adopted = early?.raw.active ? early : null;
        if (!adopted) dropEarly();
        early = null;
        setClient(adopted ?? openSocket());
      },
    ),
  );
  createEffect(() => {
    if (session.status() === 'ready' && !session.user()) dropEarly();
  });
});

/** The page's socket client, or null when logged out. */
export function realtime(): SocketClient | null {
  return client();
}

/** The connection state; `disconnected` while logged out. */
export function connectionState(): ConnectionState {
  return client()?.state() ?? 'disconnected';
}
