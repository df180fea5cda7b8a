import { ServerEvents, type IceServer, type Participant, type SignalPayload } from '@parley/protocol';
import { createSignal } from 'solid-js';
import { meetingLog } from '../meetingLog.js';
import { meetingsApi } from '../meetingsApi.js';
import type { MeetingSession, PeerStats, RemoteMedia, SessionContext } from './MeetingSession.js';
import { PeerLink } from './PeerLink.js';

/**
 * Mesh mode: one PeerLink (RTCPeerConnection) per other participant, every SDP and ICE
 * candidate relayed by the server as `video-signal`. The newcomer offers to everyone listed in
 * its join acknowledgement; the others wait for its offer (and offer themselves if none comes).
 */
export class MeshSession implements MeetingSession {
  readonly mode = 'mesh' as const;
  private readonly links = new Map<string, PeerLink>();
  /** Peers that left: late signals from them must not open a connection again. */
  private readonly gone = new Set<string>();
  private readonly version = createSignal(0, { equals: false });
  private readonly stopListening: () => void;
  private closed = false;
  /** GET /api/ice-servers, shared by the links for a minute (an ICE restart everywhere asks once). */
  private iceServersRequest: { at: number; servers: Promise<IceServer[]> } | null = null;

  constructor(private readonly context: SessionContext) {
    const stopSignals = context.client.on(ServerEvents.videoSignal, (payload) => {
      if (payload.meetingId === context.meetingId) this.onSignal(payload.from, payload.signal);
    });
    // Fresh TURN credentials go to every link (new relay allocations, ICE restarts use them).
    const stopIce = context.ice?.subscribe((servers) => {
      for (const link of this.links.values()) link.updateIceServers(servers);
    });
    this.stopListening = () => {
      stopSignals();
      stopIce?.();
    };
  }

  addPeer(participant: Participant, options: { initiate: boolean }): void {
    if (this.closed || this.gone.has(participant.peerId) || this.links.has(participant.peerId)) return;
    this.open(participant.peerId, options.initiate);
  }

  removePeer(peerId: string): void {
    this.gone.add(peerId);
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    link.close();
    this.version[1](0);
  }

  media(peerId: string): RemoteMedia | null {
    this.version[0]();
    return this.links.get(peerId)?.media() ?? null;
  }

  async stats(): Promise<PeerStats[]> {
    return Promise.all([...this.links.values()].map((link) => link.stats()));
  }

  handOff(peerId: string): void {
    this.links.get(peerId)?.handOff();
  }

  holding(): boolean {
    return [...this.links.values()].some((link) => link.held());
  }

  arrived(peerId: string): void {
    this.links.get(peerId)?.shown();
  }

  awaiting(): boolean {
    const local = this.context.local;
    // Without a camera there is no picture of this page that could freeze.
    if (!local.track('camera') || local.state().cameraOff) return false;
    return [...this.links.values()].some((link) => link.awaitingShown());
  }

  restartConnections(): void {
    for (const link of this.links.values()) link.restartIce('requested');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.version[1](0);
  }

  private open(peerId: string, initiate: boolean): PeerLink {
    const { meetingId, selfPeerId, client, local } = this.context;
    const iceServers = this.context.ice?.current() ?? this.context.iceServers;
    const log = meetingLog.child(`peer ${peerId.slice(0, 8)}`);
    const link = new PeerLink({
      selfPeerId,
      peerId,
      iceServers,
      local,
      initiate,
      freshIceServers: () => this.freshIceServers(),
      // Both sides show each other over the new transport: this link's work is done.
      onReleased: () => {
        if (this.links.get(peerId) !== link) return;
        log.debug('released: both ends show each other over the new transport');
        this.removePeer(peerId);
      },
      log: (message, detail) => log.debug(message, detail),
      send: (signal) => {
        // A peer that has just left answers not_found: nothing to do.
        client
          .request('video-signal', { meetingId, to: peerId, signal })
          .catch((error: unknown) => log.debug('signal not relayed', error));
      },
    });
    this.links.set(peerId, link);
    this.version[1](0);
    return link;
  }

  private freshIceServers(): Promise<IceServer[]> {
    if (this.context.ice) return this.context.ice.refresh();
    const now = Date.now();
    if (!this.iceServersRequest || now - this.iceServersRequest.at > 60_000) {
      const servers = meetingsApi.iceServers().then((response) => response.iceServers);
      servers.catch(() => {
        this.iceServersRequest = null;
      });
      this.iceServersRequest = { at: now, servers };
    }
    return this.iceServersRequest.servers;
  }

  private onSignal(from: string, signal: SignalPayload): void {
    if (this.closed || this.gone.has(from)) return;
    let link = this.links.get(from);
    if (!link) {
      // Its offer overtook its `meeting_user_joined`: answer it all the same.
      if (!('description' in signal) || signal.description.type !== 'offer') return;
      link = this.open(from, false);
    }
    link.handleSignal(signal);
  }
}
