import type { TileReport } from '../session/MeetingSession.js';
import type { SfuFeeds } from './SfuFeeds.js';

const DEBOUNCE_MS = 300;

export interface ConsumerTile {
  consumerId: string;
  width: number;
  height: number;
  visible: boolean;
}

/**
 * The tiles of every video consumer, for `sfu:report_tiles`: the page's tile (size, visible)
 * of the consumer's participant and source, or an invisible 0x0 tile when the page shows none
 * (another page of the grid). Nothing is sent before the page's first report; after that, a
 * debounced report whenever the result differs from the last one sent.
 */
export function consumerTiles(
  feeds: readonly { consumerId: string; peerId: string; source: string }[],
  tiles: readonly TileReport[],
): ConsumerTile[] {
  return feeds.map((feed) => {
    const tile = tiles.find((entry) => entry.peerId === feed.peerId && entry.source === feed.source);
    return tile
      ? {
          consumerId: feed.consumerId,
          width: Math.round(tile.width),
          height: Math.round(tile.height),
          visible: tile.visible,
        }
      : { consumerId: feed.consumerId, width: 0, height: 0, visible: false };
  });
}

export class TileReporter {
  private tiles: TileReport[] | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSent = '';
  private closed = false;

  constructor(
    private readonly feeds: SfuFeeds,
    private readonly send: (tiles: ConsumerTile[]) => Promise<void>,
  ) {}

  update(tiles: TileReport[]): void {
    this.tiles = tiles;
    this.schedule();
  }

  /** Reports again soon (tiles or consumers changed). */
  schedule(): void {
    if (this.closed || this.tiles === null) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private flush(): void {
    if (this.closed || this.tiles === null) return;
    const feeds = this.feeds
      .videoFeeds()
      .filter((feed) => !feed.consumer.closed)
      .map((feed) => ({ consumerId: feed.consumer.id, peerId: feed.info.peerId, source: feed.info.source }));
    if (feeds.length === 0) return;
    const report = consumerTiles(feeds, this.tiles);
    const text = JSON.stringify(report);
    if (text === this.lastSent) return;
    this.lastSent = text;
    this.send(report).catch(() => {
      this.lastSent = '';
    });
  }
}
