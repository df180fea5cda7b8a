import { createHmac } from 'node:crypto';

export interface TurnCredential {
  /** `<expiry-unix-seconds>:<userId>` */
  username: string;
  /** base64(HMAC-SHA1(secret, username)) */
  credential: string;
  /** Unix time (seconds) after which coturn refuses the credential. */
  expiresAt: number;
}

/**
 * A time-limited TURN credential in the format of the TURN REST API ("use-auth-secret" in
 * coturn): coturn recomputes the HMAC with the same shared secret and checks the expiry.
 */
export function turnCredential(secret: string, userId: string, ttlSeconds: number, nowMs = Date.now()): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}
