import {
  ClientEventContract,
  parsePayload,
  type ClientEventAck,
  type ClientEventName,
  type ClientEventParsed,
  type ErrorInfo,
} from '@parley/protocol';
import { AppError, INTERNAL_ERROR } from '../appError.js';
import type { Logger } from '../logger.js';
import { isStoreDown, storeUnavailable } from '../store/unavailable.js';
import type { EventGuard } from './eventGuard.js';
import type { ParleySocket } from './types.js';

type AckResponse = ({ ok: true } & object) | { ok: false; error: ErrorInfo };

/** What a handler may return: fields spread into `{ok: true, ...}` (or nothing). */
export type EventResult = object | void;

/** What the handler of `E` answers: its ack's body (nothing, when every field of it is optional). */
export type EventAnswer<E extends ClientEventName> =
  ClientEventAck<E> | (Record<never, never> extends ClientEventAck<E> ? void : never);

/** The handler of client→server event `E`: its parsed payload in, its ack's body out. */
export type EventHandler<E extends ClientEventName> = (
  data: ClientEventParsed<E>,
  socket: ParleySocket,
) => EventAnswer<E> | Promise<EventAnswer<E>>;

/** Where onEvent reports unexpected handler failures, per Socket.io server (set by setupRealtime). */
const loggers = new WeakMap<object, Logger>();
export function setEventLogger(io: object, logger: Logger): void {
  loggers.set(io, logger);
}
const loggerOf = (socket: ParleySocket): Logger | undefined => loggers.get(socket.nsp.server);

/** The per-event limits applied before every handler, per Socket.io server (set by setupRealtime). */
const guards = new WeakMap<object, EventGuard>();
export function setEventGuard(io: object, guard: EventGuard): void {
  guards.set(io, guard);
}

function errorInfo(error: unknown, event: string, socket: ParleySocket): ErrorInfo {
  if (error instanceof AppError) return error.toInfo();
  if (isStoreDown(error)) return storeUnavailable().toInfo();
  loggerOf(socket)?.error({ err: error, event, userId: socket.data.user?.id }, 'socket event handler failed');
  return INTERNAL_ERROR;
}

/**
 * Registers a client→server event of the contract: validates the payload with the schema of its
 * row in `ClientEventContract` and answers
 * the acknowledgement exactly once, `{ok: true, ...result}` or `{ok: false, error}`. Never
 * throws, whatever arrives (no payload, no ack, non-objects, extra arguments): a malformed
 * payload gets `bad_request` and the socket stays connected. Every event first passes the
 * per-event limits (EventGuard): past them, `rate_limited` with `retryAfterMs`, before parsing.
 */
export function onEvent<E extends ClientEventName>(socket: ParleySocket, event: E, handler: EventHandler<E>): void {
  const schema = ClientEventContract[event].payload;
  listen(socket, event, (args) => {
    answerEvent(socket, event, args, (payload) => {
      const parsed = parsePayload(schema, payload);
      if (!parsed.ok) throw new AppError(parsed.error.code, parsed.error.message, parsed.error.field);
      return handler(parsed.data as ClientEventParsed<E>, socket);
    });
  });
}

/**
 * Registers an event of the contract that this server refuses whatever its payload (a feature
 * switched off): every ack gets `error`, after the per-event limits like any other event.
 */
export function refuseEvent(socket: ParleySocket, event: ClientEventName, error: () => AppError): void {
  listen(socket, event, (args) => {
    answerEvent(socket, event, args, () => {
      throw error();
    });
  });
}

/** A raw listener of `event`: what arrives is untrusted, whatever the contract's types say. */
function listen(socket: ParleySocket, event: ClientEventName, listener: (args: unknown[]) => void): void {
  (socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(
    event,
    (...args: unknown[]) => listener(args),
  );
}

/**
 * Handles one incoming event's arguments (`[payload?, ack?]`): admits it through the per-event
 * limits under `guardKey`, runs `run` on the payload and answers the ack, if any, exactly once.
 */
export function answerEvent(
  socket: ParleySocket,
  event: string,
  args: unknown[],
  run: (payload: unknown) => EventResult | Promise<EventResult>,
  guardKey: string = event,
): void {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (response: AckResponse) => void) : undefined;
  const payload = ack ? (args.length > 1 ? args[0] : undefined) : args[0];
  let answered = false;
  const answer = (response: AckResponse) => {
    if (answered) return;
    answered = true;
    try {
      ack?.(response);
    } catch (error) {
      loggerOf(socket)?.warn({ err: error, event }, 'socket ack failed');
    }
  };
  const guard = guards.get(socket.nsp.server);
  void (async () => {
    try {
      const refusal = guard ? await guard.admit(socket, guardKey) : null;
      if (refusal) return answer({ ok: false, error: refusal });
    } catch (error) {
      return answer({ ok: false, error: errorInfo(error, event, socket) });
    }
    try {
      const result = await run(payload);
      answer({ ...(result ?? {}), ok: true });
    } catch (error) {
      answer({ ok: false, error: errorInfo(error, event, socket) });
    } finally {
      guard?.release(socket);
    }
  })();
}
