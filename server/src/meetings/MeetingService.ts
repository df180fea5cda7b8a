import { randomUUID } from 'node:crypto';
import type { Meeting, MeetingEndReason, StartMeeting, User } from '@parley/protocol';
import { AppError } from '../appError.js';
import { noCreationLimits } from '../limits/creationLimits.js';
import type { CreationLimits } from '../limits/creationLimits.js';
import type { Logger } from '../logger.js';
import type { LocalPeers } from './LocalPeers.js';
import type { MeetingMetrics } from './meetingMetrics.js';
import type { MeetingNotifier } from './MeetingNotifier.js';
import type { MeetingRepository } from './MeetingRepository.js';
import type { MeetingModel } from './models/MeetingModel.js';
import type { RoomEvents } from './RoomEvents.js';
import type { RoomStore } from './RoomStore.js';
import type { MeetingSettings } from './settings.js';
import { toMeeting } from './wire.js';

/** What meetings need from the rest of the server (chat's conversations and the user table). */
export interface MeetingDirectory {
  /** The members of a conversation; throws an AppError unless `userId` is one of them. */
  conversationMembers(conversationId: string, userId: string): Promise<ReadonlySet<string>>;
  /** The ids among `ids` that name existing users. */
  existingUserIds(ids: readonly string[]): Promise<Set<string>>;
  /** Creates the group conversation of a meeting started without one (the host its first member). */
  createMeetingConversation(title: string, hostId: string): Promise<string>;
  /** Makes a participant a member of the meeting's conversation (group conversations only; idempotent). */
  joinConversation(conversationId: string, userId: string): Promise<void>;
}

export interface MeetingServiceDeps {
  repo: MeetingRepository;
  rooms: RoomStore;
  notifier: MeetingNotifier;
  localPeers: LocalPeers;
  directory: MeetingDirectory;
  settings: MeetingSettings;
  metrics: MeetingMetrics;
  logger: Logger;
  /** Raised for the SFU: a meeting ended. */
  events?: RoomEvents;
  /** Invitations a user may send (MEETING_MAX_INVITEES, INVITATION_RATE_LIMIT); none: unlimited. */
  limits?: CreationLimits;
  /** ACTIVE_MEETINGS_LIMIT: most ongoing meetings in a catch-up (the most recent ones). */
  activeMeetingsLimit?: number;
}

export interface Joinable {
  meeting: MeetingModel;
  /**
   * Whether the user is known to have an invitation row (host, invitee or guest). Not looked up
   * for a link meeting (false unless host): there the join records the user as a guest with one
   * insert that leaves an existing invitation as it is, instead of a read and then the insert.
   */
  invited: boolean;
}

/** A meeting ends this long after its closing started if the closer died (the sweeper finishes). */
const CLOSE_RETRY_MS = 10_000;

/** Meeting lifecycle: start, who may join, catch-up, stop and end. */
export class MeetingService {
  constructor(private readonly deps: MeetingServiceDeps) {}

  /** Starts a meeting hosted by `host`; invitees (and a conversation's members) are told live. */
  async start(host: User, body: StartMeeting): Promise<Meeting> {
    const { repo, rooms, notifier, directory, settings } = this.deps;
    const invitees = new Set(body.inviteeIds ?? []);
    const explicit = invitees.size;
    if (invitees.size > 0) {
      const existing = await directory.existingUserIds([...invitees]);
      const unknown = [...invitees].find((id) => !existing.has(id));
      if (unknown !== undefined)
        throw new AppError('bad_request', `inviteeIds: no such user "${unknown}"`, 'inviteeIds');
    }
    if (body.conversationId !== undefined) {
      const members = await directory.conversationMembers(body.conversationId, host.id);
      for (const id of members) invitees.add(id);
    }
    invitees.delete(host.id);
    await (this.deps.limits ?? noCreationLimits).invitations(host.id, explicit, invitees.size);

    const title = body.title ?? `${host.displayName}'s meeting`.slice(0, 100);
    // Every meeting has a conversation (its in-meeting chat): the one it was started from, or
    // a group created for it whose members are its participants (added as they join).
    const conversationId = body.conversationId ?? (await directory.createMeetingConversation(title, host.id));
    const model = await repo.create(
      {
        id: randomUUID(),
        title,
        hostId: host.id,
        conversationId,
        access: body.access ?? 'invited',
      },
      [...invitees],
    );
    await rooms.createRoom(model.id, { hostId: host.id, mode: model.mode }, Date.now() + settings.emptyMeetingMs);
    const meeting = toMeeting(model);
    notifier.invitation([...invitees], meeting, 'active');
    this.deps.metrics.started.inc();
    this.deps.logger.info({ meetingId: model.id, hostId: host.id, invitees: invitees.size }, 'meeting started');
    return meeting;
  }

  /**
   * The meeting, if `userId` may join it: the host, anyone invited, or anyone at all for a link
   * meeting. Outsiders get `forbidden` whatever the meeting's state (they learn nothing more).
   */
  async requireJoinable(userId: string, meetingId: string): Promise<Joinable> {
    const { repo } = this.deps;
    const meeting = await repo.find(meetingId);
    if (!meeting) throw new AppError('not_found', 'no such meeting', 'meetingId');
    const invited =
      meeting.hostId === userId || (meeting.access !== 'link' && (await repo.isInvited(meeting.id, userId)));
    if (!invited && meeting.access !== 'link') throw new AppError('forbidden', 'you are not invited to this meeting');
    return { meeting, invited };
  }

  /** Ongoing meetings the user may join (invitation catch-up and GET /api/meetings/active). */
  async activeFor(userId: string): Promise<Meeting[]> {
    const models = await this.deps.repo.activeFor(userId, this.deps.activeMeetingsLimit ?? 50);
    return Promise.all(models.map(async (model) => toMeeting(model, await this.deps.rooms.getMeta(model.id))));
  }

  /** `stop_meeting`: host only. Stopping an ended meeting is a no-op. */
  async stop(user: User, meetingId: string): Promise<void> {
    const meeting = await this.deps.repo.find(meetingId);
    if (!meeting) throw new AppError('not_found', 'no such meeting', 'meetingId');
    const room = await this.deps.rooms.getMeta(meeting.id);
    const hostId = room?.hostId ?? meeting.hostId;
    if (hostId !== user.id) throw new AppError('forbidden', 'only the host can stop the meeting');
    if (meeting.status !== 'active') return;
    await this.end(meeting.id, 'stopped');
  }

  /**
   * Ends a meeting: closes the room to joins, marks it ended (the one caller whose update wins
   * announces it: `meeting_ended` to the room, `meeting_invitation` inactive to the invited),
   * then empties the room. `ifEmptyDueAt`: only if the room is (still) empty and due then.
   * Returns whether this call ended it.
   */
  async end(meetingId: string, reason: MeetingEndReason, ifEmptyDueAt?: number): Promise<boolean> {
    const { repo, rooms, notifier, localPeers } = this.deps;
    const closing = await rooms.beginClose(meetingId, ifEmptyDueAt, Date.now() + CLOSE_RETRY_MS);
    if (closing !== 'closing') return false;
    const ended = await repo.end(meetingId, reason);
    if (ended) {
      notifier.ended(meetingId, reason);
      notifier.invitation(await repo.invitedUserIds(meetingId), toMeeting(ended), 'inactive');
      this.deps.metrics.ended.inc({ reason });
      this.deps.logger.info({ meetingId, reason }, 'meeting ended');
    }
    notifier.emptyRoom(meetingId);
    localPeers.forgetMeeting(meetingId);
    await rooms.deleteRoom(meetingId);
    this.deps.events?.emit('ended', meetingId);
    return Boolean(ended);
  }

  /**
   * Gives active meetings that have no room state (lost Redis data, a restarted single
   * instance) a room again, so that they can be joined, and end once nobody comes.
   */
  async adoptOrphans(): Promise<number> {
    const { repo, rooms, settings } = this.deps;
    let adopted = 0;
    for (const meeting of await repo.allActive(10_000)) {
      if (await rooms.getMeta(meeting.id)) continue;
      const created = await rooms.createRoom(
        meeting.id,
        { hostId: meeting.hostId, mode: meeting.mode },
        Date.now() + settings.emptyMeetingMs,
      );
      if (created) adopted++;
    }
    return adopted;
  }
}
