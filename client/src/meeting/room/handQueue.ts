import type { HandRaisedEvent, RaisedHand } from '@parley/protocol';

/** The queue of a room-state snapshot: user ids in order. */
export function handsFromSnapshot(hands: readonly RaisedHand[]): string[] {
  return [...hands].sort((a, b) => a.order - b.order).map((hand) => hand.userId);
}

/**
 * The queue after a `hand_raised` event: a raised hand goes to its place (`order`, 1-based, as
 * the server counted it), a lowered one leaves; places of the others follow from the list.
 */
export function applyHand(queue: readonly string[], event: HandRaisedEvent): string[] {
  const without = queue.filter((userId) => userId !== event.userId);
  if (!event.raised) return without;
  const at = Math.min(Math.max((event.order ?? without.length + 1) - 1, 0), without.length);
  return [...without.slice(0, at), event.userId, ...without.slice(at)];
}
