import type { IceServer, SignalPayload } from '@parley/protocol';
import { createSignal, type Accessor } from 'solid-js';
import type { LocalMediaView } from '../media/LocalMedia.js';
import { readPeerStats } from './peerStats.js';
import { PEER_CHANNEL, parsePeerMessage, type PeerMessage, type PeerStateMessage } from './peerMessages.js';
import { RemoteStreams } from './RemoteStreams.js';
import { isPolite } from './remoteSources.js';
import { SenderSlots } from './SenderSlots.js';
import type { PeerConnectionState, PeerStats, RemoteMedia } from './MeetingSession.js';

export interface PeerLinkOptions {
  selfPeerId: string;
  peerId: string;
  iceServers: IceServer[];
  local: LocalMediaView;
  /** Relays a signal to the other peer (`video-signal`). */
  send: (signal: SignalPayload) => void;
  /** True: add local media and offer at once. False: wait for the other side's offer. */
  initiate: boolean;
  /** Fresh STUN/TURN servers (TURN credentials expire): used for ICE restarts. */
  freshIceServers?: () => Promise<IceServer[]>;
  /** Both sides moved to another transport (handOff): the owner closes the link. */
  onReleased?: () => void;
  log?: (message: string, detail?: unknown) => void;
}

/** A non-initiating side that heard nothing offers itself after this long. */
const ANSWER_FALLBACK_MS = 10_000;
/** The polite side waits this long before it renegotiates, so that an offer of the impolite side can come first. */
const POLITE_HOLDOFF_MS = 300;
/** The polite side restarts ICE itself only when the impolite side has not done it within this. */
const POLITE_RESTART_DELAY_MS = 8000;
/** A connection still not up this long after its last (re)start gets an ICE restart. */
const CONNECT_WATCHDOG_MS = 15_000;
/** How long `disconnected` may last before an ICE restart. */
const DISCONNECTED_GRACE_MS = 2500;
/** Once both sides moved, the link lives this much longer (this side's `moved` to get out). */
const RELEASE_GRACE_MS = 150;

/**
 * One RTCPeerConnection to one other participant, negotiated with the perfect-negotiation
 * pattern (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): either side may offer
 * at any time (joining, screen share, device change, ICE restart); on glare the polite side
 * (see isPolite) rolls back and the impolite side ignores the other offer. A failed or stalled
 * connection restarts ICE. A negotiated data channel carries the `state` messages.
 */
export class PeerLink {
  readonly peerId: string;
  readonly polite: boolean;
  private readonly pc: RTCPeerConnection;
  private readonly senders: SenderSlots;
  private readonly received = new RemoteStreams();
  private readonly stateSignal = createSignal<PeerConnectionState>('connecting');
  private readonly log: (message: string, detail?: unknown) => void;
  private channel: RTCDataChannel | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private attached = false;
  private closed = false;
  /** This side shows the peer over another transport now (handOff), and the peer said the same. */
  private movedHere = false;
  private movedThere = false;
  /** This side shows the peer from this link now (shown), and the peer said the same. */
  private shownHere = false;
  private shownThere = false;
  private queue: Promise<void> = Promise.resolve();
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: () => void;

  readonly state: Accessor<PeerConnectionState> = this.stateSignal[0];

  constructor(private readonly options: PeerLinkOptions) {
    this.peerId = options.peerId;
    this.polite = isPolite(options.selfPeerId, options.peerId);
    this.log = options.log ?? (() => undefined);
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.senders = new SenderSlots(this.pc, options.local, (error, source) =>
      this.log(`sending ${source} failed`, error),
    );

    this.pc.addEventListener('negotiationneeded', () => void this.negotiate());
    this.pc.addEventListener('icecandidate', ({ candidate }) => {
      if (!candidate) return;
      this.options.send({
        candidate: {
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid,
          sdpMLineIndex: candidate.sdpMLineIndex,
          usernameFragment: candidate.usernameFragment,
        },
      });
    });
    this.pc.addEventListener('track', ({ track, streams }) => this.received.addTrack(track, streams));
    this.pc.addEventListener('signalingstatechange', () => {
      this.received.changed();
      if (this.pc.signalingState === 'stable') this.senders.limitCamera();
    });
    this.pc.addEventListener('connectionstatechange', () => this.onConnectionState());

    this.unsubscribe = options.local.onChange((change) => {
      if (!this.attached || this.closed) return;
      if (change !== 'state') this.senders.sync(change);
      this.sendState();
    });

    if (options.initiate) this.attach(false);
    else this.later(ANSWER_FALLBACK_MS, () => this.attach(false));
  }

  /** Reactive: what this participant sends, and the connection state. */
  media(): RemoteMedia {
    return { peerId: this.peerId, state: this.state(), ...this.received.current() };
  }

  /** A signal from the other peer, handled strictly in arrival order. */
  handleSignal(signal: SignalPayload): void {
    this.queue = this.queue
      .then(() => this.process(signal))
      .catch((error: unknown) => this.log('signal failed', error));
  }

  async stats(): Promise<PeerStats> {
    const result: PeerStats = {
      peerId: this.peerId,
      state: this.state(),
      framesDecoded: 0,
      framesPerSecond: null,
      audioPacketsReceived: 0,
      roundTripTime: null,
      candidatePair: null,
    };
    if (this.closed) return result;
    return readPeerStats(await this.pc.getStats(), result);
  }

  /**
   * This page shows the peer over another transport now: tells the peer (`moved`) and, once the
   * peer has said the same, releases the link (options.onReleased). Until then the link keeps
   * sending, so the peer's picture of this page does not freeze before it swaps too.
   */
  handOff(): void {
    if (this.closed || this.movedHere) return;
    this.movedHere = true;
    this.sendMessage({ type: 'moved' });
    this.releaseIfDone();
  }

  /**
   * This page shows the peer from this link now (a switch to mesh): tells the peer (`shown`), so
   * it may close its old transport.
   */
  shown(): void {
    if (this.closed || this.shownHere) return;
    this.shownHere = true;
    this.sendMessage({ type: 'shown' });
  }

  /** The peer has not said yet that it shows this page from this link. */
  awaitingShown(): boolean {
    return !this.closed && !this.shownThere;
  }

  /** The peer may still show this page over this link. */
  held(): boolean {
    return !this.closed && !(this.movedHere && this.movedThere);
  }

  private releaseIfDone(): void {
    if (this.movedHere && this.movedThere) this.later(RELEASE_GRACE_MS, () => this.options.onReleased?.());
  }

  /** Closes the connection and stops the received tracks. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.watchdog) clearTimeout(this.watchdog);
    this.unsubscribe();
    this.channel?.close();
    this.received.stopAll();
    this.pc.close();
    this.stateSignal[1]('closed');
  }

  /**
   * Adds the data channel and (when this side offers first) the sending transceivers: from now
   * on this side negotiates. When an offer of the other side comes first, its m-lines are
   * claimed instead (see process()).
   */
  private attach(fromOffer: boolean): void {
    if (this.attached || this.closed) return;
    this.attached = true;
    const channel = this.pc.createDataChannel(PEER_CHANNEL.label, { negotiated: true, id: PEER_CHANNEL.id });
    channel.addEventListener('open', () => {
      this.sendState();
      if (this.movedHere) this.sendMessage({ type: 'moved' });
      if (this.shownHere) this.sendMessage({ type: 'shown' });
    });
    channel.addEventListener('message', ({ data }) => {
      const message = parsePeerMessage(data);
      if (message?.type === 'state') this.received.setState(message);
      if (message?.type === 'shown' && !this.shownThere) {
        this.shownThere = true;
        this.log('the peer shows this page from this link now (shown)');
      }
      if (message?.type === 'moved' && !this.movedThere) {
        this.movedThere = true;
        // The peer no longer shows this page's video from this link: stop encoding it.
        this.senders.stopVideo();
        this.releaseIfDone();
      }
    });
    // The peer closed its side: after this page moved too, nothing is left to wait for.
    channel.addEventListener('close', () => {
      if (this.movedHere && !this.closed) {
        this.movedThere = true;
        this.options.onReleased?.();
      }
    });
    this.channel = channel;
    if (!fromOffer) this.senders.createAll();
    this.armWatchdog();
  }

  private sendState(): void {
    const local = this.options.local;
    const state = local.state();
    const message: PeerStateMessage = {
      type: 'state',
      camera: local.track('audio') || local.track('camera') ? local.stream('camera').id : null,
      screen: local.track('screen') ? local.stream('screen').id : null,
      micMuted: state.micMuted || !local.track('audio'),
      cameraOff: state.cameraOff || !local.track('camera'),
    };
    this.sendMessage(message);
  }

  private sendMessage(message: PeerMessage): void {
    if (this.channel?.readyState !== 'open') return;
    try {
      this.channel.send(JSON.stringify(message));
    } catch (error) {
      this.log(`${message.type} message failed`, error);
    }
  }

  private async negotiate(): Promise<void> {
    if (this.closed || !this.attached) return;
    if (this.polite && this.pc.currentLocalDescription) {
      // Renegotiating: let an offer of the impolite side (the usual initiator) pass first.
      await new Promise((resolve) => setTimeout(resolve, POLITE_HOLDOFF_MS));
      if (this.closed || this.pc.signalingState !== 'stable') return;
    }
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const description = this.pc.localDescription;
      if (description && !this.closed)
        this.options.send({ description: { type: description.type, sdp: description.sdp } });
    } catch (error) {
      this.log('offer failed', error);
    } finally {
      this.makingOffer = false;
    }
  }

  private async process(signal: SignalPayload): Promise<void> {
    if (this.closed) return;
    if ('description' in signal) {
      const { description } = signal;
      // Local media rides on the offer's m-lines when added before it is applied.
      if (description.type === 'offer') this.attach(true);
      const readyForOffer = !this.makingOffer && this.pc.signalingState === 'stable';
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      if (description.type === 'answer' && this.pc.signalingState !== 'have-local-offer') return;
      if (collision) {
        this.log('glare: rolling back the local offer');
        await this.pc.setLocalDescription({ type: 'rollback' });
      }
      await this.pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        this.senders.claimFromOffer();
        await this.pc.setLocalDescription();
        const answer = this.pc.localDescription;
        if (answer && !this.closed) this.options.send({ description: { type: answer.type, sdp: answer.sdp } });
      }
      this.received.changed();
      const pending = this.pendingCandidates.splice(0);
      for (const candidate of pending) await this.addCandidate(candidate);
      return;
    }
    if (!signal.candidate) return;
    if (!this.pc.remoteDescription) this.pendingCandidates.push(signal.candidate);
    else await this.addCandidate(signal.candidate);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer this side ignored are expected to fail.
      if (!this.ignoreOffer && !this.closed) this.log('candidate failed', error);
    }
  }

  private onConnectionState(): void {
    const state = this.pc.connectionState;
    if (this.closed || state === 'closed') return;
    if (state === 'connected') {
      this.stateSignal[1]('connected');
      if (this.watchdog) clearTimeout(this.watchdog);
      this.watchdog = null;
    } else if (state === 'failed') {
      this.stateSignal[1]('failed');
      this.restartIceSoon('failed', 0);
    } else if (state === 'disconnected') {
      this.stateSignal[1]('reconnecting');
      this.restartIceSoon('disconnected', DISCONNECTED_GRACE_MS);
    } else if (this.stateSignal[0]() !== 'connecting') {
      this.stateSignal[1]('reconnecting');
    }
  }

  /**
   * ICE restarts come from the impolite side (both sides see a failure at about the same time:
   * two restarts would glare); the polite side restarts only if nothing happened meanwhile.
   */
  private restartIceSoon(reason: string, delayMs: number): void {
    const wait = this.polite ? delayMs + POLITE_RESTART_DELAY_MS : delayMs;
    this.later(wait, () => {
      const state = this.pc.connectionState;
      if (state === 'failed' || state === 'disconnected') this.restartIce(reason);
    });
  }

  /** New STUN/TURN servers (fresh TURN credentials) for the next gathering of this connection. */
  updateIceServers(iceServers: IceServer[]): void {
    if (this.closed) return;
    try {
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: iceServers });
    } catch (error) {
      this.log('could not update the ICE servers', error);
    }
  }

  /**
   * Restarts ICE now (both sides may do so at once: perfect negotiation sorts it out), with
   * fresh TURN credentials when they can be had.
   */
  restartIce(reason: string): void {
    if (this.closed) return;
    this.log(`ICE restart (${reason})`);
    this.armWatchdog();
    const restart = () => {
      if (!this.closed) this.pc.restartIce();
    };
    const fresh = this.options.freshIceServers;
    if (!fresh) return restart();
    fresh()
      .then((iceServers) => {
        if (!this.closed) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: iceServers });
      })
      .catch((error: unknown) => this.log('could not refresh the ICE servers', error))
      .finally(restart);
  }

  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      if (!this.closed && this.pc.connectionState !== 'connected') this.restartIce('not connected in time');
    }, CONNECT_WATCHDOG_MS);
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) action();
    }, ms);
    this.timers.add(timer);
  }
}
