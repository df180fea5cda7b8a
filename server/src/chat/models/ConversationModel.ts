import { Model, type RelationMappings } from 'objection';
import { SnakeCaseModel } from '../../store/SnakeCaseModel.js';
import type { ConversationKind } from '@parley/protocol';
import { ConversationMemberModel } from './ConversationMemberModel.js';

/** A direct conversation (one per pair of users) or a titled group. */
export class ConversationModel extends SnakeCaseModel {
  static override tableName = 'conversations';

  declare id: string;
  declare kind: ConversationKind;
  declare title: string | null;
  /** Direct conversations only: the pair, ordered so (low, high) is unique. */
  declare directUserLow: string | null;
  declare directUserHigh: string | null;
  declare createdBy: string | null;
  declare createdAt: Date;
  declare members?: ConversationMemberModel[];

  static override get relationMappings(): RelationMappings {
    return {
      members: {
        relation: Model.HasManyRelation,
        modelClass: ConversationMemberModel,
        join: { from: 'conversations.id', to: 'conversation_members.conversation_id' },
      },
    };
  }
}
