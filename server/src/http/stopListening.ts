import type { Server } from 'node:http';

/**
 * Closes the listening socket now (new connections are refused, so a proxy sends them to another
 * instance), while the open connections go on. A later `server.close(callback)` (socket.io's, at
 * the end of the shutdown) waits for the same drain instead of never being called back: Node
 * calls back a close() of a server that stopped listening only on a 'close' event still to come.
 */
export function stopListening(server: Server): void {
  if (!server.listening) return;
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.close = (callback?: (error?: Error) => void) => {
    void drained.then(() => callback?.());
    return server;
  };
}
