import { SignJWT, jwtVerify } from 'jose';

const ALGORITHM = 'HS256';

/** What a valid session token says. */
export interface TokenClaims {
  userId: string;
  /** The session row (`jti`): revoked by logout or "log out everywhere". */
  sessionId: string;
  /** Unix time in ms after which the token is refused. */
  expiresAt: number;
}

/**
 * Session tokens: HS256 JWTs whose `sub` is the user id and `jti` the session id. Only HS256
 * with this key verifies (`alg: none`, HS512 or another key are refused by jose).
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  get ttl(): number {
    return this.ttlSeconds;
  }

  /** A token for `sessionId`, valid until `expiresAt` (ms; whole seconds in the token). */
  sign(userId: string, sessionId: string, expiresAt: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(userId)
      .setJti(sessionId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
  }

  /** The claims of a valid, unexpired token with a session id; null for anything else. */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM] });
      const { sub, jti, exp } = payload;
      if (typeof sub !== 'string' || sub.length === 0 || typeof jti !== 'string' || jti.length === 0) return null;
      if (typeof exp !== 'number') return null;
      return { userId: sub, sessionId: jti, expiresAt: exp * 1000 };
    } catch {
      return null;
    }
  }
}
