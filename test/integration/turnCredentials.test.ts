import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildIceServers } from '../../server/src/ice/iceServers.js';
import { turnCredential } from '../../server/src/ice/turnCredentials.js';

// Pure logic: the TURN REST API credential format coturn's use-auth-secret checks.
describe('TURN REST credentials', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);

  it('username is <expiry>:<userId> and credential is base64(HMAC-SHA1(secret, username))', () => {
    const cred = turnCredential('s3cret', 'user-1', 3600, now);
    const expiry = now / 1000 + 3600;
    expect(cred.username).toBe(`${expiry}:user-1`);
    expect(cred.expiresAt).toBe(expiry);
    const expected = createHmac('sha1', 's3cret').update(`${expiry}:user-1`).digest('base64');
    expect(cred.credential).toBe(expected);
    // A known vector, from `printf 1700000000:alice | openssl dgst -sha1 -hmac secret -binary | base64`.
    expect(turnCredential('secret', 'alice', 0, 1_700_000_000_000).credential).toBe('d8soP47RbdIKLDUOpnJPVQyq5Ts=');
  });

  it('lists STUN without credentials and TURN with them', () => {
    const servers = buildIceServers(
      {
        stunUrls: ['stun:stun.example.org:3478'],
        turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349', 'stun:turn.example.org'],
        turnSecret: 'k',
        turnTtlSeconds: 600,
      },
      'u1',
      now,
    );
    expect(servers).toHaveLength(2);
    expect(servers[0]).toEqual({ urls: ['stun:stun.example.org:3478', 'stun:turn.example.org'] });
    const turn = servers[1]!;
    expect(turn.urls).toEqual(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349']);
    expect(turn.username).toBe(`${now / 1000 + 600}:u1`);
    expect(turn.credential).toBe(createHmac('sha1', 'k').update(turn.username!).digest('base64'));
  });

  it('has no TURN entry without a secret, and nothing at all without URLs', () => {
    const noSecret = buildIceServers(
      { stunUrls: [], turnUrls: ['turn:t.example.org'], turnSecret: undefined, turnTtlSeconds: 600 },
      'u1',
      now,
    );
    expect(noSecret).toEqual([]);
    expect(buildIceServers({ stunUrls: [], turnUrls: [], turnSecret: 'k', turnTtlSeconds: 600 }, 'u1', now)).toEqual(
      [],
    );
  });
});
