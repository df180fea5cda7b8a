import type { Participant } from '@parley/protocol';
import type { MeetingSession } from '../session/MeetingSession.js';

/*
 * A rolling deploy: the server said it is restarting (`server_restarting`), so the coming
 * disconnection is not a network failure. The mesh links keep running (they do not need the
 * server), and the next join asks to resume this page's peer (`resumePeerId`); when the server
 * takes it over, the call goes on with the same links and nobody saw this page leave. The call's
 * machine (machine/connectionTransitions.ts, joinTransitions.ts) decides; these two helpers do
 * the participants and the links.
 */

/**
 * Brings a kept session (mesh links, or SFU transports the server adopted) in line with the
 * participants the resumed join lists: links to those who left meanwhile close, newcomers are
 * called; then what the server may have missed of this page's own state while the socket was
 * away is sent again (`resync`).
 */
export function reconcileKeptSession(session: MeetingSession, before: Participant[], now: Participant[]): void {
  const stillThere = new Set(now.map((p) => p.peerId));
  const known = new Set(before.map((p) => p.peerId));
  for (const participant of before) if (!stillThere.has(participant.peerId)) session.removePeer(participant.peerId);
  for (const participant of now) if (!known.has(participant.peerId)) session.addPeer(participant, { initiate: true });
  session.resync?.();
}

/**
 * The participants a resumed join lists, with the entries of those already shown kept as they
 * were: the page's tiles (and their `<video>` elements) are keyed on these objects and stay.
 */
export function keepShownEntries(before: Participant[], now: Participant[]): Participant[] {
  const shown = new Map(before.map((p) => [p.peerId, p]));
  return now.map((participant) => shown.get(participant.peerId) ?? participant);
}
