import { randomUUID } from 'node:crypto';
import type { User } from '@parley/protocol';
import type { Knex } from 'knex';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SessionRow {
  id: string;
  userId: string;
  expiresAt: number;
}

/** Table `sessions` (migrations/004_sessions.mjs): one row per login, revoked by logout. */
export class SessionRepository {
  constructor(private readonly db: Knex) {}

  async create(userId: string, ttlSeconds: number, now = Date.now()): Promise<SessionRow> {
    // Whole seconds, as in the token.
    const expiresAt = (Math.floor(now / 1000) + ttlSeconds) * 1000;
    const id = randomUUID();
    await this.db('sessions').insert({ id, user_id: userId, expires_at: new Date(expiresAt) });
    return { id, userId, expiresAt };
  }

  /**
   * The user of a live session (not revoked, not expired) in one query: the one that used to
   * read the user alone, joined with its session row.
   */
  async liveUser(sessionId: string, userId: string): Promise<User | null> {
    if (!UUID.test(sessionId) || !UUID.test(userId)) return null;
    const row = await this.db('sessions as s')
      .join('users as u', 'u.id', 's.user_id')
      .where('s.id', sessionId)
      .andWhere('u.id', userId)
      .whereNull('s.revoked_at')
      .andWhere('s.expires_at', '>', this.db.fn.now())
      .first<{ id: string; username: string; display_name: string } | undefined>(
        'u.id',
        'u.username',
        'u.display_name',
      );
    return row ? { id: row.id, username: row.username, displayName: row.display_name } : null;
  }

  /** Revokes one session (logout); false when it was unknown or already revoked. */
  async revoke(sessionId: string): Promise<boolean> {
    if (!UUID.test(sessionId)) return false;
    const count = await this.db('sessions')
      .where('id', sessionId)
      .whereNull('revoked_at')
      .update({ revoked_at: this.db.fn.now() });
    return count > 0;
  }

  /** Revokes every live session of a user ("log out everywhere"); returns how many. */
  async revokeAll(userId: string): Promise<number> {
    return this.db('sessions')
      .where('user_id', userId)
      .whereNull('revoked_at')
      .update({ revoked_at: this.db.fn.now() });
  }

  /** Deletes sessions that expired over a day ago (revoked ones go when they would have expired). */
  async deleteExpired(): Promise<number> {
    return this.db('sessions')
      .where('expires_at', '<', new Date(Date.now() - 86_400_000))
      .delete();
  }
}
