import type { SfuConsumerInfo } from '@parley/protocol';
import type { types } from 'mediasoup-client';
import { createSignal } from 'solid-js';
import type { PeerConnectionState, PeerStats, RemoteMedia } from '../session/MeetingSession.js';

export interface Feed {
  consumer: types.Consumer;
  info: SfuConsumerInfo;
  /** The sender paused its producer (mute, camera off). */
  producerPaused: boolean;
}

/**
 * Of a participant's feeds of one source (oldest first), the one to show: the newest whose track
 * receives media (not muted), else the oldest. Two exist while the meeting moves off a draining
 * node: the sender's old producer (piped to the new node) and its new one; the new one is shown
 * as soon as it carries media, so the old one may stop at any time after that.
 */
export function newestLive<T extends { consumer: { track: { muted: boolean } } }>(feeds: readonly T[]): T | undefined {
  for (let index = feeds.length - 1; index >= 0; index--) {
    const feed = feeds[index]!;
    if (!feed.consumer.track.muted) return feed;
  }
  return feeds[0];
}

/**
 * Everything this page consumes from the SFU, grouped by participant: a participant's mic and
 * camera form one stream (like a mesh peer's), its screen another. `media(peerId)` is reactive
 * and returns the same MediaStream object while its tracks stay the same, so a `<video>` keeps
 * playing.
 */
export class SfuFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly streams = new Map<string, { key: string; stream: MediaStream }>();
  private readonly version = createSignal(0, { equals: false });
  private transportState: PeerConnectionState = 'connecting';

  /** `shown`: told which producers a participant's stream shows whenever that changes (debug lines). */
  constructor(private readonly shown?: (message: string) => void) {}

  add(feed: Feed): void {
    this.feeds.set(feed.info.producerId, feed);
    feed.consumer.on('trackended', () => this.remove(feed.info.producerId));
    feed.consumer.on('transportclose', () => this.remove(feed.info.producerId));
    // Which of two feeds of one source is shown depends on whether media arrives (newestLive).
    feed.consumer.track.addEventListener('unmute', () => this.changed());
    feed.consumer.track.addEventListener('mute', () => this.changed());
    this.changed();
  }

  has(producerId: string): boolean {
    return this.feeds.has(producerId);
  }

  byConsumer(consumerId: string): Feed | undefined {
    for (const feed of this.feeds.values()) if (feed.consumer.id === consumerId) return feed;
    return undefined;
  }

  remove(producerId: string): void {
    const feed = this.feeds.get(producerId);
    if (!feed) return;
    this.feeds.delete(producerId);
    if (!feed.consumer.closed) feed.consumer.close();
    this.changed();
  }

  removePeer(peerId: string): void {
    for (const feed of [...this.feeds.values()]) if (feed.info.peerId === peerId) this.remove(feed.info.producerId);
  }

  setProducerPaused(producerId: string, paused: boolean): void {
    const feed = this.feeds.get(producerId);
    if (!feed || feed.producerPaused === paused) return;
    feed.producerPaused = paused;
    this.changed();
  }

  setTransportState(state: PeerConnectionState): void {
    if (state === this.transportState) return;
    this.transportState = state;
    this.changed();
  }

  clear(): void {
    for (const feed of this.feeds.values()) if (!feed.consumer.closed) feed.consumer.close();
    this.feeds.clear();
    this.changed();
  }

  all(): Feed[] {
    return [...this.feeds.values()];
  }

  /** Video consumers with the participant and source they show (for tile reports). */
  videoFeeds(): Feed[] {
    return this.all().filter((feed) => feed.info.kind === 'video');
  }

  /** The producers consumed now, or only those shown (newestLive of each participant and source). */
  producerIds(shownOnly: boolean): Set<string> {
    if (!shownOnly) return new Set(this.feeds.keys());
    const bySource = new Map<string, Feed[]>();
    for (const feed of this.feeds.values()) {
      const key = `${feed.info.peerId}:${feed.info.source}`;
      bySource.set(key, [...(bySource.get(key) ?? []), feed]);
    }
    const shown = [...bySource.values()].map((feeds) => newestLive(feeds));
    return new Set(shown.filter((feed): feed is Feed => !!feed).map((feed) => feed.info.producerId));
  }

  media(peerId: string): RemoteMedia | null {
    this.version[0]();
    const mine = this.all().filter((feed) => feed.info.peerId === peerId);
    if (mine.length === 0) return null;
    const mic = newestLive(mine.filter((feed) => feed.info.source === 'mic'));
    const camera = newestLive(mine.filter((feed) => feed.info.source === 'camera'));
    const screen = newestLive(mine.filter((feed) => feed.info.source === 'screen'));
    return {
      peerId,
      camera: this.stream(`${peerId}:camera`, [mic, camera]),
      screen: this.stream(`${peerId}:screen`, [screen]),
      micMuted: !mic || mic.producerPaused,
      cameraOff: !camera || camera.producerPaused,
      state: this.transportState,
    };
  }

  private stream(name: string, feeds: (Feed | undefined)[]): MediaStream | null {
    const tracks = feeds.filter((feed): feed is Feed => !!feed).map((feed) => feed.consumer.track);
    if (tracks.length === 0) {
      this.streams.delete(name);
      return null;
    }
    const key = tracks.map((track) => track.id).join(',');
    const cached = this.streams.get(name);
    if (cached?.key === key) return cached.stream;
    this.shown?.(`shows ${name} over ${feeds.map((feed) => feed?.info.producerId.slice(0, 8) ?? '-').join(',')}`);
    const stream = new MediaStream(tracks);
    this.streams.set(name, { key, stream });
    return stream;
  }

  /**
   * Per participant: frames decoded and received audio. With `transport` (the receive
   * transport) this takes ONE stats report of its RTCPeerConnection and matches inbound-rtp
   * entries to consumers by track id: a getStats per consumer every poll of a mode switch
   * costs the page a lot of CPU exactly while it runs both transports.
   */
  async stats(transport?: { getStats(): Promise<RTCStatsReport> } | null): Promise<PeerStats[]> {
    const byPeer = new Map<string, PeerStats>();
    const peerOf = (feed: Feed): PeerStats => {
      const peer = byPeer.get(feed.info.peerId) ?? {
        peerId: feed.info.peerId,
        state: this.transportState,
        framesDecoded: 0,
        framesPerSecond: null,
        audioPacketsReceived: 0,
        roundTripTime: null,
        candidatePair: 'sfu',
        packetsLost: 0,
        packetsReceived: 0,
        jitter: null,
      };
      byPeer.set(feed.info.peerId, peer);
      return peer;
    };
    const add = (feed: Feed, peer: PeerStats, entry: Record<string, unknown>) => {
      const lost = Number(entry.packetsLost ?? 0);
      const received = Number(entry.packetsReceived ?? 0);
      peer.packetsLost = (peer.packetsLost ?? 0) + lost;
      peer.packetsReceived = (peer.packetsReceived ?? 0) + received;
      if (typeof entry.jitter === 'number') peer.jitter = Math.max(peer.jitter ?? 0, entry.jitter);
      if (entry.kind === 'audio') peer.audioPacketsReceived += received;
      else if (feed.info.source === 'camera') {
        peer.framesDecoded += Number(entry.framesDecoded ?? 0);
        if (typeof entry.framesPerSecond === 'number') peer.framesPerSecond = entry.framesPerSecond;
      }
    };
    const live = this.all().filter((feed) => !feed.consumer.closed);
    for (const feed of this.all()) peerOf(feed);
    const report = transport ? await transport.getStats().catch(() => null) : null;
    if (report) {
      const byTrack = new Map(live.map((feed) => [feed.consumer.track.id, feed]));
      let matched = 0;
      report.forEach((entry: Record<string, unknown>) => {
        if (entry.type !== 'inbound-rtp') return;
        const feed = typeof entry.trackIdentifier === 'string' ? byTrack.get(entry.trackIdentifier) : undefined;
        if (!feed) return;
        matched++;
        add(feed, peerOf(feed), entry);
      });
      // No entry matched a consumer (a browser without trackIdentifier): ask each consumer.
      if (matched > 0 || live.length === 0) return [...byPeer.values()];
    }
    await Promise.all(
      live.map(async (feed) => {
        const peer = peerOf(feed);
        const stats = await feed.consumer.getStats().catch(() => null);
        stats?.forEach((entry: Record<string, unknown>) => {
          if (entry.type === 'inbound-rtp') add(feed, peer, entry);
        });
      }),
    );
    return [...byPeer.values()];
  }

  private changed(): void {
    this.version[1](0);
  }
}
