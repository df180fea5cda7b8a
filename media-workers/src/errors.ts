import type { ErrorCode } from '@parley/protocol';

/** A failure with a wire error code, answered to the RPC caller as `{ok: false, error}`. */
export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
