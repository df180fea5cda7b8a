import { Model, snakeCaseMappers } from 'objection';

/** One direction of a mutual contact; adding a contact writes both directions. */
export class ContactModel extends Model {
  static override tableName = 'contacts';
  static override idColumn = ['user_id', 'contact_id'];
  static override get columnNameMappers() {
    return snakeCaseMappers();
  }

  declare userId: string;
  declare contactId: string;
  declare conversationId: string;
  declare createdAt: Date;
}
