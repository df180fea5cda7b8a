import {
  ClientEvents,
  ServerEvents,
  type ClientEventName,
  type ClientEventPayload,
  type LobbyRequestEvent,
  type MuteKind,
  type ReactionEmoji,
  type RoomFeatureState,
  type ServerEventName,
  type ServerEventPayload,
} from '@parley/protocol';
import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { ApiError } from '../../api/ApiError.js';
import type { SocketClient } from '../../api/socket.js';
import type { MeetingCall } from '../call/createMeetingCall.js';
import { applyHand, handsFromSnapshot } from './handQueue.js';

/** How long a reaction stays over its tile. */
export const REACTION_SHOW_MS = 4000;

export interface RoomState {
  /** User ids with a raised hand, in queue order. */
  readonly hands: Accessor<string[]>;
  /** 1-based place of a user's hand, or null. */
  handOrder(userId: string): number | null;
  /** The reaction shown over a participant's tile right now (by peer id). */
  reaction(peerId: string): ReactionEmoji | null;
  /** Whether the host muted this participant's media of `kind` (until it reports its own state). */
  hostMuted(peerId: string, kind: MuteKind): boolean;
  readonly locked: Accessor<boolean>;
  /** Who waits in the lobby (host only). */
  readonly lobby: Accessor<LobbyRequestEvent[]>;
  /** The last moderation notice for this page ("The host muted you"), or null. */
  readonly notice: Accessor<string | null>;
  dismissNotice(): void;
  raiseHand(raised: boolean): Promise<void>;
  lowerHand(peerId: string): Promise<void>;
  react(emoji: ReactionEmoji): Promise<void>;
  mute(peerId: string, kind: MuteKind): Promise<void>;
  muteEveryone(): Promise<void>;
  remove(peerId: string): Promise<void>;
  setLocked(locked: boolean): Promise<void>;
  admit(requestId: string, allow: boolean): Promise<void>;
}

/**
 * The meeting room features of one call on this page: the queue of raised hands, reactions, the
 * host's moderation (and obeying it: a mute by the host mutes this page's microphone or stops its
 * camera), the lock and the lobby. Call inside a component (listeners end with it).
 */
export function createRoomState(call: MeetingCall, client: SocketClient, meetingId: string): RoomState {
  const [hands, setHands] = createSignal<string[]>([]);
  const [reactions, setReactions] = createSignal<ReadonlyMap<string, ReactionEmoji>>(new Map());
  const [muted, setMuted] = createSignal<ReadonlyMap<string, ReadonlySet<MuteKind>>>(new Map());
  const [locked, setLocked] = createSignal(false);
  const [lobby, setLobby] = createSignal<LobbyRequestEvent[]>([]);
  const [notice, setNotice] = createSignal<string | null>(null);
  const timers = new Set<ReturnType<typeof setTimeout>>();

  // Every join (first, F5, reconnection) brings the room's state in its ack.
  createEffect(
    on(call.room, (room: RoomFeatureState | null) => {
      if (!room) return;
      setHands(handsFromSnapshot(room.hands));
      setLocked(room.locked);
      setLobby(room.lobby ?? []);
    }),
  );

  // A participant muted by the host: its tile shows it at once, then follows what it reports.
  createEffect(() => {
    const current = muted();
    for (const [peerId, kinds] of current) {
      const media = call.media(peerId);
      if ((kinds.has('audio') && media?.micMuted) || (kinds.has('video') && media?.cameraOff)) {
        const next = new Map(current);
        next.delete(peerId);
        setMuted(next);
        return;
      }
    }
  });

  /** Listens to a room event of this meeting (those of other meetings are dropped). */
  const listen = <E extends ServerEventName>(event: E, handler: (payload: ServerEventPayload<E>) => void) => {
    const stop = client.on(event, (payload) => {
      if ((payload as { meetingId?: unknown } | undefined)?.meetingId === meetingId) handler(payload);
    });
    onCleanup(stop);
  };

  listen(ServerEvents.handRaised, (event) => setHands(applyHand(hands(), event)));
  listen(ServerEvents.reaction, (event) => {
    setReactions(new Map(reactions()).set(event.peerId, event.emoji));
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (reactions().get(event.peerId) !== event.emoji) return;
      const next = new Map(reactions());
      next.delete(event.peerId);
      setReactions(next);
    }, REACTION_SHOW_MS);
    timers.add(timer);
  });
  listen(ServerEvents.participantMuted, (event) => {
    if (event.peerId === call.selfPeerId()) return;
    const kinds = new Set(muted().get(event.peerId) ?? []).add(event.kind);
    setMuted(new Map(muted()).set(event.peerId, kinds));
  });
  listen(ServerEvents.mutedByHost, (event) => {
    const local = call.local();
    if (event.kind === 'audio') {
      local?.setMicMuted(true);
      setNotice('The host muted your microphone.');
    } else {
      void local?.setCameraOff(true);
      setNotice('The host stopped your video.');
    }
  });
  listen(ServerEvents.meetingLock, (event) => setLocked(event.locked));
  listen(ServerEvents.lobbyRequest, (event) => {
    if (!lobby().some((r) => r.requestId === event.requestId)) setLobby([...lobby(), event]);
  });
  listen(ServerEvents.lobbyCancelled, (event) => setLobby(lobby().filter((r) => r.requestId !== event.requestId)));
  onCleanup(() => {
    for (const timer of timers) clearTimeout(timer);
  });

  /** A room request; the server's refusal is shown as the notice (a timeout is not). */
  async function send<E extends ClientEventName>(event: E, payload: ClientEventPayload<E>): Promise<void> {
    try {
      await client.request(event, payload, { timeoutMs: 10_000 });
    } catch (error) {
      if (error instanceof ApiError && error.code !== 'timeout' && error.code !== 'network_error') {
        setNotice(error.message);
      }
      throw error;
    }
  }
  const quietly = (promise: Promise<void>) => promise.catch(() => undefined);

  return {
    hands,
    handOrder: (userId) => {
      const index = hands().indexOf(userId);
      return index < 0 ? null : index + 1;
    },
    reaction: (peerId) => reactions().get(peerId) ?? null,
    hostMuted: (peerId, kind) => muted().get(peerId)?.has(kind) ?? false,
    locked,
    lobby,
    notice,
    dismissNotice: () => setNotice(null),
    raiseHand: (raised) => quietly(send(ClientEvents.raiseHand, { meetingId, raised })),
    lowerHand: (peerId) => quietly(send(ClientEvents.lowerHand, { meetingId, peerId })),
    react: (emoji) => quietly(send(ClientEvents.reaction, { meetingId, emoji })),
    mute: (peerId, kind) => quietly(send(ClientEvents.muteParticipant, { meetingId, peerId, kind })),
    muteEveryone: () => quietly(send(ClientEvents.muteEveryone, { meetingId })),
    remove: (peerId) => quietly(send(ClientEvents.removeParticipant, { meetingId, peerId })),
    setLocked: (value) => quietly(send(ClientEvents.setMeetingLock, { meetingId, locked: value })),
    admit: async (requestId, allow) => {
      await quietly(send(ClientEvents.admit, { meetingId, requestId, allow }));
      setLobby(lobby().filter((r) => r.requestId !== requestId));
    },
  };
}
