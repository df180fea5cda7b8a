/**
 * HTTP hardening against real server processes: security headers on the page, the API and
 * errors (HSTS only in production), bounded lists (conversations, contacts, the catch-up of
 * ongoing meetings) and limits on creating groups, contacts and meeting invitations, each set
 * small here through its variable.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
} from '../support/serverProcess.js';
import {
  TEST_REDIS_URL,
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  type TestDatabase,
} from '../support/testDatabase.js';
import { request, uniqueName, type JsonResponse } from './_http.js';
import { sleep } from './chatSupport.js';
import { TestSocket, connectSocket } from './testSocket.js';

const PASSWORD = 'correct horse battery';
const redisPrefix = freshRedisPrefix('hardening');
let db: TestDatabase;
let server: ServerProcess;
let production: ServerProcess;
let clientDist: string;
const clients: TestSocket[] = [];

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('hardening');
  clientDist = mkdtempSync(join(tmpdir(), 'parley-dist-'));
  mkdirSync(join(clientDist, 'assets'));
  writeFileSync(join(clientDist, 'index.html'), '<!doctype html><title>Parley test client</title>');
  const common = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    CLIENT_DIST: clientDist,
  };
  [server, production] = await Promise.all([
    startServerProcess({
      name: 'hardening',
      env: {
        ...common,
        CONVERSATION_LIST_LIMIT: '2',
        CONTACT_LIST_LIMIT: '2',
        ACTIVE_MEETINGS_LIMIT: '2',
        GROUP_CREATE_RATE_LIMIT: '3',
        GROUP_MAX_MEMBERS: '3',
        CONTACT_ADD_RATE_LIMIT: '3',
        MEETING_MAX_INVITEES: '3',
        INVITATION_RATE_LIMIT: '5',
      },
    }),
    startServerProcess({
      name: 'hardening-prod',
      env: {
        ...common,
        NODE_ENV: 'production',
        JWT_SECRET: 'j'.repeat(32),
        MEDIA_SECRET: 'm'.repeat(16),
        PUBLIC_ORIGIN: 'https://chat.parley.test',
      },
    }),
  ]);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
  if (clientDist) rmSync(clientDist, { recursive: true, force: true });
});

interface Account {
  id: string;
  username: string;
  token: string;
}

async function account(prefix = 'hard'): Promise<Account> {
  const username = uniqueName(prefix);
  const res = await request<{ user: { id: string }; token: string }>(`${server.url}/api/auth/register`, {
    json: { username, password: PASSWORD },
  });
  expect(res.status).toBe(201);
  return { id: res.body.user.id, username, token: res.body.token };
}

function expectSecurityHeaders(res: JsonResponse, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    'media-src',
    'mediastream:',
  ]) {
    expect(csp, `${what}: ${directive}`).toContain(directive);
  }
  expect(csp, what).not.toContain('unsafe-inline');
  expect(csp, what).not.toContain('unsafe-eval');
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(res.headers.get('cross-origin-opener-policy'), what).toBe('same-origin');
  expect(res.headers.get('permissions-policy'), what).toContain('camera=(self)');
}

describe('security headers', () => {
  it('on the page, an API route, an error and /health; HSTS only in production', async () => {
    const page = await request(`${server.url}/`);
    expect(page.status).toBe(200);
    const someone = await account();
    const responses: Array<[string, JsonResponse]> = [
      ['GET /', page],
      ['GET /meet/:id', await request(`${server.url}/meet/abc`)],
      ['GET /api/me', await request(`${server.url}/api/me`, { token: someone.token })],
      ['401', await request(`${server.url}/api/me`)],
      ['404', await request(`${server.url}/api/nothing`)],
      ['GET /health', await request(`${server.url}/health`)],
    ];
    for (const [what, res] of responses) {
      expectSecurityHeaders(res, what);
      expect(res.headers.get('strict-transport-security'), what).toBeNull();
    }
    // The page's own WebSocket origin is allowed (CSP 'self' does not cover ws: in every browser).
    expect(page.headers.get('content-security-policy')).toContain(`ws://${new URL(server.url).host}`);

    const prod = await request(`${production.url}/`);
    expectSecurityHeaders(prod, 'production GET /');
    expect(prod.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(prod.headers.get('content-security-policy')).toContain('wss://chat.parley.test');
    expect(prod.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });
});

describe('bounded lists', () => {
  it('GET /api/conversations returns the most recently active ones, at most CONVERSATION_LIST_LIMIT', async () => {
    const [me, other] = await Promise.all([account(), account()]);
    const titles: string[] = [];
    for (const title of ['first', 'second']) {
      const res = await request(`${server.url}/api/conversations`, {
        json: { title, memberIds: [other.id] },
        token: me.token,
      });
      expect(res.status).toBe(201);
      titles.push(title);
    }
    // The third comes from someone else (the creator's hourly group budget is not the point).
    const third = await request(`${server.url}/api/conversations`, {
      json: { title: 'third', memberIds: [me.id] },
      token: other.token,
    });
    expect(third.status).toBe(201);
    const list = await request<{ conversations: Array<{ title: string }> }>(`${server.url}/api/conversations`, {
      token: me.token,
    });
    expect(list.body.conversations.map((c) => c.title)).toEqual(['third', 'second']);
    const one = await request<{ conversations: unknown[] }>(`${server.url}/api/conversations?limit=1`, {
      token: me.token,
    });
    expect(one.body.conversations).toHaveLength(1);
    const more = await request<{ conversations: unknown[] }>(`${server.url}/api/conversations?limit=50`, {
      token: me.token,
    });
    expect(more.body.conversations).toHaveLength(2);
  });

  it('GET /api/contacts pages by username, at most CONTACT_LIST_LIMIT per page', async () => {
    const me = await account();
    const others = await Promise.all([account('ca'), account('cb'), account('cc')]);
    for (const other of others) {
      // Contacts are mutual: each of them adds me (my own hourly budget stays untouched).
      const res = await request(`${server.url}/api/contacts`, { json: { userId: me.id }, token: other.token });
      expect(res.status).toBe(201);
    }
    const expected = others.map((o) => o.username).sort();
    type Page = { contacts: Array<{ user: { username: string } }> };
    const first = await request<Page>(`${server.url}/api/contacts`, { token: me.token });
    expect(first.body.contacts.map((c) => c.user.username)).toEqual(expected.slice(0, 2));
    const after = encodeURIComponent(expected[1]!);
    const second = await request<Page>(`${server.url}/api/contacts?after=${after}`, { token: me.token });
    expect(second.body.contacts.map((c) => c.user.username)).toEqual(expected.slice(2));
  });

  it('the catch-up on connect and GET /api/meetings/active name at most ACTIVE_MEETINGS_LIMIT meetings', async () => {
    const invitee = await account();
    const hosts = await Promise.all([account(), account(), account()]);
    const started: string[] = [];
    for (const host of hosts) {
      const res = await request<{ meeting: { id: string } }>(`${server.url}/api/meetings`, {
        json: { title: `m ${started.length}`, inviteeIds: [invitee.id] },
        token: host.token,
      });
      expect(res.status).toBe(201);
      started.push(res.body.meeting.id);
      await sleep(5); // distinct creation times
    }
    const active = await request<{ meetings: Array<{ id: string }> }>(`${server.url}/api/meetings/active`, {
      token: invitee.token,
    });
    expect(active.body.meetings.map((m) => m.id)).toEqual(started.slice(1));
    const client = await connectSocket(server.url, invitee.token);
    clients.push(client);
    await client.waitFor('meeting_invitation', (p: { meeting: { id: string } }) => p.meeting.id === started[2]);
    await client.ack('ping', {}); // everything sent on connect has arrived before the ack
    const caughtUp = client.all('meeting_invitation').map((p: { meeting: { id: string } }) => p.meeting.id);
    expect(caughtUp.sort()).toEqual(started.slice(1).sort());
  });
});

describe('creation limits', () => {
  it('groups: GROUP_MAX_MEMBERS per request, GROUP_CREATE_RATE_LIMIT per hour', async () => {
    const me = await account();
    const members = await Promise.all([account(), account(), account(), account()]);
    const tooMany = await request<{ error: { code: string; field: string } }>(`${server.url}/api/conversations`, {
      json: { title: 'crowd', memberIds: members.map((m) => m.id) },
      token: me.token,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'bad_request', field: 'memberIds' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(`${server.url}/api/conversations`, {
        json: { title: `g${i}`, memberIds: [members[0]?.id ?? ''] },
        token: me.token,
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('contacts: CONTACT_ADD_RATE_LIMIT per hour', async () => {
    const me = await account();
    const others = await Promise.all([account(), account(), account(), account()]);
    const statuses: number[] = [];
    for (const other of others) {
      statuses.push(
        (await request(`${server.url}/api/contacts`, { json: { userId: other.id }, token: me.token })).status,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('invitations: MEETING_MAX_INVITEES per meeting, INVITATION_RATE_LIMIT per hour (HTTP and socket)', async () => {
    const host = await account();
    const invitees = await Promise.all([account(), account(), account(), account()]);
    const ids = invitees.map((i) => i.id);
    const tooMany = await request<{ error: { code: string; field: string } }>(`${server.url}/api/meetings`, {
      json: { inviteeIds: ids },
      token: host.token,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'bad_request', field: 'inviteeIds' });
    const first = await request(`${server.url}/api/meetings`, {
      json: { inviteeIds: ids.slice(0, 3) },
      token: host.token,
    });
    expect(first.status).toBe(201);
    const client = await connectSocket(server.url, host.token);
    clients.push(client);
    // 3 + 3 invitations > INVITATION_RATE_LIMIT=5 in the hour.
    const refused = await client.ackRaw<{ ok: boolean; error?: { code: string } }>('start_meeting', {
      inviteeIds: ids.slice(1, 4),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // Refused invitations are given back: two more still fit.
    const fits = await client.ackRaw<{ ok: boolean }>('start_meeting', { inviteeIds: ids.slice(0, 2) });
    expect(fits.ok).toBe(true);
  });
});
