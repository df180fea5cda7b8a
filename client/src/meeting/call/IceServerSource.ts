import type { IceServer, IceServersResponse } from '@parley/protocol';

/** Fresh credentials are fetched when this share of their lifetime has passed. */
const REFRESH_AT = 0.75;
/** Never sooner than this after the last fetch (a TTL of a few seconds in tests). */
const MIN_REFRESH_MS = 1000;
/** A failed refresh is tried again after this long (the old credentials may still be valid). */
const RETRY_MS = 5000;

export type IceServersListener = (servers: IceServer[]) => void;

/**
 * The STUN/TURN servers of one call, kept fresh: TURN credentials live TURN_TTL seconds (1 h by
 * default), and a connection that needs a new relay allocation after that (a participant who
 * joins later, an ICE restart) would be refused by coturn with the old ones. So the source
 * fetches `GET /api/ice-servers` before they expire and hands the new list to its listeners,
 * which apply it to their connections (RTCPeerConnection.setConfiguration, mediasoup-client's
 * updateIceServers). Without TURN (no `ttl`) nothing is refreshed.
 */
export class IceServerSource {
  private servers: IceServer[];
  private readonly listeners = new Set<IceServersListener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: Promise<IceServer[]> | null = null;
  private closed = false;

  constructor(
    initial: IceServer[],
    ttlSeconds: number | undefined,
    private readonly fetchFresh: () => Promise<IceServersResponse>,
  ) {
    this.servers = initial;
    this.schedule(ttlSeconds);
  }

  current(): IceServer[] {
    return this.servers;
  }

  /** Called with every new list; returns the function that stops it. */
  subscribe(listener: IceServersListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fetches fresh servers now (an ICE restart wants them); concurrent callers share one request. */
  refresh(): Promise<IceServer[]> {
    this.inflight ??= this.fetchFresh()
      .then((response) => {
        if (this.closed) return response.iceServers;
        this.servers = response.iceServers;
        this.schedule(response.ttl);
        for (const listener of this.listeners) listener(this.servers);
        return this.servers;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private schedule(ttlSeconds: number | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed || ttlSeconds === undefined || ttlSeconds <= 0) return;
    this.later(Math.max(MIN_REFRESH_MS, ttlSeconds * 1000 * REFRESH_AT));
  }

  private later(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch(() => {
        if (!this.closed && !this.timer) this.later(RETRY_MS);
      });
    }, ms);
  }
}
