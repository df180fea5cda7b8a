/**
 * The page-side freeze monitor of a video switch (mesh ↔ SFU, a drain move, a rolling deploy):
 * how long each remote camera `<video>` went without a new frame, and when its track was swapped.
 */
import { inPage } from './browserMeetingHarness.js';
import type { Page } from './browser.js';
/**
 * The frame clock of the freeze monitor: a worker that reads the decoded frames of each remote
 * camera track (MediaStreamTrackProcessor, transferred streams) and keeps, per participant, the
 * longest time between two frames of the track that participant's `<video>` shows. It runs off
 * the page's main thread, so a busy main thread (which does not stop the compositor from
 * showing video) is not counted as a freeze, as the 50 ms main-thread sampling does. The swap
 * to a new track is noticed by the main-thread sampling (up to 50 ms late, later if the main
 * thread is busy); until then, frames of the old track still count.
 */
const FRAME_CLOCK = `
  const peers = {};
  // Wall-clock ms (the worker's performance.now() starts at its own creation).
  const now = () => performance.timeOrigin + performance.now();
  onmessage = async ({ data }) => {
    if (data.type === 'show') {
      const peer = peers[data.peerId] || (peers[data.peerId] = { shown: null, last: null, max: 0, maxEnd: null, frames: 0, readers: new Map() });
      peer.shown = data.trackId;
      return;
    }
    if (data.type === 'read') {
      const peer = peers[data.peerId];
      const reader = data.readable.getReader();
      peer.readers.set(data.trackId, reader);
      for (;;) {
        let result;
        try { result = await reader.read(); } catch { break; }
        if (result.done) break;
        result.value.close();
        if (peer.shown !== data.trackId) continue;
        const at = now();
        if (peer.last !== null && at - peer.last > peer.max) { peer.max = at - peer.last; peer.maxEnd = at; }
        peer.last = at;
        peer.frames++;
      }
      return;
    }
    if (data.type === 'report') {
      const at = now();
      const report = {};
      for (const [peerId, peer] of Object.entries(peers)) {
        const open = peer.last === null ? 0 : at - peer.last;
        report[peerId] = { max: Math.max(peer.max, open), maxEnd: open > peer.max ? null : peer.maxEnd, frames: peer.frames };
        for (const reader of peer.readers.values()) reader.cancel().catch(() => {});
      }
      postMessage(report);
    }
  };
`;

/**
 * Starts the freeze monitor on every remote camera video on the page that is there now:
 * - the frame clock (FRAME_CLOCK, in a worker): the longest time between two decoded frames of
 *   the track each `<video>` shows, the old transport's until the swap and the new one's after;
 * - every 50 ms on the main thread, `getVideoPlaybackQuality().totalVideoFrames`: the longest
 *   time without a new frame (this also counts the page's own main-thread stalls). It counts how
 *   often a participant's `<video>` element was replaced (it must be reused), notes when its
 *   video track was swapped (VideoTile keeps one srcObject and swaps the track inside it) and
 *   tells the frame clock which track is shown.
 */
export async function startFreezeMonitor(page: Page): Promise<number> {
  return inPage<number>(
    page,
    `(() => {
      if (window.__freeze) { clearInterval(window.__freeze.timer); window.__freeze.clock.terminate(); }
      const clock = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(FRAME_CLOCK)}], { type: 'text/javascript' })));
      const peers = {};
      const pick = () => [...document.querySelectorAll('video[data-peer-id]:not([data-source="screen"])')];
      const now = performance.now();
      // Firefox counts no frames of a MediaStream in getVideoPlaybackQuality: its painted frames.
      const framesOf = (video) => video.getVideoPlaybackQuality().totalVideoFrames || video.mozPaintedFrames || 0;
      const videoTrack = (video) => (video.srcObject && video.srcObject.getVideoTracks()[0]) || null;
      const show = (peerId, track) => {
        clock.postMessage({ type: 'show', peerId, trackId: track ? track.id : null });
        // Firefox has no MediaStreamTrackProcessor on the main thread: main-thread sampling only.
        if (!track || typeof MediaStreamTrackProcessor === 'undefined') return;
        const readable = new MediaStreamTrackProcessor({ track }).readable;
        clock.postMessage({ type: 'read', peerId, trackId: track.id, readable }, [readable]);
      };
      for (const video of pick()) {
        const peerId = video.getAttribute('data-peer-id');
        peers[peerId] = { element: video, track: videoTrack(video), swapAt: null, swaps: [], frames: framesOf(video), last: now, maxGap: 0, gapEnd: now, replaced: 0, samples: 0, start: now };
        show(peerId, peers[peerId].track);
      }
      const timer = setInterval(() => {
        const at = performance.now();
        const seen = new Set();
        for (const video of pick()) {
          const peerId = video.getAttribute('data-peer-id');
          const peer = peers[peerId];
          if (!peer) continue;
          seen.add(peer);
          if (peer.element !== video) { peer.replaced++; peer.element = video; }
          const track = videoTrack(video);
          if (track !== peer.track) { peer.track = track; show(peerId, track); peer.swaps.push(performance.timeOrigin + at); if (peer.swapAt === null) peer.swapAt = at; }
          const frames = framesOf(video);
          peer.samples++;
          // A count that went down: the element loaded again (Firefox after a track swap), new frames.
          if (frames !== peer.frames) { if (at - peer.last > peer.maxGap) { peer.maxGap = at - peer.last; peer.gapEnd = at; } peer.last = at; }
          peer.frames = frames;
        }
        for (const peer of Object.values(peers)) if (!seen.has(peer)) peer.missing = (peer.missing || 0) + 1;
      }, 50);
      window.__freeze = { peers, timer, clock };
      return Object.keys(peers).length;
    })()`,
  );
}

export interface FreezeResult {
  peerId: string;
  /** Main-thread sampling: the longest time without a new frame (includes main-thread stalls). */
  maxGapMs: number;
  /** Frame clock: the longest time between two decoded frames of the shown track (null: no clock). */
  frameGapMs: number | null;
  /** Frames the frame clock counted (0: it saw none, the figure means nothing). */
  clockFrames: number;
  replaced: number;
  missing: number;
  /** When the longest gap ended and when the video track was swapped, ms after the monitor started. */
  gapEndMs: number;
  swapAtMs: number | null;
  /** Wall-clock time (ms since the epoch) the frame clock's longest gap ended (null: still open, or no clock). */
  frameGapEndAt: number | null;
  /** Wall-clock times (ms since the epoch) of every swap of the video's track, in order. */
  swapsAt: number[];
}

export async function stopFreezeMonitor(page: Page): Promise<FreezeResult[]> {
  return inPage<FreezeResult[]>(
    page,
    `(async () => {
      const state = window.__freeze;
      if (!state) return [];
      clearInterval(state.timer);
      const at = performance.now();
      const clock = await new Promise((resolve) => {
        state.clock.onmessage = ({ data }) => resolve(data);
        state.clock.postMessage({ type: 'report' });
        setTimeout(() => resolve({}), 5000);
      });
      state.clock.terminate();
      return Object.entries(state.peers).map(([peerId, peer]) => ({
        peerId,
        maxGapMs: Math.round(Math.max(peer.maxGap, at - peer.last)),
        frameGapMs: clock[peerId] ? Math.round(clock[peerId].max) : null,
        clockFrames: clock[peerId] ? clock[peerId].frames : 0,
        replaced: peer.replaced,
        missing: peer.missing || 0,
        gapEndMs: Math.round(peer.gapEnd - peer.start),
        swapAtMs: peer.swapAt === null ? null : Math.round(peer.swapAt - peer.start),
        frameGapEndAt: clock[peerId] && clock[peerId].maxEnd !== null ? Math.round(clock[peerId].maxEnd) : null,
        swapsAt: peer.swaps.map(Math.round),
      }));
    })()`,
  );
}
