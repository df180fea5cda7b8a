import { ClientEvents } from '@parley/protocol';
import type { SocketHandlers } from './SocketHandlers.js';
import { onEvent } from './onEvent.js';

/** `ping` → ack `{ok: true, instanceId, echo?}`: which server process answered. */
export const pingHandlers: SocketHandlers = (socket, app) => {
  onEvent(socket, ClientEvents.ping, (data) => ({
    instanceId: app.instanceId,
    ...(data?.echo !== undefined ? { echo: data.echo } : {}),
  }));
};
