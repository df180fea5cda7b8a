import { createEffect, createRoot, createSignal, on } from 'solid-js';
import { createSocketClient, type ConnectionState, type SocketClient } from '../api/socket.js';
import { loadSession, session } from './session.js';

const [client, setClient] = createSignal<SocketClient | null>(null);

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
        setClient(userId ? createSocketClient({ onUnauthorized: () => void loadSession() }) : null);
      },
    ),
  );
});

/** The page's socket client, or null when logged out. */
export function realtime(): SocketClient | null {
  return client();
}

/** The connection state; `disconnected` while logged out. */
export function connectionState(): ConnectionState {
  return client()?.state() ?? 'disconnected';
}
