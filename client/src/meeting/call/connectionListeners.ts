import { ServerEvents } from '@parley/protocol';
import type { SocketClient } from '../../api/socket.js';

/** What a call does when its socket drops, comes back, or hears that the server restarts. */
export interface ConnectionHandlers {
  disconnected(): void;
  connected(): void;
  /** `server_restarting`: the disconnection that follows is a deploy hand-over. */
  serverRestarting(): void;
}

/** Listens to the socket's connection events; returns the function that stops listening. */
export function listenToConnection(client: SocketClient, on: ConnectionHandlers): () => void {
  const onDisconnect = () => on.disconnected();
  const onConnect = () => on.connected();
  const onRestarting = () => on.serverRestarting();
  client.raw.on('disconnect', onDisconnect);
  client.raw.on('connect', onConnect);
  client.raw.on(ServerEvents.serverRestarting, onRestarting);
  return () => {
    client.raw.off('disconnect', onDisconnect);
    client.raw.off('connect', onConnect);
    client.raw.off(ServerEvents.serverRestarting, onRestarting);
  };
}
