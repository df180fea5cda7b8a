import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  type MediaNodeProcess,
} from '../support/mediaNodeProcess.js';
import { buildServer, startServerProcess, stopAllServerProcesses } from '../support/serverProcess.js';

/**
 * Test ports sit in Linux's ephemeral range, where any process's outgoing connection may hold one
 * when a test asks for it (a landing CI once failed on `EADDRINUSE 127.0.0.1:57030`). The test
 * support moves a server or media node to another port then, and tests read `url` instead of
 * the port they asked for.
 */
const held: Server[] = [];

async function holdPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  held.push(server);
  return (server.address() as { port: number }).port;
}

beforeAll(() => {
  buildServer();
  buildMediaWorkers();
});

afterAll(async () => {
  await stopAllServerProcesses();
  await stopAllMediaNodes();
  for (const server of held) server.close();
});

describe('a test asks for a port somebody else holds', () => {
  it('the media node starts on another RPC port and says which', async () => {
    const busy = await holdPort();
    const node: MediaNodeProcess = await startMediaNodeProcess({
      MEDIA_WORKERS: '1',
      MEDIA_RPC_PORT: String(busy),
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_NODE_ID: `busy-port-${Date.now()}`,
    });
    expect(new URL(node.url).port).not.toBe(String(busy));
    expect((await fetch(`${node.url}/health`)).status).toBe(200);
  }, 60_000);

  it('the server starts on another port and says which', async () => {
    const busy = await holdPort();
    const server = await startServerProcess({ name: 'busy-port', port: busy });
    expect(server.port).not.toBe(busy);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 60_000);
});
