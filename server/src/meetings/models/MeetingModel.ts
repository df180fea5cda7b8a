import { SnakeCaseModel } from '../../store/SnakeCaseModel.js';
import type { MeetingAccess, MeetingEndReason, MeetingMode, MeetingStatus } from '@parley/protocol';

/** Table `meetings` (migrations/003_meetings.mjs). */
export class MeetingModel extends SnakeCaseModel {
  static override tableName = 'meetings';

  declare id: string;
  declare title: string;
  declare hostId: string;
  declare conversationId: string | null;
  declare access: MeetingAccess;
  declare status: MeetingStatus;
  declare mode: MeetingMode;
  declare endReason: MeetingEndReason | null;
  declare createdAt: Date;
  declare endedAt: Date | null;
}
