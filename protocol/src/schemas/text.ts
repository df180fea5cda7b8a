import { z } from 'zod';

/**
 * Text hygiene shared by every schema that takes a string from a client: C0 control characters
 * (U+0000–U+001F) and DEL are refused, except tab, newline and carriage return in fields that
 * hold running text (a chat message, an SDP). NUL in particular never reaches PostgreSQL, which
 * refuses it in text columns (it answered `500 internal` before). Lone UTF-16 surrogates (not
 * valid Unicode) are refused too.
 */
export const CONTROL_CHARACTER_MESSAGE = 'must not contain control characters';
export const INVALID_UNICODE_MESSAGE = 'must be valid Unicode text';

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const DEL = 0x7f;

/** True when `value` has no control character (tab, newline and CR allowed when `multiline`). */
export function hasNoControls(value: string, multiline = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code !== DEL) continue;
    if (multiline && (code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN)) continue;
    return false;
  }
  return true;
}

/** True when every UTF-16 surrogate of `value` is half of a pair. */
export function isWellFormed(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code > 0xdbff) return false; // a low surrogate without its high one
    const next = value.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false; // a high one without its low one
    i++;
  }
  return true;
}

/** Adds the control-character and Unicode checks to a string schema (still a ZodString). */
export function cleanText(schema: z.ZodString, options: { multiline?: boolean } = {}): z.ZodString {
  const multiline = options.multiline ?? false;
  return schema
    .refine((value) => hasNoControls(value, multiline), CONTROL_CHARACTER_MESSAGE)
    .refine(isWellFormed, INVALID_UNICODE_MESSAGE);
}

/** A single-line string: no control characters at all. */
export const SingleLine = (): z.ZodString => cleanText(z.string());

/** Running text: tab, newline and carriage return allowed, other controls refused. */
export const MultiLine = (): z.ZodString => cleanText(z.string(), { multiline: true });
