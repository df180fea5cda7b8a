import type { ServerEventName, ServerEventPayload } from '@parley/protocol';

/**
 * How domain services reach clients without knowing Socket.io: emit an event to rooms (every
 * socket of a user, of a meeting, or one socket id, on every instance), leave some sockets out,
 * take sockets out of a room, and ask whether a socket of this instance is connected. The
 * Socket.io server built in `realtime/` is the implementation; domain code never imports it.
 */
export interface ClientRooms {
  to(room: string | string[]): RoomEmit;
  in(room: string | string[]): { socketsLeave(room: string | string[]): void };
  /** The sockets connected to this instance, by id. */
  readonly sockets: { readonly sockets: ReadonlyMap<string, { readonly connected: boolean }> };
}

/**
 * An emit to some rooms, optionally leaving some sockets or rooms out. Only the events of the
 * socket contract (`ServerEventContract`), each with its own payload.
 */
export interface RoomEmit {
  except(room: string | string[]): RoomEmit;
  emit<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): boolean;
}

/** Emits `event` to the sockets of a meeting, leaving out one socket (the sender) or none. */
export type EmitToMeeting = <E extends ServerEventName>(
  meetingId: string,
  exceptSocketId: string | null,
  event: E,
  payload: ServerEventPayload<E>,
) => void;

/** The room holding every socket of one user, on every instance. */
export const userRoom = (userId: string): string => `user:${userId}`;
