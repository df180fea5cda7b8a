import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { buildServer, startServerProcess, type ServerProcess } from '../../test/support/serverProcess.js';
import {
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  TEST_REDIS_URL,
  withPostgresAdmin,
} from '../../test/support/testDatabase.js';
import { cpuProfSetup, type Target, type TargetOptions } from './fleet.js';
import type { Topology } from './topology.js';

/** Lets the benchmark run a full GC in the servers before it reads their RSS. */
export const GC_HOOK = fileURLToPath(new URL('./gcOnSignal.cjs', import.meta.url));

/** The parts of the HTTP API's answers the benchmark reads. */
const Session = z.object({ token: z.string(), user: z.object({ id: z.string() }) });
const MeetingCreated = z.object({ meeting: z.object({ id: z.string(), conversationId: z.string() }) });
const ContactAdded = z.object({ contact: z.object({ conversationId: z.string() }) });
const ConversationCreated = z.object({ conversation: z.object({ id: z.string() }) });

async function post<T>(base: string, path: string, body: unknown, answer: z.ZodType<T>, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(json)}`);
  return answer.parse(json);
}

/** Backend processes connected to one database (the servers' pool connections). */
function databasePids(name: string): Promise<number[]> {
  return withPostgresAdmin(async (client) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
    return rows.map((row) => row.pid);
  });
}

/**
 * `synchronous_commit = off` for every later session on one database: a commit returns before
 * its WAL is flushed (a crash may lose the last few hundred ms of acknowledged messages; the
 * database stays consistent). What an operator could choose per database or role.
 */
function setAsyncCommit(name: string): Promise<void> {
  return withPostgresAdmin(async (client) => {
    await client.query(`ALTER DATABASE "${name.replace(/"/g, '""')}" SET synchronous_commit = off`);
  });
}

async function inBatches<T>(count: number, concurrency: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/**
 * The meeting-chat case: user 0 starts a link meeting; every socket joins it once connected
 * (the join makes its user a member of the meeting's conversation), so each message of the
 * meeting's chat reaches every socket.
 */
async function meetingTarget(
  servers: ServerProcess[],
  databaseName: string,
  tokens: string[],
  stop: () => Promise<void>,
): Promise<Target> {
  const [a, b] = servers.map((s) => s.url) as [string, string];
  const { meeting } = await post(
    a,
    '/api/meetings',
    { title: 'bench meeting', access: 'link' },
    MeetingCreated,
    tokens[0],
  );
  return {
    name: 'parley',
    urls: [a, b],
    pids: servers.map((s) => s.pid),
    databasePids: () => databasePids(databaseName),
    auth: (user) => ({ token: tokens[user]! }),
    conversationIds: [meeting.conversationId],
    afterConnect: (socket) =>
      new Promise((resolve, reject) => {
        socket.emit('join_meeting', { meetingId: meeting.id }, (response) => {
          const ack = response as { ok?: boolean; error?: unknown };
          if (ack?.ok) resolve();
          else reject(new Error(`join_meeting: ${JSON.stringify(ack)}`));
        });
      }),
    stop,
  };
}

/**
 * Two Parley instances (separate processes) on a fresh PostgreSQL database and a fresh Redis
 * prefix, with the topology's users registered and their conversations created over HTTP.
 */
export async function startParleyTarget(topology: Topology, options: TargetOptions): Promise<Target> {
  buildServer();
  const database = await createTestDatabase('bench_chat');
  if (options.asyncCommit) await setAsyncCommit(database.name);
  const prefix = freshRedisPrefix('bench-chat');
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    // The bench measures the chat path's capacity: a few senders go far past the per-event
    // limits of one user (5 messages/s), so they are raised; the limiter's own cost is still paid.
    EVENT_RATE_SCALE: process.env.EVENT_RATE_SCALE ?? '10000',
    // The meeting case: no media node, so the room stays in mesh mode whatever its size; and it
    // must not end while the warm-up sockets are away.
    EMPTY_MEETING_MS: '600000',
    // More users than one IP may register per hour by default (the meeting case has 300).
    REGISTER_RATE_LIMIT: '100000',
    // Passed through for experiments (README's configuration table).
    ...(process.env.CHAT_WRITE_CONCURRENCY ? { CHAT_WRITE_CONCURRENCY: process.env.CHAT_WRITE_CONCURRENCY } : {}),
    ...(process.env.CHAT_WRITE_QUEUE ? { CHAT_WRITE_QUEUE: process.env.CHAT_WRITE_QUEUE } : {}),
  };
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await database.drop();
    await clearRedisPrefix(prefix);
  };
  try {
    for (const [i, port] of options.ports.entries()) {
      const name = `bench-chat-${'ab'[i]}`;
      const profile = cpuProfSetup(options.cpuProfDir, `parley-${'ab'[i]}`);
      const nodeOptions = ['--require', GC_HOOK, ...profile.args].join(' ');
      servers.push(
        await startServerProcess({ env: { ...env, ...profile.env, NODE_OPTIONS: nodeOptions }, port, name }),
      );
    }
    const [a, b] = servers.map((s) => s.url) as [string, string];
    const sessions = await inBatches(topology.users, 4, (u) =>
      post(u % 2 ? b : a, '/api/auth/register', { username: `bench_u${u}`, password: 'benchmark-password' }, Session),
    );
    const tokens: string[] = sessions.map((s) => s.token);
    const ids: string[] = sessions.map((s) => s.user.id);
    if (options.meeting) return await meetingTarget(servers, database.name, tokens, stop);
    const conversationIds = await inBatches(topology.groups.length, 4, async (g) => {
      const [owner, ...others] = topology.groups[g]!;
      if (others.length === 1) {
        const { contact } = await post(a, '/api/contacts', { userId: ids[others[0]!] }, ContactAdded, tokens[owner!]);
        return contact.conversationId;
      }
      const body = { title: `bench group ${g}`, memberIds: others.map((u) => ids[u]) };
      const { conversation } = await post(b, '/api/conversations', body, ConversationCreated, tokens[owner!]);
      return conversation.id;
    });
    return {
      name: 'parley',
      urls: [a, b],
      pids: servers.map((s) => s.pid),
      databasePids: () => databasePids(database.name),
      auth: (user) => ({ token: tokens[user]! }),
      conversationIds,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
