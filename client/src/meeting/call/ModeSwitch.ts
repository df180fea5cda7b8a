import { createSignal, type Accessor } from 'solid-js';
import type { MeetingSession, PeerStats, RemoteMedia } from '../session/MeetingSession.js';

export interface ModeSwitchOptions {
  /** Longest the previous transport keeps running once the new one shows some video. */
  timeoutMs?: number;
  /**
   * Longest it keeps running when the new transport shows no video at all (it may be failing:
   * breaking the old one then would leave every tile black).
   */
  hardTimeoutMs?: number;
  /** How often the new transport's received frames are checked. */
  pollMs?: number;
  /** How long the old transport stays after the last picture moved (the swap to finish). */
  settleMs?: number;
  /**
   * Longest the old transport then waits for the other participants to move off it too
   * (MeetingSession.holding: their pictures of this page still come over it).
   */
  releaseTimeoutMs?: number;
}

/**
 * The participants whose camera the new transport decodes (framesDecoded > 0) and, when the
 * previous sample is given, still decodes (more frames than then): a stream that decoded a
 * first frame and stalled (a layer switch waiting for a keyframe) is not ready yet.
 */
export function flowingPeers(stats: readonly PeerStats[], previous?: ReadonlyMap<string, number>): Set<string> {
  return new Set(
    stats
      .filter(
        (entry) => entry.framesDecoded > 0 && (!previous || entry.framesDecoded > (previous.get(entry.peerId) ?? 0)),
      )
      .map((entry) => entry.peerId),
  );
}

/** Every participant that showed a picture over the old transport has one over the new. */
export function switchComplete(expected: readonly string[], ready: ReadonlySet<string>): boolean {
  return expected.every((peerId) => ready.has(peerId));
}

function showsVideo(media: RemoteMedia | null | undefined): boolean {
  return (
    !!media?.camera && media.camera.getVideoTracks().some((track) => track.readyState === 'live') && !media.cameraOff
  );
}

/**
 * The media transports of a call and the make-before-break switch between them (mesh ↔ SFU).
 * `switchTo` starts the new session next to the current one; for each participant, `media()`
 * keeps returning the old transport's stream until the new transport decodes frames of that
 * participant's camera, so the participant's `<video>` swaps to a track that already has
 * pictures (VideoTile swaps the track inside the element's own stream: no reload). Once every
 * participant has moved (or after the timeout, or the hard timeout when the new transport shows
 * nothing at all), the old session is closed, as soon as the other participants have moved off
 * it too (a mesh link closes when both ends show each other over the new transport; the SFU
 * session of a page going back to mesh stays until every peer shows that page over the mesh),
 * so nobody's picture freezes while they still show the old transport.
 */
export class ModeSwitch {
  private readonly list = createSignal<MeetingSession[]>([]);
  private readonly readySignal = createSignal<ReadonlySet<string>>(new Set());
  private cancelSwitch: (() => void) | null = null;
  /** The running switch showed every participant over the new session (finish ran). */
  private swapDone = false;
  readonly sessions: Accessor<MeetingSession[]> = this.list[0];

  constructor(private readonly options: ModeSwitchOptions = {}) {}

  current(): MeetingSession | null {
    return this.list[0]()[0] ?? null;
  }

  /** A switch is under way (two sessions). */
  switching(): boolean {
    return this.list[0]().length > 1;
  }

  /** No switch under way, or the page shows everyone over the new session (the old one may linger). */
  swapped(): boolean {
    return !this.switching() || this.swapDone;
  }

  /** Replaces every session by `session` (join, rejoin), or by none. */
  reset(session: MeetingSession | null): void {
    this.closeAll();
    this.list[1](session ? [session] : []);
  }

  closeAll(): void {
    this.cancelSwitch?.();
    this.cancelSwitch = null;
    for (const session of this.list[0]()) session.close();
    this.list[1]([]);
    this.readySignal[1](new Set<string>());
  }

  /**
   * Runs `next` next to the current session and closes the current one once `peers()` all
   * show video over `next` (or after the timeout); then `onDone` (not when the switch is cancelled:
   * closeAll, reset or another switchTo).
   */
  switchTo(next: MeetingSession, peers: () => string[], onDone?: () => void): void {
    const {
      timeoutMs = 8000,
      hardTimeoutMs = 30_000,
      pollMs = 200,
      settleMs = 400,
      releaseTimeoutMs = 5000,
    } = this.options;
    this.cancelSwitch?.();
    this.swapDone = false;
    const [previous, ...older] = this.list[0]();
    for (const session of older) session.close();
    this.readySignal[1](new Set<string>());
    this.list[1](previous ? [next, previous] : [next]);
    if (!previous) return onDone?.();
    // Participants whose picture comes over the old transport now must move before it closes.
    const expected = peers().filter((peerId) => showsVideo(previous.media(peerId)));
    const startedAt = performance.now();
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closePrevious = () => {
      this.cancelSwitch = null;
      previous.close();
      this.list[1](this.list[0]().filter((session) => session !== previous));
      // Whatever came over the new transport is what the page shows from now on.
      for (const peerId of peers()) next.arrived?.(peerId);
      onDone?.();
    };
    // After the settle time, the old session closes once nobody shows this page over it any
    // more (mesh → SFU: every link handed off; SFU → mesh: every peer said it shows this page
    // over the mesh), or after releaseTimeoutMs.
    const release = (since: number) => {
      const held = previous.holding?.() || next.awaiting?.();
      if (!held || performance.now() - since >= releaseTimeoutMs) closePrevious();
      else timer = setTimeout(() => release(since), pollMs);
    };
    const finish = () => {
      if (stopped) return;
      stopped = true;
      this.swapDone = true;
      for (const peerId of peers()) previous.handOff?.(peerId);
      const finishedAt = performance.now();
      timer = setTimeout(() => release(finishedAt), settleMs);
    };
    // Frames decoded per participant at the previous poll; a participant is ready once its
    // count grew between two polls, and stays ready (no swapping back and forth).
    const lastFrames = new Map<string, number>();
    const poll = async () => {
      if (stopped) return;
      const stats = await next.stats().catch(() => []);
      if (stopped) return;
      const before = this.readySignal[0]();
      const ready = new Set([...before, ...flowingPeers(stats, lastFrames)]);
      for (const entry of stats) lastFrames.set(entry.peerId, entry.framesDecoded);
      this.readySignal[1](ready);
      // Shown over the new transport from now on: the old one may let go of them.
      for (const peerId of ready) {
        if (before.has(peerId)) continue;
        previous.handOff?.(peerId);
        next.arrived?.(peerId);
      }
      const stillThere = expected.filter((peerId) => peers().includes(peerId));
      const elapsed = performance.now() - startedAt;
      const someFlow = ready.size > 0 || stillThere.length === 0;
      if (switchComplete(stillThere, ready) || (elapsed > timeoutMs && someFlow) || elapsed > hardTimeoutMs) finish();
      else timer = setTimeout(() => void poll(), pollMs);
    };
    this.cancelSwitch = () => {
      stopped = true;
      clearTimeout(timer);
    };
    void poll();
  }

  /** What the page shows of a participant: the new transport's once it has pictures. */
  media(peerId: string): RemoteMedia | null {
    const [current, previous] = this.list[0]();
    if (!current) return null;
    const fresh = current.media(peerId);
    if (!previous) return fresh;
    if (this.readySignal[0]().has(peerId) && fresh) return fresh;
    const old = previous.media(peerId);
    return old && (old.camera || old.screen) ? old : (fresh ?? old);
  }

  /** The stats of the session the page shows (the current one). */
  stats(): Promise<PeerStats[]> {
    return Promise.all(this.list[0]().map((session) => session.stats())).then((all) => all.flat());
  }
}
