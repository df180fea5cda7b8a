import { z } from 'zod';
import { SingleLine } from './text.js';

/** Ids on the wire are non-empty strings; the server decides their format. */
export const Id = SingleLine().trim().min(1, 'must be a non-empty id').max(64, 'id too long');
export const Uuid = z.uuid();
/** Message ids are decimal strings that sort numerically in send order. */
export const MessageId = z.string().regex(/^[0-9]{1,19}$/, 'must be a message id');

/** `ping` (c→s): an optional object; `echo` is returned unchanged in the ack. */
export const Ping = z.object({ echo: SingleLine().max(256, 'must be at most 256 characters').optional() }).optional();
export type Ping = z.infer<typeof Ping>;
