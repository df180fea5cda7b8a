import { SnakeCaseModel } from '../store/SnakeCaseModel.js';
import type { User } from '@parley/protocol';

/** Table `users` (migrations/001_users.mjs); camelCase in code, snake_case in the database. */
export class UserModel extends SnakeCaseModel {
  static override tableName = 'users';

  id!: string;
  username!: string;
  displayName!: string;
  passwordHash!: string;
  createdAt!: Date;

  /** The public wire shape `{id, username, displayName}`. */
  toUser(): User {
    return { id: this.id, username: this.username, displayName: this.displayName };
  }
}
