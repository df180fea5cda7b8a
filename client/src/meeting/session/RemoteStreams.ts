import { createSignal } from 'solid-js';
import type { PeerStateMessage } from './peerMessages.js';
import { classifyStreams } from './remoteSources.js';

export interface ReceivedMedia {
  camera: MediaStream | null;
  screen: MediaStream | null;
  micMuted: boolean;
  cameraOff: boolean;
}

/**
 * The streams one RTCPeerConnection receives, grouped by the sender's stream id (msid), and
 * the sender's last `state` message. `current()` is reactive: it changes when a track is added
 * or removed, a stream empties, or a state message arrives.
 */
export class RemoteStreams {
  private readonly streams = new Map<string, MediaStream>();
  private readonly version = createSignal(0, { equals: false });
  private state: PeerStateMessage | null = null;

  /** From the connection's `track` event. */
  addTrack(track: MediaStreamTrack, streams: readonly MediaStream[]): void {
    const stream = streams[0] ?? new MediaStream([track]);
    if (!this.streams.has(stream.id)) {
      this.streams.set(stream.id, stream);
      stream.addEventListener('addtrack', () => this.changed());
      stream.addEventListener('removetrack', () => this.changed());
    }
    track.addEventListener('ended', () => this.changed());
    this.changed();
  }

  setState(state: PeerStateMessage): void {
    this.state = state;
    this.changed();
  }

  /** Something the grouping depends on may have changed (e.g. after a negotiation). */
  changed(): void {
    this.version[1](0);
  }

  current(): ReceivedMedia {
    this.version[0]();
    const seen = [...this.streams.values()].map((stream) => ({
      id: stream.id,
      live: stream.getTracks().some((track) => track.readyState === 'live'),
    }));
    const { camera, screen } = classifyStreams(seen, this.state);
    return {
      camera: camera ? (this.streams.get(camera) ?? null) : null,
      screen: screen ? (this.streams.get(screen) ?? null) : null,
      micMuted: this.state?.micMuted ?? false,
      cameraOff: this.state?.cameraOff ?? false,
    };
  }

  /** Stops every received track (the connection is closing). */
  stopAll(): void {
    for (const stream of this.streams.values()) for (const track of stream.getTracks()) track.stop();
    this.changed();
  }
}
