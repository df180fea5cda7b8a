import type { User } from '@parley/protocol';

export interface PersonEntry {
  user: User;
  peerId: string | null;
  you?: boolean;
  /** 1-based place in the hand queue, or null. */
  hand: number | null;
  /** The active speaker, or someone with the microphone on. */
  speaking: boolean;
}

const matches = (user: User, query: string): boolean => {
  const q = query.trim().toLowerCase();
  return q === '' || user.displayName.toLowerCase().includes(q) || user.username.toLowerCase().includes(q);
};

/**
 * The people panel's order for a large meeting: raised hands first (in queue order), then
 * speakers, then everyone else by name; `query` keeps those whose name or username contains it.
 */
export function orderPeople(people: readonly PersonEntry[], query: string): PersonEntry[] {
  const rank = (p: PersonEntry) => (p.hand !== null ? 0 : p.speaking ? 1 : 2);
  return people
    .filter((p) => matches(p.user, query))
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.hand ?? 0) - (b.hand ?? 0) ||
        a.user.displayName.localeCompare(b.user.displayName) ||
        a.user.id.localeCompare(b.user.id),
    );
}
