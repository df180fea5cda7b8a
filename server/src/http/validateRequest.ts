import { parsePayload } from '@parley/protocol';
import type { Context } from 'koa';
import type { z } from 'zod';
import { AppError } from '../appError.js';

/** Parses with a protocol schema; a failure is 400 `bad_request` naming the failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = parsePayload(schema, value);
  if (!result.ok) throw new AppError('bad_request', result.error.message, result.error.field);
  return result.data;
}

export function validateBody<S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> {
  return parseOrThrow(schema, ctx.request.body ?? {});
}

export function validateQuery<S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> {
  return parseOrThrow(schema, ctx.query);
}

export function validateParams<S extends z.ZodType>(
  ctx: Context & { params?: Record<string, string> },
  schema: S,
): z.infer<S> {
  return parseOrThrow(schema, ctx.params ?? {});
}
