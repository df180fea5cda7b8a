import { parsePayload, type ErrorInfo } from '@parley/protocol';
import type { z } from 'zod';
import { AppError, INTERNAL_ERROR } from '../appError.js';
import type { Logger } from '../logger.js';
import { isStoreDown, storeUnavailable } from '../store/unavailable.js';
import type { EventGuard } from './eventGuard.js';
import type { ParleySocket } from './types.js';

type AckResponse = ({ ok: true } & Record<string, unknown>) | { ok: false; error: ErrorInfo };

/** What a handler may return: fields spread into `{ok: true, ...}` (or nothing). */
export type EventResult = Record<string, unknown> | void;

export type EventHandler<S extends z.ZodType> = (
  data: z.infer<S>,
  socket: ParleySocket,
) => EventResult | Promise<EventResult>;

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
 * Registers a client→server event: validates the payload with a protocol schema and answers
 * the acknowledgement exactly once, `{ok: true, ...result}` or `{ok: false, error}`. Never
 * throws, whatever arrives (no payload, no ack, non-objects, extra arguments): a malformed
 * payload gets `bad_request` and the socket stays connected. Every event first passes the
 * per-event limits (EventGuard): past them, `rate_limited` with `retryAfterMs`, before parsing.
 */
export function onEvent<S extends z.ZodType>(
  socket: ParleySocket,
  event: string,
  schema: S,
  handler: EventHandler<S>,
): void {
  socket.on(event, (...args: unknown[]) => {
    answerEvent(socket, event, args, (payload) => {
      const parsed = parsePayload(schema, payload);
      if (!parsed.ok) throw new AppError(parsed.error.code, parsed.error.message, parsed.error.field);
      return handler(parsed.data, socket);
    });
  });
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
