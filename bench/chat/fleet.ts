import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { connectLightSocket, type LightSocket } from './lightSocket.js';
import type { Topology } from './topology.js';

/** What the fleet needs of a server under test. */
export interface Target {
  name: string;
  /** The two instances. */
  urls: [string, string];
  pids: number[];
  /** PostgreSQL backend processes serving this target right now (Parley only). */
  databasePids?: () => Promise<number[]>;
  /** Handshake `auth` of a user. */
  auth(user: number): Record<string, string>;
  /** Conversation id of each group of the topology. */
  conversationIds: string[];
  /** Runs on every socket once connected (the meeting case: join_meeting). */
  afterConnect?(socket: LightSocket): Promise<void>;
  stop(): Promise<void>;
}

/** Where a target listens and whether its processes write CPU profiles. */
export interface TargetOptions {
  ports: [number, number];
  /** Folder for the servers' V8 CPU profiles (written when they exit), or null. */
  cpuProfDir: string | null;
  /** Parley's database with `synchronous_commit = off` (commits do not wait for the WAL flush). */
  asyncCommit: boolean;
  /** The meeting-chat case (Parley: one meeting, every socket joins it). */
  meeting?: boolean;
}

const CPU_PROFILE_HOOK = fileURLToPath(new URL('./cpuProfileOnExit.cjs', import.meta.url));

/**
 * Node arguments and environment that make a server process write its CPU profile into
 * `<dir>/<name>/` when it exits (nothing when dir is null).
 */
export function cpuProfSetup(dir: string | null, name: string): { args: string[]; env: Record<string, string> } {
  if (!dir) return { args: [], env: {} };
  return { args: ['--require', CPU_PROFILE_HOOK], env: { BENCH_CPU_PROF_DIR: join(dir, name) } };
}

export type MessageListener = (clientId: string, receivedAt: number) => void;

/**
 * Which client library the generator's sockets use: `light` (lightSocket.ts, the default: a
 * received message is never parsed) or `socketio` (socket.io-client, as a browser would; it
 * costs the generator about twice the CPU, taken from the same cores as the servers).
 */
export type ClientKind = 'light' | 'socketio';

/** Many clients in this process, all feeding one `message` listener. */
export class Fleet {
  readonly sockets: LightSocket[] = [];
  listener: MessageListener = () => {};

  constructor(
    private readonly target: Target,
    private readonly topology: Topology,
    private readonly client: ClientKind = 'light',
  ) {}

  async connect(concurrency = 50): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.topology.sockets) {
        const index = next++;
        this.sockets[index] = await this.open(index);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private async open(index: number): Promise<LightSocket> {
    const socket = await this.connectOne(index);
    await this.target.afterConnect?.(socket);
    return socket;
  }

  private async connectOne(index: number): Promise<LightSocket> {
    const url = this.target.urls[this.topology.instanceOfSocket(index)];
    const auth = this.target.auth(this.topology.userOfSocket(index));
    try {
      if (this.client === 'light') {
        return await connectLightSocket({ url, auth, onMessage: (clientId, at) => this.listener(clientId, at) });
      }
      return await this.openSocketIo(url, auth);
    } catch (error) {
      throw new Error(`socket ${index} → ${url}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  private openSocketIo(url: string, auth: Record<string, string>): Promise<LightSocket> {
    const socket = io(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
    socket.on('message', (payload: { message: { clientId: string } }) =>
      this.listener(payload.message.clientId, performance.now()),
    );
    return new Promise((resolve, reject) => {
      socket.once('connect', () =>
        resolve({
          emit: (event, payload, ack) => (ack ? socket.emit(event, payload, ack) : socket.emit(event, payload)),
          disconnect: () => socket.disconnect(),
        }),
      );
      socket.once('connect_error', (error) => reject(error));
    });
  }

  close(): void {
    for (const socket of this.sockets) socket?.disconnect();
  }
}
