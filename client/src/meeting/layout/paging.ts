/** Tiles per page of the grid (the own preview takes one slot of the first page). */
export const PAGE_SIZE = 9;

export interface GridPage<T> {
  /** The remote participants on this page, in display order. */
  items: T[];
  page: number;
  pages: number;
}

/**
 * One page of the remote participants. The first page holds `pageSize - 1` of them (the own
 * preview comes first), the others `pageSize`. The active speaker is kept on the first page:
 * when its place is further on, it takes the last slot of the first page and the participant
 * there moves to its place (everyone else stays where they were, so tiles do not jump).
 */
export function gridPage<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  speaker: string | null,
  page: number,
  pageSize = PAGE_SIZE,
): GridPage<T> {
  const firstSize = Math.max(1, pageSize - 1);
  const ordered = [...all];
  const at = speaker === null ? -1 : ordered.findIndex((item) => keyOf(item) === speaker);
  if (at >= firstSize) {
    const swapped = ordered[firstSize - 1] as T;
    ordered[firstSize - 1] = ordered[at] as T;
    ordered[at] = swapped;
  }
  const pages = ordered.length <= firstSize ? 1 : 1 + Math.ceil((ordered.length - firstSize) / pageSize);
  const current = Math.min(Math.max(0, page), pages - 1);
  const start = current === 0 ? 0 : firstSize + (current - 1) * pageSize;
  const end = current === 0 ? firstSize : start + pageSize;
  return { items: ordered.slice(start, end), page: current, pages };
}
