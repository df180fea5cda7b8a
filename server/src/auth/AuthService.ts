import { randomUUID } from 'node:crypto';
import type { LoginBody, RegisterBody, User } from '@parley/protocol';
import type { Knex } from 'knex';
import { AppError } from '../appError.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import type { TokenService } from './tokens.js';
import { UserModel } from './UserModel.js';

export interface Session {
  user: User;
  token: string;
}

const UNIQUE_VIOLATION = '23505';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; nativeError?: { code?: unknown } };
  return e?.code === UNIQUE_VIOLATION || e?.nativeError?.code === UNIQUE_VIOLATION;
}

/** Accounts and sessions: register, login, and token → user. */
export class AuthService {
  constructor(
    private readonly db: Knex,
    readonly tokens: TokenService,
  ) {}

  /** 409 `conflict` when the username is taken. */
  async register(input: RegisterBody): Promise<Session> {
    const taken = await UserModel.query(this.db).select('id').findOne({ username: input.username });
    if (taken) throw new AppError('conflict', 'username is already taken', 'username');
    const passwordHash = await hashPassword(input.password);
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
    return { user: user.toUser(), token: await this.tokens.sign(user.id) };
  }

  /** 401 `unauthorized` on an unknown user or a wrong password (same message for both). */
  async login(input: LoginBody): Promise<Session> {
    const user = await this.findByUsername(input.username);
    const valid = user
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDummy(input.password);
    if (!user || !valid) throw new AppError('unauthorized', 'invalid username or password');
    return { user: user.toUser(), token: await this.tokens.sign(user.id) };
  }

  /** The user a session token belongs to; null when the token is invalid or the user is gone. */
  async userFromToken(token: string | null | undefined): Promise<User | null> {
    if (!token) return null;
    const userId = await this.tokens.verify(token);
    if (!userId) return null;
    return this.findUserById(userId);
  }

  async findUserById(id: string): Promise<User | null> {
    if (!UUID.test(id)) return null;
    const user = await UserModel.query(this.db).findById(id);
    return user ? user.toUser() : null;
  }

  private async findByUsername(username: string): Promise<UserModel | undefined> {
    return UserModel.query(this.db).findOne({ username: username.trim().toLowerCase() });
  }
}
