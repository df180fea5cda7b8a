import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LoginBody, RegisterBody, User } from '@parley/protocol';
import type { Knex } from 'knex';
import { AppError } from '../appError.js';
import type { HashGate } from './hashGate.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { SessionRepository } from './SessionRepository.js';
import type { TokenService } from './tokens.js';
import { UserModel } from './UserModel.js';

export interface Session {
  user: User;
  token: string;
}

/** A request or socket authenticated by a live session. */
export interface Authenticated {
  user: User;
  sessionId: string;
  /** Unix ms when the token (and its session) expires. */
  expiresAt: number;
}

/** Sessions that stopped being valid: one (`sessionId`, a logout) or all of a user's. */
export type Revocation = { sessionId: string; userId: string } | { userId: string; all: true };

const UNIQUE_VIOLATION = '23505';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; nativeError?: { code?: unknown } };
  return e?.code === UNIQUE_VIOLATION || e?.nativeError?.code === UNIQUE_VIOLATION;
}

/**
 * Accounts and sessions: register, login, token → user, logout and "log out everywhere". Every
 * token names a session row; a token works only while that row is live, so revoking it (or all
 * of a user's) ends the token at once on every instance (the row is in the shared database).
 * Listeners of `onRevoked` cut the open sockets of revoked sessions.
 */
export class AuthService {
  private readonly sessions: SessionRepository;
  private readonly revocations = new EventEmitter<{ revoked: [Revocation] }>();

  constructor(
    private readonly db: Knex,
    readonly tokens: TokenService,
    private readonly hashGate: HashGate,
  ) {
    this.sessions = new SessionRepository(db);
  }

  /** 409 `conflict` when the username is taken; 503 when too many passwords are being hashed. */
  async register(input: RegisterBody): Promise<Session> {
    const taken = await UserModel.query(this.db).select('id').findOne({ username: input.username });
    if (taken) throw new AppError('conflict', 'username is already taken', 'username');
    const passwordHash = await this.hashGate.run(() => hashPassword(input.password));
    let user: UserModel;
    try {
      user = await UserModel.query(this.db).insertAndFetch({
        id: randomUUID(),
        username: input.username,
        displayName: input.displayName ?? input.username,
        passwordHash,
      });
    } catch (error) {
      // Two registrations of one name raced past the check above.
      if (isUniqueViolation(error)) throw new AppError('conflict', 'username is already taken', 'username');
      throw error;
    }
    return this.newSession(user.toUser());
  }

  /**
   * 401 `unauthorized` on an unknown user or a wrong password (same message for both); 503 when
   * too many passwords are being checked. A hash made with older parameters is replaced by one
   * at today's (passwords.ts) in the same slot of the argon2 gate.
   */
  async login(input: LoginBody): Promise<Session> {
    const user = await this.findByUsername(input.username);
    const checked = await this.hashGate.run(async () => {
      if (!user) return { valid: await verifyAgainstDummy(input.password), newHash: null };
      const valid = await verifyPassword(user.passwordHash, input.password);
      const newHash = valid && needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
      return { valid, newHash };
    });
    if (!user || !checked.valid) throw new AppError('unauthorized', 'invalid username or password');
    if (checked.newHash) {
      // Only over the hash that was checked: a password changed meanwhile is not overwritten.
      await UserModel.query(this.db)
        .patch({ passwordHash: checked.newHash })
        .where({ id: user.id, password_hash: user.passwordHash });
    }
    return this.newSession(user.toUser());
  }

  /** The user and session of a valid token whose session is live; null otherwise. */
  async authenticate(token: string | null | undefined): Promise<Authenticated | null> {
    if (!token) return null;
    const claims = await this.tokens.verify(token);
    if (!claims) return null;
    const user = await this.sessions.liveUser(claims.sessionId, claims.userId);
    return user ? { user, sessionId: claims.sessionId, expiresAt: claims.expiresAt } : null;
  }

  /** The user a session token belongs to; null when the token or its session is not valid. */
  async userFromToken(token: string | null | undefined): Promise<User | null> {
    return (await this.authenticate(token))?.user ?? null;
  }

  /** Whether a session is still live (a socket re-checks after it joined its rooms). */
  async isLive(userId: string, sessionId: string): Promise<boolean> {
    return (await this.sessions.liveUser(sessionId, userId)) !== null;
  }

  /**
   * Logout: revokes the session of `token` if the token is genuine (even once expired, so a
   * stolen copy cannot come back); a forged or unknown token changes nothing.
   */
  async logout(token: string | null | undefined): Promise<void> {
    if (!token) return;
    const claims = await this.tokens.verify(token);
    if (!claims) return;
    if (await this.sessions.revoke(claims.sessionId)) {
      this.revocations.emit('revoked', { sessionId: claims.sessionId, userId: claims.userId });
    }
  }

  /** "Log out everywhere": every session of the user ends, this one included. */
  async logoutEverywhere(userId: string): Promise<number> {
    const count = await this.sessions.revokeAll(userId);
    this.revocations.emit('revoked', { userId, all: true });
    return count;
  }

  /** Called after each revocation (on the instance that revoked). */
  onRevoked(listener: (revocation: Revocation) => void): () => void {
    this.revocations.on('revoked', listener);
    return () => this.revocations.off('revoked', listener);
  }

  /** Removes long-expired session rows. */
  deleteExpiredSessions(): Promise<number> {
    return this.sessions.deleteExpired();
  }

  async findUserById(id: string): Promise<User | null> {
    if (!UUID.test(id)) return null;
    const user = await UserModel.query(this.db).findById(id);
    return user ? user.toUser() : null;
  }

  private async newSession(user: User): Promise<Session> {
    const session = await this.sessions.create(user.id, this.tokens.ttl);
    return { user, token: await this.tokens.sign(user.id, session.id, session.expiresAt) };
  }

  private async findByUsername(username: string): Promise<UserModel | undefined> {
    return UserModel.query(this.db).findOne({ username: username.trim().toLowerCase() });
  }
}
