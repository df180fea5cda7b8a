import { ErrorCodes, httpStatusOf, type ErrorCode, type ErrorInfo } from '@parley/protocol';

/** Codes the client adds for failures that never reached the server or never came back. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'timeout';

/** A failed HTTP call or socket request, built from the protocol's `{error: {code, message}}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ClientErrorCode;
  readonly field: string | undefined;
  /** Seconds from a `Retry-After` header, when the server sent one (429). */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: ClientErrorCode;
    message: string;
    field?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.retryAfter = init.retryAfter;
  }

  /** From an error object of an HTTP body or a socket acknowledgement. */
  static fromInfo(info: ErrorInfo, status?: number, retryAfter?: number): ApiError {
    return new ApiError({
      status: status ?? httpStatusOf[info.code] ?? 0,
      code: info.code,
      message: info.message,
      field: info.field,
      retryAfter,
    });
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ErrorCodes as readonly string[]).includes(value);
}

/** The protocol code that goes with an HTTP status, for error bodies that carry none. */
export function codeForStatus(status: number): ErrorCode {
  const match = ErrorCodes.find((code) => httpStatusOf[code] === status);
  if (match) return match;
  if (status >= 500) return status === 502 || status === 504 ? 'unavailable' : 'internal';
  return 'bad_request';
}

/** Reads `{error: {code, message, field?}}` out of any value, or returns null. */
export function readErrorInfo(body: unknown): ErrorInfo | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error = body.error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, field } = error as Record<string, unknown>;
  if (!isErrorCode(code)) return null;
  return {
    code,
    message: typeof message === 'string' ? message : code,
    ...(typeof field === 'string' ? { field } : {}),
  };
}
