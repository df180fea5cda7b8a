import type { MeetingMode, User } from '@parley/protocol';

/** One participant's presence in a room: one peer per user, bound to one socket. */
export interface RoomPeer {
  peerId: string;
  userId: string;
  user: User;
  socketId: string;
  /** The server instance that holds the socket. */
  instanceId: string;
  /** Unix ms; the longest-present participant becomes host when the host is gone. */
  joinedAt: number;
}

/** `open` rooms accept joins; `closing` rooms are being ended (stop or empty cleanup). */
export type RoomStatus = 'open' | 'closing';

export interface RoomMeta {
  hostId: string;
  mode: MeetingMode;
  status: RoomStatus;
}

export type AddPeerResult =
  | { ok: true; /** The user's previous peer, removed by this join (F5, second tab). */ replaced: RoomPeer | null }
  | { ok: false };

export interface RemovePeerOptions {
  /** When the room becomes empty it ends at this time (unix ms) unless someone joins. */
  emptyDeadline: number;
  /** When the removed peer is the host, the host role passes on at this time; null: no grace. */
  hostGraceDeadline: number | null;
}

export type BeginCloseResult = 'closing' | 'notdue' | 'busy' | 'gone';

export type TransferHostResult =
  { outcome: 'changed'; hostId: string } | { outcome: 'notdue' | 'back' | 'empty' | 'gone' };

/** `mesh`: an SFU room back at MESH_RETURN_AT participants returns to mesh at this time. */
export type DueKind = 'empty' | 'host' | 'mesh';

export interface InstancePeer {
  meetingId: string;
  peerId: string;
}

/**
 * Who is in a meeting right now, shared by every server instance (Redis) or held in memory when
 * there is no Redis. Every mutation is atomic; deadlines (empty room, host grace) live with the
 * room state so that any instance's sweeper can act on them.
 */
export interface RoomStore {
  /** Creates the room unless it exists; returns whether it was created. */
  createRoom(meetingId: string, meta: { hostId: string; mode: MeetingMode }, emptyDeadline: number): Promise<boolean>;
  getMeta(meetingId: string): Promise<RoomMeta | null>;
  setMode(meetingId: string, mode: MeetingMode): Promise<void>;

  /**
   * Adds a peer, replacing the user's previous peer in that room (returned). Clears the empty
   * deadline; clears the host deadline when the host joins, or starts one (`hostGraceDeadline`)
   * when someone else joins a room whose host is absent. Fails when the room is not open.
   */
  addPeer(meetingId: string, peer: RoomPeer, hostGraceDeadline: number): Promise<AddPeerResult>;
  /** Removes a peer; null when it was already gone (idempotent). */
  removePeer(meetingId: string, peerId: string, options: RemovePeerOptions): Promise<RoomPeer | null>;
  /** Participants, oldest first. */
  listPeers(meetingId: string): Promise<RoomPeer[]>;
  /** How many participants (without reading them: the mode switch's check on every join and leave). */
  countPeers(meetingId: string): Promise<number>;
  getPeers(meetingId: string, peerIds: readonly string[]): Promise<Array<RoomPeer | null>>;

  /** Meetings whose deadline of that kind has passed. */
  dueMeetings(kind: DueKind, now: number, limit: number): Promise<string[]>;
  /** Sets (or clears, null) when an SFU room goes back to mesh (see MeetingModeSwitch). */
  setMeshReturn(meetingId: string, at: number | null): Promise<void>;
  /**
   * Marks the room `closing` so that no one joins any more. `ifEmptyDueAt`: only when the room is
   * empty and its empty deadline has passed at that time. A room already closing answers
   * `closing` again, so a crashed closer's work is finished by the next one: a closing room stays
   * due (empty deadline `retryAt`) until deleted.
   */
  beginClose(meetingId: string, ifEmptyDueAt?: number, retryAt?: number): Promise<BeginCloseResult>;
  /**
   * Hands the host role to the longest-present participant when the host is absent:
   * `force` now (the host left), otherwise only once the host deadline has passed at `now`.
   */
  transferHost(meetingId: string, now: number, force: boolean): Promise<TransferHostResult>;
  deleteRoom(meetingId: string): Promise<void>;

  /** Runs `fn` under a lock shared by all instances; undefined (fn not run) when it is held. */
  withLock<T>(name: string, ttlMs: number, fn: () => Promise<T>): Promise<T | undefined>;

  /**
   * Marks this instance alive for `ttlMs`; false when its liveness key was missing (first beat,
   * Redis restarted empty, or this instance was presumed dead and its peers removed).
   */
  heartbeat(instanceId: string, ttlMs: number): Promise<boolean>;
  /** Instances that held peers and whose liveness expired (crashed without cleaning up). */
  deadInstances(): Promise<string[]>;
  peersOfInstance(instanceId: string): Promise<InstancePeer[]>;
  forgetInstance(instanceId: string): Promise<void>;

  close(): Promise<void>;
}

/** Oldest first; ties broken by peer id so every instance agrees. */
export function byJoinedAt(a: RoomPeer, b: RoomPeer): number {
  return a.joinedAt - b.joinedAt || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0);
}
