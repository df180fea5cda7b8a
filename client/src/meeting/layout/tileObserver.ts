import { onCleanup } from 'solid-js';
import type { TileReport } from '../session/MeetingSession.js';

interface Watched {
  peerId: string;
  source: 'camera' | 'screen';
  width: number;
  height: number;
  intersecting: boolean;
}

/**
 * Watches the remote tiles of the page with one ResizeObserver (rendered size) and one
 * IntersectionObserver (on screen or scrolled away), and calls `report` with every tile on
 * each change (a tile that is not rendered, e.g. on another page of the grid, is simply not in
 * the list). Call inside a component: the observers stop with it.
 */
export function createTileObserver(
  report: (tiles: TileReport[]) => void,
): (element: HTMLElement, peerId: string, source: 'camera' | 'screen') => void {
  const watched = new Map<Element, Watched>();
  let queued = false;
  const emit = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      report(
        [...watched.values()].map((tile) => ({
          peerId: tile.peerId,
          source: tile.source,
          width: tile.width,
          height: tile.height,
          visible: tile.intersecting && tile.width > 0 && tile.height > 0,
        })),
      );
    });
  };
  const resize = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const tile = watched.get(entry.target);
      if (!tile) continue;
      tile.width = entry.contentRect.width;
      tile.height = entry.contentRect.height;
    }
    emit();
  });
  const intersection = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const tile = watched.get(entry.target);
      if (tile) tile.intersecting = entry.isIntersecting;
    }
    emit();
  });
  onCleanup(() => {
    resize.disconnect();
    intersection.disconnect();
    watched.clear();
  });

  return (element, peerId, source) => {
    watched.set(element, {
      peerId,
      source,
      width: element.clientWidth,
      height: element.clientHeight,
      intersecting: true,
    });
    resize.observe(element);
    intersection.observe(element);
    emit();
    onCleanup(() => {
      resize.unobserve(element);
      intersection.unobserve(element);
      watched.delete(element);
      emit();
    });
  };
}
