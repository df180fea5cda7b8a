import { z } from 'zod';

/**
 * The schema of a shape the server builds and sends (an ack's body, a server→client event's
 * payload): it carries the shape's type for the compiler, and accepts what arrives at run time,
 * since the sender is the server itself. Client→server payloads use real schemas instead
 * (protocol/src/schemas/*), which the server checks.
 */
export const wireShape = <T extends object>(): z.ZodType<T> => z.custom<T>();

/** The body of an ack that carries nothing but `ok: true`. */
export type NoFields = Record<never, never>;
export const noFields = wireShape<NoFields>();
