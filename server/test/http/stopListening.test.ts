import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { stopListening } from '../../src/http/stopListening.js';

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets) socket.destroy();
  server?.closeAllConnections();
});

async function listening(): Promise<{ server: Server; port: number }> {
  const created = createServer((_req, res) => res.end('ok'));
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', () => resolve()));
  return { server: created, port: (created.address() as { port: number }).port };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    sockets.push(socket);
    socket.once('error', reject);
  });
}

function request(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
  });
}

describe('stopListening', () => {
  it('refuses new connections at once while an open one goes on', async () => {
    const { server: http, port } = await listening();
    const kept = await open(port);
    stopListening(http);
    expect(http.listening).toBe(false);
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await request(kept)).toContain('200 OK');
  });

  it('calls back a later close() once the open connections are gone, even after the server closed', async () => {
    const { server: http, port } = await listening();
    const kept = await open(port);
    stopListening(http);
    let calledBack = 0;
    http.close(() => calledBack++);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calledBack).toBe(0);
    kept.destroy();
    await new Promise((resolve) => http.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calledBack).toBe(1);
    // A close() after the 'close' event (where Node's own would never call back).
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
});
