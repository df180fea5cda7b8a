import type { z } from 'zod';
import type { ErrorInfo } from './errors.js';

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: ErrorInfo };

/** Validates a payload against a schema and turns the first issue into a `bad_request`. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? `${field ?? 'payload'}: ${issue.message}` : 'invalid payload';
  return { ok: false, error: { code: 'bad_request', message, ...(field ? { field } : {}) } };
}
