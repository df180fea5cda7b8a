import { randomUUID } from 'node:crypto';
import type { JoinMeetingResult, RoomInfo, User, VideoSignal } from '@parley/protocol';
import { AppError } from '../appError.js';
import { buildIceServers, iceServersTtl } from '../ice/iceServers.js';
import type { Logger } from '../logger.js';
import type { LocalPeers } from './LocalPeers.js';
import type { MeetingMetrics } from './meetingMetrics.js';
import { meetingRoom, type MeetingNotifier } from './MeetingNotifier.js';
import type { MeetingRepository } from './MeetingRepository.js';
import type { Joinable, MeetingService } from './MeetingService.js';
import type { MeetingModeSwitch } from './MeetingModeSwitch.js';
import type { RoomEvents } from './RoomEvents.js';
import type { RoomPeer, RoomStore } from './RoomStore.js';
import type { MeetingSettings } from './settings.js';
import { toMeeting, toParticipant } from './wire.js';

/** The part of a Socket.io socket the room needs (so the service stays testable). */
export interface RoomSocket {
  readonly id: string;
  readonly connected: boolean;
  join(room: string): unknown;
  leave(room: string): unknown;
}

export interface RoomServiceDeps {
  meetings: MeetingService;
  repo: MeetingRepository;
  rooms: RoomStore;
  notifier: MeetingNotifier;
  localPeers: LocalPeers;
  settings: MeetingSettings;
  metrics: MeetingMetrics;
  logger: Logger;
  instanceId: string;
  /** The mesh ↔ SFU switch (none: rooms stay as they are). */
  modeSwitch?: MeetingModeSwitch;
  /** Raised for the SFU: peers leaving. */
  events?: RoomEvents;
}

const notLive = () => new AppError('conflict', 'the meeting has ended', 'meetingId');

/**
 * Who is in a meeting: join (one peer per user: a new join replaces the old peer), leave,
 * disconnect, room info, the mesh signalling relay and the host hand-over.
 */
export class RoomService {
  constructor(private readonly deps: RoomServiceDeps) {}

  /**
   * `resumePeerId`: the user's peer on an instance that stopped for a deploy; when it is still in
   * the room it is taken over (same peer id and join time, this socket), silently for the others.
   * `checked`: the meeting's check made just before (the lobby's), so a join reads it once.
   */
  async join(
    socket: RoomSocket,
    user: User,
    meetingId: string,
    resumePeerId?: string,
    checked?: Joinable,
  ): Promise<JoinMeetingResult> {
    const { meetings, repo, rooms, notifier, localPeers, settings } = this.deps;
    const { meeting, invited } = checked ?? (await meetings.requireJoinable(user.id, meetingId));
    if (meeting.status !== 'active') throw notLive();
    const id = meeting.id;
    if (!(await rooms.getMeta(id))) {
      // Active in PostgreSQL but no room state (lost): give it one again, unless the meeting
      // ended meanwhile (its room was deleted between our read and now).
      await rooms.createRoom(id, { hostId: meeting.hostId, mode: meeting.mode }, Date.now() + settings.emptyMeetingMs);
      if ((await repo.find(id))?.status !== 'active') {
        await rooms.deleteRoom(id);
        throw notLive();
      }
    }
    const now = Date.now();
    const resumed = resumePeerId ? await this.resumable(id, user.id, resumePeerId) : null;
    const peer: RoomPeer = {
      peerId: resumed?.peerId ?? randomUUID(),
      userId: user.id,
      user: { id: user.id, username: user.username, displayName: user.displayName },
      socketId: socket.id,
      instanceId: this.deps.instanceId,
      joinedAt: resumed?.joinedAt ?? now,
    };
    const added = await rooms.addPeer(id, peer, now + settings.hostGraceMs);
    if (!added.ok) throw notLive();
    localPeers.set(socket.id, id, peer);
    if (!invited) await repo.addGuest(id, user.id);

    const replaced = added.replaced?.peerId === peer.peerId ? null : added.replaced;
    if (replaced) {
      // The same user joined again (reload, second tab): the old peer is gone for everyone.
      notifier.userLeft(id, replaced.peerId, replaced.userId, 'removed');
      this.deps.events?.emit('peerLeft', {
        meetingId: id,
        peerId: replaced.peerId,
        userId: replaced.userId,
        socketId: replaced.socketId,
        reason: 'replaced',
      });
      if (replaced.socketId !== socket.id) {
        notifier.leaveRoom(replaced.socketId, id);
        localPeers.delete(replaced.socketId, id, replaced.peerId);
      }
    }
    await socket.join(meetingRoom(id));
    if (resumed) this.deps.metrics.resumes.inc();
    else {
      notifier.userJoined(id, socket.id, peer.peerId, peer.user);
      this.deps.metrics.joins.inc();
    }

    if (!socket.connected) {
      // The socket went away while joining: its disconnect cleanup may have missed this peer.
      await this.disconnect(socket.id);
      throw new AppError('conflict', 'disconnected while joining');
    }
    await this.switchMode(id, 'join');
    const [meta, peers] = await Promise.all([rooms.getMeta(id), rooms.listPeers(id)]);
    return {
      meeting: toMeeting(meeting, meta),
      mode: meta?.mode ?? meeting.mode,
      selfPeerId: peer.peerId,
      participants: peers.filter((p) => p.peerId !== peer.peerId).map(toParticipant),
      iceServers: buildIceServers(settings.ice, user.id),
      ...(iceServersTtl(settings.ice) !== undefined ? { iceServersTtl: iceServersTtl(settings.ice) } : {}),
    };
  }

  /** The user's own peer of an instance that is gone or stopping, if still in the room. */
  private async resumable(meetingId: string, userId: string, peerId: string): Promise<RoomPeer | null> {
    const [previous] = await this.deps.rooms.getPeers(meetingId, [peerId]);
    if (!previous || previous.userId !== userId || previous.instanceId === this.deps.instanceId) return null;
    return previous;
  }

  /** `leave_meeting`: a no-op when this socket is not in the meeting. */
  async leave(socket: RoomSocket, meetingId: string): Promise<void> {
    const { rooms, notifier, localPeers, settings } = this.deps;
    const peerId = localPeers.get(socket.id, meetingId);
    if (peerId === undefined) return;
    localPeers.delete(socket.id, meetingId, peerId);
    await socket.leave(meetingRoom(meetingId));
    const removed = await rooms.removePeer(meetingId, peerId, {
      emptyDeadline: Date.now() + settings.emptyMeetingMs,
      hostGraceDeadline: null,
    });
    if (!removed) return;
    notifier.userLeft(meetingId, removed.peerId, removed.userId, 'left');
    this.deps.events?.emit('peerLeft', {
      meetingId,
      peerId: removed.peerId,
      userId: removed.userId,
      socketId: removed.socketId,
      reason: 'left',
    });
    await this.switchMode(meetingId, 'leave');
    const meta = await rooms.getMeta(meetingId);
    // A host who leaves on purpose hands the role over at once.
    if (meta?.hostId === removed.userId) await this.transferHost(meetingId, true);
  }

  /** A socket disconnected: its peers leave with reason 'disconnected'; a host keeps the role for the grace. */
  async disconnect(socketId: string): Promise<void> {
    for (const [meetingId, peerId] of this.deps.localPeers.take(socketId)) {
      await this.removeDisconnected(meetingId, peerId);
    }
  }

  /** Removes a peer whose connection is gone (also used for the peers of a dead instance). */
  async removeDisconnected(meetingId: string, peerId: string): Promise<void> {
    const now = Date.now();
    const removed = await this.deps.rooms.removePeer(meetingId, peerId, {
      emptyDeadline: now + this.deps.settings.emptyMeetingMs,
      hostGraceDeadline: now + this.deps.settings.hostGraceMs,
    });
    if (!removed) return;
    this.deps.notifier.userLeft(meetingId, removed.peerId, removed.userId, 'disconnected');
    this.deps.events?.emit('peerLeft', {
      meetingId,
      peerId: removed.peerId,
      userId: removed.userId,
      socketId: removed.socketId,
      reason: 'disconnected',
    });
    await this.switchMode(meetingId, 'leave');
  }

  /**
   * `remove_participant` (the host checked by the caller): the peer leaves at once; everyone, the
   * peer's own socket included, gets `meeting_user_left` ('removed', byHost) and its socket (on
   * any instance) leaves the meeting's room. Returns the removed peer, null when already gone.
   */
  async expel(meetingId: string, peerId: string): Promise<RoomPeer | null> {
    const { rooms, notifier, localPeers, settings } = this.deps;
    const removed = await rooms.removePeer(meetingId, peerId, {
      emptyDeadline: Date.now() + settings.emptyMeetingMs,
      hostGraceDeadline: null,
    });
    if (!removed) return null;
    notifier.userLeft(meetingId, removed.peerId, removed.userId, 'removed', undefined, true);
    notifier.leaveRoom(removed.socketId, meetingId);
    localPeers.delete(removed.socketId, meetingId, removed.peerId);
    this.deps.events?.emit('peerLeft', {
      meetingId,
      peerId: removed.peerId,
      userId: removed.userId,
      socketId: removed.socketId,
      reason: 'removed',
    });
    await this.switchMode(meetingId, 'leave');
    return removed;
  }

  /** Lets the mode switch look at the new participant count; its failure never fails a join or leave. */
  private async switchMode(meetingId: string, after: 'join' | 'leave'): Promise<void> {
    const modeSwitch = this.deps.modeSwitch;
    if (!modeSwitch) return;
    try {
      if (after === 'join') await modeSwitch.afterJoin(meetingId);
      else await modeSwitch.afterLeave(meetingId);
    } catch (error) {
      this.deps.logger.warn({ err: error, meetingId }, 'mode switch check failed');
    }
  }

  /** `get_room_info`: for anyone who may join. */
  async info(user: User, meetingId: string): Promise<RoomInfo> {
    const { meeting } = await this.deps.meetings.requireJoinable(user.id, meetingId);
    const live = meeting.status === 'active';
    const [meta, peers] = live
      ? await Promise.all([this.deps.rooms.getMeta(meeting.id), this.deps.rooms.listPeers(meeting.id)])
      : [null, []];
    return {
      meeting: toMeeting(meeting, meta),
      mode: meta?.mode ?? meeting.mode,
      participants: peers.map(toParticipant),
    };
  }

  /** `video-signal`: from this socket's peer to another peer of the same meeting, on any instance. */
  async relaySignal(socket: RoomSocket, data: VideoSignal): Promise<void> {
    const { meetingId, to, signal } = data;
    const selfPeerId = this.deps.localPeers.get(socket.id, meetingId);
    if (selfPeerId === undefined) throw new AppError('forbidden', 'you are not in this meeting');
    if (to === selfPeerId) throw new AppError('bad_request', 'to: cannot signal yourself', 'to');
    const [self, target] = await this.deps.rooms.getPeers(meetingId, [selfPeerId, to]);
    if (!self || self.socketId !== socket.id) {
      this.deps.localPeers.delete(socket.id, meetingId, selfPeerId);
      throw new AppError('forbidden', 'you are not in this meeting');
    }
    if (!target) throw new AppError('not_found', 'no such peer in this meeting', 'to');
    this.deps.notifier.signal(target.socketId, meetingId, self.peerId, signal);
    this.deps.metrics.signals.inc();
  }

  /**
   * Hands the host role to the longest-present participant when the host is absent: at once
   * (`force`, the host left) or once the grace deadline has passed (sweeper).
   */
  async transferHost(meetingId: string, force: boolean): Promise<string | null> {
    const result = await this.deps.rooms.transferHost(meetingId, Date.now(), force);
    if (result.outcome !== 'changed') return null;
    await this.deps.repo.setHost(meetingId, result.hostId);
    this.deps.notifier.hostChanged(meetingId, result.hostId);
    this.deps.metrics.hostTransfers.inc();
    this.deps.logger.info({ meetingId, hostId: result.hostId, force }, 'meeting host changed');
    return result.hostId;
  }
}
