/**
 * Which tiles a receiving bot "shows", so that it asks for simulcast layers as a page would
 * (`sfu:report_tiles`; the server maps a tile's height to a layer with protocol/src/tileLayer.ts).
 * Receivers fall in three classes, spread evenly over the receivers by their index:
 * - `small`: every camera in a small tile (180 px: layer 0), as a gallery of many people;
 * - `medium`: every camera in a 360 px tile (layer 1), as a grid of a few;
 * - `large`: one camera large (540 px: layer 2, which camera rotates with the index), the others
 *   as 180 px thumbnails, as speaker view.
 * Pure.
 */
export interface TileMix {
  /** Shares of receivers (they need not add up to 1: `small` takes what the others leave). */
  medium: number;
  large: number;
}

export type TileClass = 'small' | 'medium' | 'large';

export const DEFAULT_TILE_MIX: TileMix = { medium: 0.1, large: 0.1 };

export const TILE_HEIGHTS: Readonly<Record<'small' | 'medium' | 'large', number>> = {
  small: 180,
  medium: 360,
  large: 540,
};

/** `0.1,0.1` (medium, large) → a TileMix; throws a readable error otherwise. */
export function parseTileMix(text: string): TileMix {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p) || p < 0) || parts[0]! + parts[1]! > 1)
    throw new Error(`tile mix "${text}" is not MEDIUM,LARGE shares (each >= 0, together <= 1), e.g. 0.1,0.1`);
  return { medium: parts[0]!, large: parts[1]! };
}

/** The class of the receiver with this 1-based index: each class's receivers spread evenly. */
export function tileClassFor(index: number, mix: TileMix): TileClass {
  const hit = (i: number, share: number) => Math.floor(i * share) > Math.floor((i - 1) * share);
  if (hit(index, mix.large)) return 'large';
  // Medium among the others: the n-th receiver that is not large.
  const notLarge = index - Math.floor(index * mix.large);
  if (mix.large < 1 && hit(notLarge, mix.medium / (1 - mix.large))) return 'medium';
  return 'small';
}

export interface TileReportEntry {
  consumerId: string;
  width: number;
  height: number;
  visible: boolean;
}

/** The tiles of these video consumers (in the order they were consumed) for a receiver. */
export function tilesFor(videoConsumerIds: readonly string[], tileClass: TileClass, index: number): TileReportEntry[] {
  const large = videoConsumerIds.length > 0 ? index % videoConsumerIds.length : -1;
  return videoConsumerIds.map((consumerId, i) => {
    const height =
      tileClass === 'medium'
        ? TILE_HEIGHTS.medium
        : tileClass === 'large' && i === large
          ? TILE_HEIGHTS.large
          : TILE_HEIGHTS.small;
    return { consumerId, width: Math.round((height * 16) / 9), height, visible: true };
  });
}

/** How many receivers of `receivers` fall in each class (the planner's model of the bots). */
export function tileClassCounts(receivers: number, mix: TileMix): Record<TileClass, number> {
  const counts: Record<TileClass, number> = { small: 0, medium: 0, large: 0 };
  for (let i = 1; i <= receivers; i++) counts[tileClassFor(i, mix)]++;
  return counts;
}
