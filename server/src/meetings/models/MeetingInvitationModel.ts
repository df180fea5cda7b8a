import { SnakeCaseModel } from '../../store/SnakeCaseModel.js';

/**
 * Table `meeting_invitations`: who may join a meeting and gets its invitations
 * (host, invitees, and guests who joined a link meeting).
 */
export type InvitationRole = 'host' | 'invitee' | 'guest';

export class MeetingInvitationModel extends SnakeCaseModel {
  static override tableName = 'meeting_invitations';
  static override get idColumn() {
    return ['meeting_id', 'user_id'];
  }

  declare meetingId: string;
  declare userId: string;
  declare role: InvitationRole;
  declare createdAt: Date;
}
