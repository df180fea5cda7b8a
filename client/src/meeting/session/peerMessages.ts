import { z } from 'zod';

/**
 * Messages between two browsers over the data channel of their RTCPeerConnection (mesh mode).
 * They never pass the server; each side validates what it receives.
 *
 * `state`: which of the sender's stream ids (the msid the receiver sees in `track` events) is
 * its camera (microphone + camera) and which its screen share, and whether the microphone is
 * muted or the camera off. Sent when the channel opens and on every change.
 */
export const PeerStateMessage = z.object({
  type: z.literal('state'),
  camera: z.string().min(1).max(128).nullable(),
  screen: z.string().min(1).max(128).nullable(),
  micMuted: z.boolean(),
  cameraOff: z.boolean(),
});
export type PeerStateMessage = z.infer<typeof PeerStateMessage>;

/**
 * `moved`: during a switch to another transport (mesh → SFU), the sender now shows the receiver
 * over the new transport and no longer needs this link. The link closes once both sides said so
 * (see PeerLink.handOff), so neither side's picture of the other freezes while it still shows
 * the link's stream.
 */
export const PeerMovedMessage = z.object({ type: z.literal('moved') });
export type PeerMovedMessage = z.infer<typeof PeerMovedMessage>;

/**
 * `shown`: during a switch to this link's transport (SFU → mesh), the sender now shows the
 * receiver's camera from this link. The receiver keeps its old transport (its SFU producers) up
 * until every peer said so, so nobody's picture of it freezes before they swapped.
 */
export const PeerShownMessage = z.object({ type: z.literal('shown') });
export type PeerShownMessage = z.infer<typeof PeerShownMessage>;

export const PeerMessage = z.discriminatedUnion('type', [PeerStateMessage, PeerMovedMessage, PeerShownMessage]);
export type PeerMessage = z.infer<typeof PeerMessage>;

/** The data channel's fixed id: both sides create it (`negotiated: true`), none announces it. */
export const PEER_CHANNEL = { label: 'parley', id: 0 } as const;

const MAX_MESSAGE = 4096;

/** A valid message, or null for anything else (wrong shape, not JSON, too long, binary). */
export function parsePeerMessage(data: unknown): PeerMessage | null {
  if (typeof data !== 'string' || data.length > MAX_MESSAGE) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = PeerMessage.safeParse(value);
  return parsed.success ? parsed.data : null;
}
