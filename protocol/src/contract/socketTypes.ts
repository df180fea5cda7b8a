import type { z } from 'zod';
import type { Ack } from '../errors.js';
import type { ClientEventContract, ClientEventName } from './clientEventContract.js';
import type { ServerEventContract, ServerEventName } from './serverEventContract.js';

/** What a client sends with event `E` (before the schema's defaults and transforms). */
export type ClientEventPayload<E extends ClientEventName> = z.input<(typeof ClientEventContract)[E]['payload']>;
/** What the server's handler of `E` receives, once the payload passed its schema. */
export type ClientEventParsed<E extends ClientEventName> = z.output<(typeof ClientEventContract)[E]['payload']>;
/** The body of `E`'s `{ok: true, ...}` ack, without `ok`. */
export type ClientEventAck<E extends ClientEventName> = z.output<(typeof ClientEventContract)[E]['ack']>;
/** The payload of server→client event `E`. */
export type ServerEventPayload<E extends ServerEventName> = z.output<(typeof ServerEventContract)[E]['payload']>;

/** Socket.io's map of client→server events (`Socket<ServerToClientEvents, ClientToServerEvents>` in a client). */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientEventPayload<E>, ack: (response: Ack<ClientEventAck<E>>) => void) => void;
};

/** Socket.io's map of server→client events. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};
