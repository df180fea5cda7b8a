/**
 * A receiving bot's tiles and its `sfu:report_tiles`, as the page's TileReporter sends them: the
 * server sets each video consumer's preferred simulcast layer from the tile's height
 * (protocol/src/tileLayer.ts). Which tiles a bot shows: tilePlan.ts.
 */
import { SfuEvents } from '@parley/protocol';
import type { BotSocket } from './botSignalling.js';
import { tileClassFor, tilesFor, type TileClass, type TileMix } from './tilePlan.js';

export class BotTiles {
  readonly tileClass: TileClass;
  /** Video consumers in the order they were consumed. */
  private readonly videoConsumers: string[] = [];
  /** Reports answered by the server (tests, diagnostics). */
  reports = 0;

  constructor(
    private readonly index: number,
    mix: TileMix,
  ) {
    this.tileClass = tileClassFor(index, mix);
  }

  add(consumerId: string): void {
    if (!this.videoConsumers.includes(consumerId)) this.videoConsumers.push(consumerId);
  }

  remove(consumerId: string): void {
    const at = this.videoConsumers.indexOf(consumerId);
    if (at >= 0) this.videoConsumers.splice(at, 1);
  }

  clear(): void {
    this.videoConsumers.length = 0;
  }

  /** The tiles as they would be reported now. */
  current(): ReturnType<typeof tilesFor> {
    return tilesFor(this.videoConsumers, this.tileClass, this.index);
  }

  /** Sends the current tiles (nothing when there is no video); a refusal is left to the caller. */
  async report(socket: BotSocket, meetingId: string, timeoutMs: number): Promise<void> {
    const tiles = this.current();
    if (tiles.length === 0) return;
    await socket.ack(SfuEvents.reportTiles, { meetingId, tiles }, 'media', timeoutMs);
    this.reports++;
  }
}
