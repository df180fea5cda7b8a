import { Model, snakeCaseMappers } from 'objection';
import type { MeetingAccess, MeetingEndReason, MeetingMode, MeetingStatus } from '@parley/protocol';

/** Table `meetings` (migrations/003_meetings.mjs). */
export class MeetingModel extends Model {
  static override tableName = 'meetings';
  static override get columnNameMappers() {
    return snakeCaseMappers();
  }

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
