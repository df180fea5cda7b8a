/**
 * Message ids are decimal strings that sort numerically in send order (docs/protocol.md). They can
 * exceed 2^53, so they are compared as strings: a longer canonical number is a larger one.
 */
export function compareMessageIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `id` comes after `other` (a missing `other` is before everything). */
export function isAfter(id: string, other: string | null | undefined): boolean {
  return other === null || other === undefined || compareMessageIds(id, other) > 0;
}
