/** Error codes shared by HTTP responses and socket acknowledgements. */
export const ErrorCodes = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export const httpStatusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** The payload field that failed validation, for `bad_request`. */
  field?: string;
  /** For `rate_limited` (and a busy `unavailable`): how long to wait before trying again. */
  retryAfterMs?: number;
}

/** `{error: {code, message}}`: the body of every failed HTTP response. */
export interface ErrorBody {
  error: ErrorInfo;
}

export type AckOk<T extends object = object> = { ok: true } & T;
export interface AckError {
  ok: false;
  error: ErrorInfo;
}
export type Ack<T extends object = object> = AckOk<T> | AckError;
export type AckCallback<T extends object = object> = (response: Ack<T>) => void;
