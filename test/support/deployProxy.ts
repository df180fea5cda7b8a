/**
 * A small TCP proxy in front of several signalling instances, as a load balancer in a rolling
 * deploy: one entry point (the pages' origin) that forwards each client connection, whole
 * (HTTP keep-alive and WebSocket upgrades included), to one live instance.
 *
 * Which instance: the connection's first request is read up to the end of its headers; when its
 * Cookie header carries a value pinned with `pin()`, the pinned instance, otherwise the first
 * live one. An instance that refuses the connection (it stopped listening: SIGTERM) is marked
 * down and the next live one is tried, so the clients of a stopped instance reconnect to another
 * one through the same URL. Only for tests: no TLS, no X-Forwarded-For.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ProxyBackend {
  /** A name for logs and assertions. */
  name: string;
  port: number;
}

export interface DeployProxy {
  url: string;
  port: number;
  /** Connections whose first request carries `cookieValue` in its Cookie header go to `backend` while it is live. */
  pin(cookieValue: string, backend: string): void;
  /** Takes a backend out (as an operator would) or puts it back. */
  setLive(backend: string, live: boolean): void;
  /** Backends currently live. */
  live(): string[];
  /** Client connections forwarded so far, per backend name. */
  forwarded(): Record<string, number>;
  close(): Promise<void>;
}

/** Longest request head read before a backend is chosen. */
const MAX_HEAD_BYTES = 64 * 1024;

export async function startDeployProxy(backends: ProxyBackend[], host = '127.0.0.1'): Promise<DeployProxy> {
  const live = new Set(backends.map((b) => b.name));
  const pins = new Map<string, string>();
  const counts: Record<string, number> = Object.fromEntries(backends.map((b) => [b.name, 0]));
  const open = new Set<Socket>();

  function choose(head: string, exclude: Set<string>): ProxyBackend | undefined {
    const cookie = /^cookie:(.*)$/im.exec(head)?.[1] ?? '';
    const candidates = backends.filter((b) => live.has(b.name) && !exclude.has(b.name));
    for (const [value, name] of pins) {
      if (!cookie.includes(value)) continue;
      const pinned = candidates.find((b) => b.name === name);
      if (pinned) return pinned;
    }
    return candidates[0];
  }

  function forward(client: Socket, head: Buffer, tried: Set<string>): void {
    const backend = choose(head.toString('latin1'), tried);
    if (!backend) {
      client.destroy();
      return;
    }
    tried.add(backend.name);
    const upstream = connect(backend.port, host);
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      counts[backend.name] = (counts[backend.name] ?? 0) + 1;
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (!connected && error.code === 'ECONNREFUSED') {
        // The instance stopped listening: out of the rotation, try the next one.
        live.delete(backend.name);
        forward(client, head, tried);
        return;
      }
      client.destroy();
    });
    upstream.once('close', () => {
      if (connected) client.destroy();
    });
    client.once('close', () => upstream.destroy());
  }

  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.indexOf('\r\n\r\n') === -1 && head.length < MAX_HEAD_BYTES) return;
      client.off('data', onData);
      client.pause();
      forward(client, head, new Set());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://${host}:${port}`,
    port,
    pin: (cookieValue, backend) => void pins.set(cookieValue, backend),
    setLive: (backend, isLive) => void (isLive ? live.add(backend) : live.delete(backend)),
    live: () => backends.filter((b) => live.has(b.name)).map((b) => b.name),
    forwarded: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
