import { io, type Socket } from 'socket.io-client';
import type { Topology } from './topology.js';

/** What the fleet needs of a server under test. */
export interface Target {
  name: string;
  /** The two instances. */
  urls: [string, string];
  pids: number[];
  /** Handshake `auth` of a user. */
  auth(user: number): Record<string, string>;
  /** Conversation id of each group of the topology. */
  conversationIds: string[];
  stop(): Promise<void>;
}

export type MessageListener = (payload: { message: { clientId: string } }, receivedAt: number) => void;

/** Many socket.io clients in this process, all feeding one `message` listener. */
export class Fleet {
  readonly sockets: Socket[] = [];
  listener: MessageListener = () => {};

  constructor(
    private readonly target: Target,
    private readonly topology: Topology,
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

  private open(index: number): Promise<Socket> {
    const url = this.target.urls[this.topology.instanceOfSocket(index)];
    const socket = io(url, {
      auth: this.target.auth(this.topology.userOfSocket(index)),
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 20_000,
    });
    socket.on('message', (payload: { message: { clientId: string } }) => this.listener(payload, performance.now()));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(new Error(`socket ${index} → ${url}: ${error.message}`)));
    });
  }

  close(): void {
    for (const socket of this.sockets) socket?.disconnect();
  }
}
