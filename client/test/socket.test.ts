/**
 * The socket client against a real in-process Socket.io server: acknowledgements become
 * promises, `{ok: false}` and silence become ApiError, and the connection state follows the
 * handshake (including a refused one).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/ApiError.js';
import { createSocketClient, type SocketClient } from '../src/api/socket.js';

const meeting = {
  id: 'm1',
  title: 'standup',
  hostId: 'u1',
  access: 'invited',
  status: 'active',
  mode: 'mesh',
  createdAt: '2026-01-01T00:00:00.000Z',
};
let httpServer: HttpServer;
let io: Server;
let url: string;
const clients: SocketClient[] = [];

beforeAll(async () => {
  httpServer = createServer();
  io = new Server(httpServer);
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: string };
    next(auth.token === 'bad' ? new Error('unauthorized') : undefined);
  });
  io.on('connection', (socket) => {
    socket.on('start_meeting', (payload: unknown, ack: (answer: unknown) => void) => {
      if ((payload as { title?: string }).title === 'partial') {
        ack({ ok: true, meeting: { id: 'm1', title: 'partial' } });
      } else if ((payload as { title?: string }).title === 'forbidden') {
        ack({ ok: false, error: { code: 'forbidden', message: 'not allowed' } });
      } else {
        ack({ ok: true, meeting: { ...meeting, title: (payload as { title?: string }).title } });
      }
    });
    socket.on('typing', () => {
      // never acknowledged: the client must time out
    });
    socket.on('leave_meeting', (_payload: unknown, ack: (answer: unknown) => void) => ack('garbage'));
    socket.on('get_room_info', () => socket.emit('meeting_mode', { meetingId: 'm1', mode: 'sfu' }));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await io.close();
});

function connect(options: Parameters<typeof createSocketClient>[0] = {}): SocketClient {
  const client = createSocketClient({ url, ...options });
  clients.push(client);
  return client;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createSocketClient', () => {
  it('connects and resolves requests with the ack minus `ok`', async () => {
    const client = connect();
    expect(client.state()).toBe('connecting');
    await until(() => client.state() === 'connected');
    await expect(client.request('start_meeting', { title: 'standup' })).resolves.toEqual({ meeting });
  });

  it('rejects an ack whose body does not fit the contract with internal', async () => {
    const client = connect();
    const error = await client.request('start_meeting', { title: 'partial' }).catch((e: unknown) => e);
    expect((error as ApiError).code).toBe('internal');
    expect((error as ApiError).message).toContain('Malformed answer to "start_meeting"');
  });

  it('rejects with ApiError for {ok: false}, keeping code and HTTP-equivalent status', async () => {
    const client = connect();
    const error = await client.request('start_meeting', { title: 'forbidden' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect([(error as ApiError).code, (error as ApiError).status, (error as ApiError).message]).toEqual([
      'forbidden',
      403,
      'not allowed',
    ]);
  });

  it('rejects with timeout when no ack comes, and with internal for a malformed ack', async () => {
    const client = connect();
    const started = Date.now();
    const timedOut = await client
      .request('typing', { conversationId: 'c', isTyping: true }, { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect((timedOut as ApiError).code).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    const malformed = await client.request('leave_meeting', { meetingId: 'm1' }).catch((e: unknown) => e);
    expect((malformed as ApiError).code).toBe('internal');
  });

  it('delivers server pushes to `on` until unsubscribed', async () => {
    const client = connect();
    await until(() => client.state() === 'connected');
    const modes: string[] = [];
    const stop = client.on('meeting_mode', (event) => modes.push(event.mode));
    client.raw.emit('get_room_info', { meetingId: 'm1' }, () => undefined);
    await until(() => modes.length === 1);
    stop();
    client.raw.emit('get_room_info', { meetingId: 'm1' }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(modes).toEqual(['sfu']);
  });

  it('reports a refused handshake as unauthorized and tells the caller', async () => {
    let told = 0;
    const client = connect({ onUnauthorized: () => told++ });
    client.raw.auth = { token: 'bad' };
    client.raw.disconnect().connect();
    await until(() => client.state() === 'unauthorized');
    expect(told).toBe(1);
  });

  it('goes to disconnected on close', async () => {
    const client = connect();
    await until(() => client.state() === 'connected');
    client.close();
    expect(client.state()).toBe('disconnected');
    expect(client.raw.connected).toBe(false);
  });
});
