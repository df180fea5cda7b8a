import type { MeetingMode, Participant } from '@parley/protocol';
import { createSignal } from 'solid-js';
import { meetingLog } from '../meetingLog.js';
import type { MeetingSession, PeerStats, RemoteMedia, TileReport } from './MeetingSession.js';

/**
 * A session whose code is loaded on first use (the SFU one brings mediasoup-client, which mesh
 * calls never need). Calls made before it is loaded are replayed in order; `media()` and
 * `activeSpeaker()` are reactive to the load. The optional parts of a switch (holding, retain,
 * consumedProducers, handOff, arrived, awaiting) and `resync` reach the loaded session too: without them a
 * drain move would neither keep the old session sending nor wait for the new producers.
 */
export class LazySession implements MeetingSession {
  private inner: MeetingSession | null = null;
  private readonly loaded = createSignal(false);
  private pending: ((session: MeetingSession) => void)[] = [];
  private closed = false;

  constructor(
    readonly mode: MeetingMode,
    load: () => Promise<MeetingSession>,
  ) {
    load().then(
      (session) => {
        if (this.closed) return session.close();
        this.inner = session;
        for (const call of this.pending) call(session);
        this.pending = [];
        this.loaded[1](true);
      },
      (error: unknown) => meetingLog.warn(`could not load the ${mode} transport`, error),
    );
  }

  private run(call: (session: MeetingSession) => void): void {
    if (this.closed) return;
    if (this.inner) call(this.inner);
    else this.pending.push(call);
  }

  addPeer(participant: Participant, options: { initiate: boolean }): void {
    this.run((session) => session.addPeer(participant, options));
  }

  removePeer(peerId: string): void {
    this.run((session) => session.removePeer(peerId));
  }

  media(peerId: string): RemoteMedia | null {
    this.loaded[0]();
    return this.inner?.media(peerId) ?? null;
  }

  stats(): Promise<PeerStats[]> {
    return this.inner?.stats() ?? Promise.resolve([]);
  }

  activeSpeaker(): string | null {
    this.loaded[0]();
    return this.inner?.activeSpeaker?.() ?? null;
  }

  resync(): void {
    this.run((session) => session.resync?.());
  }

  handOff(peerId: string): void {
    this.inner?.handOff?.(peerId);
  }

  holding(): boolean {
    return this.inner?.holding?.() ?? false;
  }

  /** Taken before the load, the hold applies once the session is there (if not released by then). */
  retain(): () => void {
    let release: (() => void) | undefined;
    let released = false;
    this.run((session) => {
      if (!released) release = session.retain?.();
    });
    return () => {
      if (released) return;
      released = true;
      release?.();
    };
  }

  consumedProducers(shownOnly: boolean): ReadonlySet<string> {
    return this.inner?.consumedProducers?.(shownOnly) ?? new Set<string>();
  }

  arrived(peerId: string): void {
    this.inner?.arrived?.(peerId);
  }

  awaiting(): boolean {
    return this.inner?.awaiting?.() ?? false;
  }

  reportTiles(tiles: TileReport[]): void {
    this.run((session) => session.reportTiles?.(tiles));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.inner?.close();
  }
}
