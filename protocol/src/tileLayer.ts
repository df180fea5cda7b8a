/**
 * The server's rule for `sfu:report_tiles` (and the load tester's model of it): the simulcast
 * spatial layer a tile of this rendered height needs: up to 180 px → 0 (low),
 * up to 360 px → 1 (medium), bigger → 2 (high).
 */
export function spatialLayerForHeight(height: number): 0 | 1 | 2 {
  if (height <= 180) return 0;
  if (height <= 360) return 1;
  return 2;
}
