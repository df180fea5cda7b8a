/**
 * The camera layers an RTP bot sends, as the browser client's encodings
 * (client/src/meeting/sfu/simulcastLayers.ts): with simulcast, Chrome's layer count for the
 * picture (540 lines and up: 3, 270 and up: 2, smaller: 1), each half the size of the next, the
 * top one at full size, all at the camera's frame rate; without, the one full-size stream. Sizes
 * are rounded to even numbers (the VP8 clip encoder wants them even: 960x540 → 240x136,
 * 480x270, 960x540). Pure.
 */
export interface LayerVideo {
  width: number;
  height: number;
  fps: number;
}

/** Lowest layer first (spatial layer 0, 1, 2). */
export function cameraLayers(video: LayerVideo, simulcast: boolean): LayerVideo[] {
  if (!simulcast) return [video];
  const layers = video.height >= 540 ? 3 : video.height >= 270 ? 2 : 1;
  return Array.from({ length: layers }, (_, index) => {
    const scale = 2 ** (layers - 1 - index);
    return { width: even(video.width / scale), height: even(video.height / scale), fps: video.fps };
  });
}

function even(x: number): number {
  return Math.max(16, 2 * Math.round(x / 2));
}
