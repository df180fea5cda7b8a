import { describe, expect, it } from 'vitest';
import { applyHand, handsFromSnapshot } from '../src/meeting/room/handQueue.js';
import { orderPeople, type PersonEntry } from '../src/meeting/room/peopleOrder.js';

const hand = (userId: string, raised: boolean, order?: number) => ({
  meetingId: 'm',
  peerId: `p-${userId}`,
  userId,
  raised,
  ...(order !== undefined ? { order } : {}),
});

describe('the hand queue', () => {
  it('puts a raised hand at its place and drops a lowered one', () => {
    let queue = applyHand([], hand('ada', true, 1));
    queue = applyHand(queue, hand('bob', true, 2));
    queue = applyHand(queue, hand('cy', true, 3));
    expect(queue).toEqual(['ada', 'bob', 'cy']);
    queue = applyHand(queue, hand('ada', false));
    expect(queue).toEqual(['bob', 'cy']);
    // A raise whose order arrives stale or out of range is clamped, never duplicated.
    expect(applyHand(queue, hand('bob', true, 1))).toEqual(['bob', 'cy']);
    expect(applyHand(queue, hand('dee', true, 9))).toEqual(['bob', 'cy', 'dee']);
    expect(applyHand(queue, hand('dee', true))).toEqual(['bob', 'cy', 'dee']);
  });

  it('reads a snapshot in queue order', () => {
    expect(
      handsFromSnapshot([
        { userId: 'b', peerId: null, order: 2 },
        { userId: 'a', peerId: 'p', order: 1 },
      ]),
    ).toEqual(['a', 'b']);
  });
});

describe('the people panel order', () => {
  const person = (name: string, hand: number | null, speaking = false): PersonEntry => ({
    user: { id: name, username: name.toLowerCase(), displayName: name },
    peerId: `p-${name}`,
    hand,
    speaking,
  });

  it('lists hands first (queue order), then speakers, then the rest by name; search filters', () => {
    const people = [
      person('Zoe', null),
      person('Amy', null),
      person('Sam', null, true),
      person('Kim', 2),
      person('Bo', 1),
    ];
    expect(orderPeople(people, '').map((p) => p.user.displayName)).toEqual(['Bo', 'Kim', 'Sam', 'Amy', 'Zoe']);
    expect(orderPeople(people, 'm').map((p) => p.user.displayName)).toEqual(['Kim', 'Sam', 'Amy']);
    expect(orderPeople(people, '  ZO ').map((p) => p.user.displayName)).toEqual(['Zoe']);
  });
});
