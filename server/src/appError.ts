import { httpStatusOf, type ErrorCode, type ErrorInfo } from '@parley/protocol';

/**
 * An error meant for the client: its code and message go on the wire as they are (HTTP body
 * `{error}` or socket ack `{ok:false, error}`). Anything else becomes `internal`.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** Extra HTTP headers, e.g. Retry-After for `rate_limited`. */
    readonly headers: Record<string, string> = {},
    /** For `rate_limited` and a busy `unavailable`: the wait the ack suggests (`retryAfterMs`). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  get status(): number {
    return httpStatusOf[this.code];
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }
}

export const INTERNAL_ERROR: ErrorInfo = { code: 'internal', message: 'Internal server error' };
