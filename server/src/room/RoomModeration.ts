import type { MuteKind, User } from '@parley/protocol';
import { AppError } from '../appError.js';
import type { MeetingDirectory } from '../meetings/MeetingService.js';
import type { MeetingNotifier } from '../meetings/MeetingNotifier.js';
import type { MeetingRepository } from '../meetings/MeetingRepository.js';
import type { RoomService } from '../meetings/RoomService.js';
import type { RoomStore } from '../meetings/RoomStore.js';
import { toMeeting } from '../meetings/wire.js';
import type { RoomAccess } from './RoomAccess.js';
import type { RoomFeatureNotifier } from './RoomFeatureNotifier.js';
import type { RoomFeatureStore } from './RoomFeatureStore.js';

/** Stops a participant's media of one kind on the server (SFU: pauses its producers). */
export type MediaMuter = (meetingId: string, peerId: string, kind: MuteKind) => Promise<void>;

export interface RoomModerationDeps {
  rooms: RoomStore;
  roomService: RoomService;
  store: RoomFeatureStore;
  access: RoomAccess;
  notifier: RoomFeatureNotifier;
  meetingNotifier: MeetingNotifier;
  repo: MeetingRepository;
  directory: MeetingDirectory;
}

/**
 * What only the host may do: mute a participant's audio or video (or everyone's audio), remove a
 * participant (refused on rejoin until invited again) and invite users again.
 */
export class RoomModeration {
  /** Set once the SFU exists; without it (mesh only) the muted client obeys on its own. */
  mediaMuter: MediaMuter | null = null;

  constructor(private readonly deps: RoomModerationDeps) {}

  /** `mute_participant`. */
  async mute(host: User, meetingId: string, peerId: string, kind: MuteKind): Promise<void> {
    const meta = await this.deps.access.host(host.id, meetingId);
    const target = await this.deps.access.target(meetingId, peerId);
    await this.muteOne(meetingId, target.peerId, target.socketId, kind, meta.mode);
  }

  /** `mute_everyone`: the audio of every participant but the host. Returns how many. */
  async muteEveryone(host: User, meetingId: string): Promise<number> {
    const meta = await this.deps.access.host(host.id, meetingId);
    const peers = (await this.deps.rooms.listPeers(meetingId)).filter((p) => p.userId !== host.id);
    for (const peer of peers) await this.muteOne(meetingId, peer.peerId, peer.socketId, 'audio', meta.mode);
    return peers.length;
  }

  private async muteOne(
    meetingId: string,
    peerId: string,
    socketId: string,
    kind: MuteKind,
    mode: 'mesh' | 'sfu',
  ): Promise<void> {
    // In SFU mode the server stops the media at once, whatever the client does.
    if (mode === 'sfu' && this.mediaMuter) await this.mediaMuter(meetingId, peerId, kind);
    this.deps.notifier.mutedByHost(socketId, { meetingId, kind });
    this.deps.notifier.participantMuted({ meetingId, peerId, kind });
  }

  /** `remove_participant`: the target leaves ('removed', byHost) and may not join again until invited. */
  async remove(host: User, meetingId: string, peerId: string): Promise<void> {
    await this.deps.access.host(host.id, meetingId);
    const target = await this.deps.access.target(meetingId, peerId);
    if (target.userId === host.id) throw new AppError('bad_request', 'peerId: the host cannot remove itself', 'peerId');
    await this.deps.store.markRemoved(meetingId, target.userId);
    await this.deps.roomService.expel(meetingId, target.peerId);
  }

  /** `invite_participants`: invitations (again), lifting a removal; the users get `meeting_invitation`. */
  async invite(host: User, meetingId: string, userIds: readonly string[]): Promise<void> {
    const meta = await this.deps.access.host(host.id, meetingId);
    const unique = [...new Set(userIds)].filter((id) => id !== host.id);
    const existing = await this.deps.directory.existingUserIds(unique);
    const unknown = unique.find((id) => !existing.has(id));
    if (unknown !== undefined) throw new AppError('bad_request', `userIds: no such user "${unknown}"`, 'userIds');
    await this.deps.repo.invite(meetingId, unique);
    await this.deps.store.unremove(meetingId, unique);
    const model = await this.deps.repo.find(meetingId);
    if (model) this.deps.meetingNotifier.invitation(unique, toMeeting(model, meta), 'active');
  }
}
