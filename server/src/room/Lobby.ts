import { randomUUID } from 'node:crypto';
import type { LobbyRequestEvent, User } from '@parley/protocol';
import { AppError } from '../appError.js';
import type { Logger } from '../logger.js';
import type { Joinable, MeetingService } from '../meetings/MeetingService.js';
import type { RoomStore } from '../meetings/RoomStore.js';
import type { LobbyDecisions } from './LobbyDecisions.js';
import type { RoomAccess } from './RoomAccess.js';
import type { RoomFeatureNotifier } from './RoomFeatureNotifier.js';
import type { LobbyEntry, RoomFeatureStore } from './RoomFeatureStore.js';

/** The part of a socket the lobby needs: its id and its disconnect. */
export interface LobbySocket {
  readonly id: string;
  once(event: 'disconnect', listener: () => void): unknown;
  off(event: 'disconnect', listener: () => void): unknown;
}

export interface LobbyDeps {
  meetings: MeetingService;
  rooms: RoomStore;
  store: RoomFeatureStore;
  access: RoomAccess;
  notifier: RoomFeatureNotifier;
  decisions: LobbyDecisions;
  instanceId: string;
  /** LOBBY_WAIT_MS: an unanswered lobby join is refused after this long (default 60 s). */
  waitMs: number;
  logger: Logger;
}

const toRequest = (meetingId: string, entry: LobbyEntry): LobbyRequestEvent => ({
  meetingId,
  requestId: entry.requestId,
  user: entry.user,
});

/**
 * The gate before `join_meeting`: removed users are refused; in a locked meeting, someone not yet
 * admitted waits (the join's ack is held) until the host admits or refuses, or LOBBY_WAIT_MS.
 */
export class Lobby {
  constructor(private readonly deps: LobbyDeps) {}

  /**
   * Resolves when the user may join now, with what the meeting's check found and whether the
   * user waited in the lobby meanwhile (the check is then stale); throws `forbidden` when refused.
   */
  async enter(socket: LobbySocket, user: User, meetingId: string): Promise<{ joinable: Joinable; waited: boolean }> {
    const { meetings, rooms, store } = this.deps;
    const joinable = await meetings.requireJoinable(user.id, meetingId);
    const id = joinable.meeting.id;
    // An ended meeting: the join itself answers that.
    if (joinable.meeting.status !== 'active') return { joinable, waited: false };
    // One round trip to the stores for the three reads every join needs.
    const [removed, meta, locked] = await Promise.all([
      store.isRemoved(id, user.id),
      rooms.getMeta(id),
      store.isLocked(id),
    ]);
    if (removed) throw new AppError('forbidden', 'you were removed from this meeting');
    const admitted = !meta || meta.hostId === user.id || !locked || (await store.isAdmitted(id, user.id));
    if (!admitted) await this.wait(socket, user, id);
    return { joinable, waited: !admitted };
  }

  private async wait(socket: LobbySocket, user: User, meetingId: string): Promise<void> {
    const { store, notifier, decisions, access } = this.deps;
    const entry: LobbyEntry = {
      requestId: randomUUID(),
      user: { id: user.id, username: user.username, displayName: user.displayName },
      socketId: socket.id,
      instanceId: this.deps.instanceId,
      since: Date.now(),
    };
    await store.putLobby(meetingId, entry);
    notifier.waiting(socket.id, { meetingId, requestId: entry.requestId });
    const host = await access.hostPeer(meetingId);
    if (host) notifier.lobbyRequest(host.socketId, toRequest(meetingId, entry));

    let gone = false;
    const onDisconnect = () => {
      gone = true;
      decisions.cancel(entry.requestId);
    };
    socket.once('disconnect', onDisconnect);
    const outcome = await decisions.wait(entry.requestId, this.deps.waitMs).finally(() => {
      socket.off('disconnect', onDisconnect);
    });
    if (outcome === 'admitted') return;
    if (outcome === 'refused' && !gone) throw new AppError('forbidden', 'the host did not admit you');
    // Timed out or went away: withdraw the request, unless the host answered at that moment.
    const taken = await store.takeLobby(meetingId, entry.requestId);
    if (taken) {
      const hostNow = await access.hostPeer(meetingId);
      if (hostNow) {
        notifier.lobbyCancelled(hostNow.socketId, {
          meetingId,
          requestId: entry.requestId,
          reason: gone ? 'gone' : 'timeout',
        });
      }
    } else if (!gone && (await store.isAdmitted(meetingId, user.id))) {
      return;
    }
    this.deps.logger.info({ meetingId, userId: user.id, gone }, 'lobby wait ended without admission');
    throw new AppError('forbidden', 'nobody admitted you to this meeting');
  }

  /** `admit`: host only; answers the waiting join (on whichever instance it waits). */
  async admit(host: User, meetingId: string, requestId: string, allow: boolean): Promise<void> {
    await this.deps.access.host(host.id, meetingId);
    const entry = await this.deps.store.takeLobby(meetingId, requestId);
    if (!entry) throw new AppError('not_found', 'no such lobby request', 'requestId');
    if (allow) await this.deps.store.addAdmitted(meetingId, entry.user.id);
    await this.deps.decisions.decide(requestId, allow ? 'admitted' : 'refused');
  }

  /** `set_meeting_lock`: host only; unlocking admits everyone waiting. */
  async setLocked(host: User, meetingId: string, locked: boolean): Promise<void> {
    await this.deps.access.host(host.id, meetingId);
    await this.deps.store.setLocked(meetingId, locked);
    this.deps.notifier.lock({ meetingId, locked });
    if (locked) return;
    for (const entry of await this.deps.store.listLobby(meetingId)) {
      if (!(await this.deps.store.takeLobby(meetingId, entry.requestId))) continue;
      await this.deps.store.addAdmitted(meetingId, entry.user.id);
      await this.deps.decisions.decide(entry.requestId, 'admitted');
    }
  }

  /** The lobby requests waiting now (for a host who joins or reloads). */
  async pending(meetingId: string): Promise<LobbyRequestEvent[]> {
    return (await this.deps.store.listLobby(meetingId)).map((entry) => toRequest(meetingId, entry));
  }
}
