import type { MeetingAccess, MeetingEndReason, MeetingMode } from '@parley/protocol';
import type { Knex } from 'knex';
import { MeetingInvitationModel } from './models/MeetingInvitationModel.js';
import { MeetingModel } from './models/MeetingModel.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Meeting ids are uuids; anything else names no meeting (and must not reach SQL). */
export const isMeetingId = (value: string): boolean => UUID.test(value);

export interface NewMeeting {
  id: string;
  title: string;
  hostId: string;
  conversationId: string | null;
  access: MeetingAccess;
}

/** Meetings and their invitations in PostgreSQL (or PGlite). */
export class MeetingRepository {
  constructor(private readonly db: Knex) {}

  /** Inserts the meeting, the host's row and the invitees' rows in one transaction. */
  async create(meeting: NewMeeting, inviteeIds: readonly string[]): Promise<MeetingModel> {
    return this.db.transaction(async (trx) => {
      const created = await MeetingModel.query(trx).insertAndFetch({ ...meeting, status: 'active', mode: 'mesh' });
      const rows = [
        { meetingId: meeting.id, userId: meeting.hostId, role: 'host' as const },
        ...inviteeIds
          .filter((id) => id !== meeting.hostId)
          .map((userId) => ({ meetingId: meeting.id, userId, role: 'invitee' as const })),
      ];
      await MeetingInvitationModel.query(trx).insert(rows);
      return created;
    });
  }

  async find(meetingId: string): Promise<MeetingModel | undefined> {
    if (!isMeetingId(meetingId)) return undefined;
    return MeetingModel.query(this.db).findById(meetingId);
  }

  async isInvited(meetingId: string, userId: string): Promise<boolean> {
    const row = await this.db('meeting_invitations')
      .where({ meeting_id: meetingId, user_id: userId })
      .first<{ user_id: string } | undefined>('user_id');
    return row !== undefined;
  }

  /** Records a user who joined a link meeting, so that catch-up and the end notice reach them. */
  async addGuest(meetingId: string, userId: string): Promise<void> {
    await this.db('meeting_invitations')
      .insert({ meeting_id: meetingId, user_id: userId, role: 'guest' })
      .onConflict(['meeting_id', 'user_id'])
      .ignore();
  }

  /** Invites users to a meeting (again); existing rows stay as they are. */
  async invite(meetingId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db('meeting_invitations')
      .insert(userIds.map((userId) => ({ meeting_id: meetingId, user_id: userId, role: 'invitee' })))
      .onConflict(['meeting_id', 'user_id'])
      .ignore();
  }

  /** The `limit` most recent ongoing meetings the user may join (host, invitee or guest), oldest first. */
  async activeFor(userId: string, limit: number): Promise<MeetingModel[]> {
    const newest = await MeetingModel.query(this.db)
      .select('meetings.*')
      .join('meeting_invitations as i', 'i.meeting_id', 'meetings.id')
      .where('i.user_id', userId)
      .andWhere('meetings.status', 'active')
      .orderBy('meetings.created_at', 'desc')
      .orderBy('meetings.id', 'desc')
      .limit(limit);
    return newest.reverse();
  }

  /** Everyone with an invitation row (the host included). */
  async invitedUserIds(meetingId: string): Promise<string[]> {
    return this.db('meeting_invitations').where('meeting_id', meetingId).pluck<string[]>('user_id');
  }

  /** Ends an active meeting; undefined when it had already ended (so only one caller announces it). */
  async end(meetingId: string, reason: MeetingEndReason): Promise<MeetingModel | undefined> {
    const [row] = await MeetingModel.query(this.db)
      .patch({ status: 'ended', endReason: reason, endedAt: new Date() })
      .where({ id: meetingId, status: 'active' })
      .returning('*');
    return row;
  }

  async setHost(meetingId: string, hostId: string): Promise<void> {
    await MeetingModel.query(this.db).patch({ hostId }).where({ id: meetingId, status: 'active' });
  }

  async setMode(meetingId: string, mode: MeetingMode): Promise<void> {
    await MeetingModel.query(this.db).patch({ mode }).where({ id: meetingId, status: 'active' });
  }

  /** Every active meeting (for rebuilding lost room state). */
  async allActive(limit: number): Promise<MeetingModel[]> {
    return MeetingModel.query(this.db).where('status', 'active').orderBy('created_at').limit(limit);
  }
}
