import type { User } from '@parley/protocol';
import type { Knex } from 'knex';
import { isUuid, toUser, type UserRow } from './wire.js';

export const USER_SEARCH_LIMIT = 20;

const USER_COLUMNS: string[] = ['id', 'username', 'display_name'];

/** Finding users to talk to: username prefix search and lookups by id. */
export class UserDirectory {
  constructor(private readonly db: Knex) {}

  /** Users whose username starts with `query` (case-insensitive), the caller excluded. */
  async search(callerId: string, query: string): Promise<User[]> {
    const prefix = query
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await this.db('users')
      .select<UserRow[]>(USER_COLUMNS)
      .whereRaw(`username LIKE ? ESCAPE '\\'`, [`${prefix}%`])
      .andWhereNot('id', callerId)
      .orderByRaw('username COLLATE "C"')
      .limit(USER_SEARCH_LIMIT);
    return rows.map(toUser);
  }

  /** The users among `ids` that exist, by id. */
  async findByIds(ids: readonly string[]): Promise<Map<string, User>> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return new Map();
    const rows = await this.db('users').select<UserRow[]>(USER_COLUMNS).whereIn('id', valid);
    return new Map(rows.map((row) => [row.id, toUser(row)]));
  }
}
