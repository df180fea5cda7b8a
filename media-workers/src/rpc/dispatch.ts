import { parsePayload } from '@parley/protocol';
import {
  MediaRpcMethods,
  MediaRpcRequest,
  type MediaRpcAck,
  type MediaRpcMethod,
  type MediaRpcParsedParams,
  type MediaRpcResult,
} from '@parley/protocol/internal';
import { MediaError } from '../errors.js';
import type { Logger } from '../logger.js';

export type RpcHandlers = {
  [M in MediaRpcMethod]: (params: MediaRpcParsedParams<M>) => Promise<MediaRpcResult<M>> | MediaRpcResult<M>;
};

/**
 * Validates one request ({method, params}) with the protocol schemas, runs the handler and turns
 * the outcome into an ack. Never throws: a bad payload gets `bad_request`, a MediaError its own
 * code, anything else `internal` (logged, no details to the caller).
 */
export async function dispatchRpc(handlers: RpcHandlers, payload: unknown, logger: Logger): Promise<MediaRpcAck> {
  const request = parsePayload(MediaRpcRequest, payload);
  if (!request.ok) return { ok: false, error: request.error };
  const { method } = request.data;
  const params = parsePayload(MediaRpcMethods[method].params, request.data.params);
  if (!params.ok) {
    const { field, message } = params.error;
    return {
      ok: false,
      error: {
        code: 'bad_request',
        message: `params.${message}`,
        ...(field ? { field: `params.${field}` } : { field: 'params' }),
      },
    };
  }
  try {
    const handler = handlers[method] as (p: unknown) => unknown;
    return { ok: true, result: await handler(params.data) };
  } catch (error) {
    if (error instanceof MediaError) return { ok: false, error: { code: error.code, message: error.message } };
    logger.error({ err: error, method }, 'media rpc failed');
    return { ok: false, error: { code: 'internal', message: 'internal error' } };
  }
}
