import { z } from 'zod';

/**
 * The schema of a shape the server builds and sends (a server→client event's payload): it
 * carries the shape's type for the compiler, and accepts what arrives at run time, since the
 * sender is the server itself. Client→server payloads and acks use real schemas instead
 * (protocol/src/schemas/*, contract/ackSchemas.ts).
 */
export const wireShape = <T extends object>(): z.ZodType<T> => z.custom<T>();
