export interface GridLayout {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * The grid that shows `count` tiles of one aspect ratio as large as possible in a box: tries
 * every column count and keeps the one with the widest tiles (1 tile alone, 2 side by side on a
 * wide screen or stacked on a phone, 4 as 2×2, 9 as 3×3...).
 */
export function bestGrid(count: number, width: number, height: number, gap = 8, aspect = 16 / 9): GridLayout {
  const tiles = Math.max(1, count);
  let best: GridLayout = { columns: 1, rows: tiles, tileWidth: 0, tileHeight: 0 };
  if (width <= 0 || height <= 0) return best;
  for (let columns = 1; columns <= tiles; columns++) {
    const rows = Math.ceil(tiles / columns);
    const maxWidth = (width - gap * (columns - 1)) / columns;
    const maxHeight = (height - gap * (rows - 1)) / rows;
    if (maxWidth <= 0 || maxHeight <= 0) continue;
    const tileWidth = Math.floor(Math.min(maxWidth, maxHeight * aspect));
    const tileHeight = Math.floor(tileWidth / aspect);
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth, tileHeight };
  }
  return best;
}
