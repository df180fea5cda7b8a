import type { PeerStateMessage } from './peerMessages.js';

export interface SeenStream {
  id: string;
  /** The stream still carries at least one live track. */
  live: boolean;
}

export interface RemoteSources {
  camera: string | null;
  screen: string | null;
}

/**
 * Which received stream is a participant's camera and which its screen share. The sender's
 * `state` message names them by stream id (the screen only while sharing); until it arrives
 * (the data channel opens together with the media), the first live stream is taken as the
 * camera, which is the first m-line a peer negotiates, and no screen is shown.
 */
export function classifyStreams(streams: readonly SeenStream[], state: PeerStateMessage | null): RemoteSources {
  const live = streams.filter((stream) => stream.live).map((stream) => stream.id);
  if (state) {
    return {
      camera: state.camera && live.includes(state.camera) ? state.camera : null,
      screen: state.screen && live.includes(state.screen) ? state.screen : null,
    };
  }
  return { camera: live[0] ?? null, screen: null };
}

/**
 * Perfect negotiation needs exactly one polite peer per pair: the one whose peerId sorts first.
 * The polite peer rolls back its own offer on glare; the impolite one ignores the other's.
 */
export function isPolite(selfPeerId: string, remotePeerId: string): boolean {
  return selfPeerId < remotePeerId;
}
