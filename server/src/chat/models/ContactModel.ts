import { SnakeCaseModel } from '../../store/SnakeCaseModel.js';

/** One direction of a mutual contact; adding a contact writes both directions. */
export class ContactModel extends SnakeCaseModel {
  static override tableName = 'contacts';
  static override idColumn = ['user_id', 'contact_id'];

  declare userId: string;
  declare contactId: string;
  declare conversationId: string;
  declare createdAt: Date;
}
