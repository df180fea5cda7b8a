import { httpStatusOf, type ErrorCode, type ErrorInfo } from '@parley/protocol';
import type { Middleware } from 'koa';
import { AppError, INTERNAL_ERROR } from '../appError.js';
import type { Logger } from '../logger.js';
import { isStoreDown, storeUnavailable } from '../store/unavailable.js';

/** Errors of the HTTP stack (co-body, @koa/send, http-errors) carry a status and a type. */
interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
}

function clientErrorCode(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'too_large';
    case 429:
      return 'rate_limited';
    default:
      return 'bad_request';
  }
}

function describeClientError(code: ErrorCode, error: HttpLikeError): string {
  const type = error.type;
  // co-body rethrows JSON.parse's SyntaxError with status 400.
  if (type === 'entity.parse.failed' || (error instanceof SyntaxError && code === 'bad_request')) {
    return 'Malformed JSON body';
  }
  if (type === 'entity.too.large') return 'Request body too large';
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return 'Unsupported body encoding';
  switch (code) {
    case 'unauthorized':
      return 'Authentication required';
    case 'forbidden':
      return 'Forbidden';
    case 'not_found':
      return 'Not found';
    case 'too_large':
      return 'Request body too large';
    default:
      return 'Bad request';
  }
}

/** Maps any thrown value to the wire error and its HTTP status; logs what is unexpected. */
export function toHttpError(
  error: unknown,
  logger: Logger,
): { status: number; info: ErrorInfo; headers: Record<string, string> } {
  if (error instanceof AppError) return { status: error.status, info: error.toInfo(), headers: error.headers };
  if (isStoreDown(error)) {
    const down = storeUnavailable();
    return { status: down.status, info: down.toInfo(), headers: down.headers };
  }
  const e = (error ?? {}) as HttpLikeError;
  const status = Number(e.status ?? e.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    const code = clientErrorCode(status);
    // Fixed messages: library messages may echo internals (paths, parser positions).
    return { status: httpStatusOf[code], info: { code, message: describeClientError(code, e) }, headers: {} };
  }
  logger.error({ err: error }, 'unexpected error while handling a request');
  return { status: 500, info: INTERNAL_ERROR, headers: {} };
}

/**
 * Outermost error boundary: every failure becomes `{error: {code, message, field?}}` with the
 * fitting status; an unknown route becomes 404 `not_found`; nothing internal leaks.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) {
        throw new AppError('not_found', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      const { status, info, headers } = toHttpError(error, logger.child({ method: ctx.method, path: ctx.path }));
      if (ctx.headerSent || !ctx.writable) return;
      ctx.remove('Content-Disposition');
      ctx.remove('Content-Encoding');
      ctx.set(headers);
      ctx.status = status;
      ctx.body = { error: info };
    }
  };
}
