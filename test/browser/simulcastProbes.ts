/**
 * Page probes of the SFU simulcast tests: the layers a page sends and the picture each remote
 * camera tile receives, from the getStats of the connections the page opened (window.__pcs,
 * recorded by browserMeetingHarness), in Chromium and Firefox alike.
 */
import type { Page } from '../support/browser.js';
import { inPage } from '../support/browserMeetingHarness.js';

export interface Layer {
  rid: string;
  frameHeight: number;
  framesEncoded: number;
  framesPerSecond: number;
  /** Why Chrome holds the layer back ('bandwidth', 'cpu', 'none'). */
  limit: string;
  /** The send transport's estimated outgoing bandwidth, kbit/s. */
  kbps: number;
}

/** The simulcast layers the page sends (outbound-rtp video with a rid, open connections). */
export async function sentLayers(page: Page): Promise<Layer[]> {
  return inPage<Layer[]>(
    page,
    `(async () => {
      const layers = [];
      for (const pc of window.__pcs || []) {
        if (pc.signalingState === 'closed') continue;
        const stats = await pc.getStats();
        let kbps = 0;
        stats.forEach((entry) => {
          if (entry.type === 'candidate-pair' && entry.nominated && entry.availableOutgoingBitrate) kbps = Math.round(entry.availableOutgoingBitrate / 1000);
        });
        stats.forEach((entry) => {
          if (entry.type === 'outbound-rtp' && entry.kind === 'video' && entry.rid) {
            layers.push({ rid: entry.rid, frameHeight: entry.frameHeight || 0, framesEncoded: entry.framesEncoded || 0, framesPerSecond: entry.framesPerSecond || 0, limit: entry.qualityLimitationReason || '', kbps });
          }
        });
      }
      return layers.sort((a, b) => a.rid.localeCompare(b.rid));
    })()`,
  );
}

export interface Received {
  peerId: string;
  place: 'stage' | 'strip' | 'grid';
  tileHeight: number;
  frameHeight: number;
  framesPerSecond: number;
}

/** The simulcast layer (of 135, 270, 540 lines) the server picks for a tile: protocol/src/tileLayer.ts. */
export function layerFor(tileHeight: number): number {
  return tileHeight <= 180 ? 135 : tileHeight <= 360 ? 270 : 540;
}

export const near = (height: number, wanted: number) => Math.abs(height - wanted) <= 6;

/** What the page receives per remote camera tile: the tile's size and the inbound-rtp picture. */
export async function receivedVideos(page: Page): Promise<Received[]> {
  return inPage<Received[]>(
    page,
    `(async () => {
      const inbound = new Map();
      for (const pc of window.__pcs || []) {
        if (pc.signalingState === 'closed') continue;
        (await pc.getStats()).forEach((entry) => {
          if (entry.type === 'inbound-rtp' && entry.kind === 'video' && entry.trackIdentifier) inbound.set(entry.trackIdentifier, entry);
        });
      }
      return [...document.querySelectorAll('video[data-peer-id]:not([data-source="screen"])')].map((video) => {
        const track = video.srcObject && video.srcObject.getVideoTracks()[0];
        const stats = track ? inbound.get(track.id) : undefined;
        const tile = video.closest('[data-testid="tile"]') || video;
        return {
          peerId: video.getAttribute('data-peer-id'),
          place: video.closest('[data-testid="speaker-stage"]') ? 'stage' : video.closest('[data-testid="camera-grid"]') && document.querySelector('[data-testid="speaker-stage"]') ? 'strip' : 'grid',
          tileHeight: Math.round(tile.getBoundingClientRect().height),
          frameHeight: stats ? stats.frameHeight || 0 : 0,
          framesPerSecond: stats ? stats.framesPerSecond || 0 : 0,
        };
      });
    })()`,
  );
}
