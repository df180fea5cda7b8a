import type { ErrorCode } from '@parley/protocol';
import type { MediaRpcMethod, MediaRpcParams, MediaRpcResult, WorkerLoad } from '@parley/protocol/internal';
import { MediaRpcError } from '../../../src/media/MediaNodeClient.js';

/** One RPC the fake node answered. */
export interface FakeCall {
  nodeId: string;
  method: MediaRpcMethod;
  params: unknown;
}

/** One idle worker's load report with `consumers` consumers (node load in placement tests). */
export const worker = (consumers = 0): WorkerLoad => ({
  index: 0,
  pid: 1,
  cpu: 0,
  routers: 0,
  transports: 0,
  producers: 0,
  consumers,
});

const RTP = { codecs: [], headerExtensions: [], encodings: [], rtcp: {} };

/**
 * A media node for unit tests: answers every MediaRpc method with made-up ids (no mediasoup),
 * records the calls, and can be disconnected. Only what the SFU domain reads is filled in.
 */
export class FakeMediaNode {
  connected = true;
  draining = false;
  consumers = 0;
  private next = 0;
  private failure: ErrorCode | null = null;

  constructor(
    readonly id: string,
    private readonly calls: FakeCall[],
  ) {}

  request<M extends MediaRpcMethod>(method: M, params: MediaRpcParams<M>): Promise<MediaRpcResult<M>> {
    this.calls.push({ nodeId: this.id, method, params });
    if (!this.connected) return Promise.reject(new MediaRpcError('unavailable', `${this.id} is not connected`));
    const failure = this.failure;
    this.failure = null;
    if (failure) return Promise.reject(new MediaRpcError(failure, `${method} failed on ${this.id}`));
    return Promise.resolve(this.answer(method, params) as MediaRpcResult<M>);
  }

  /** The next call fails with this code, as a media node answers an error. */
  failNext(code: ErrorCode): void {
    this.failure = code;
  }

  private answer(method: MediaRpcMethod, params: unknown): unknown {
    const id = `${this.id}-${method}-${++this.next}`;
    switch (method) {
      case 'getRouterRtpCapabilities':
        return { workerIndex: 0, rtpCapabilities: { codecs: [], headerExtensions: [] } };
      case 'createWebRtcTransport':
        return { id, workerIndex: 0, iceParameters: {}, iceCandidates: [], dtlsParameters: {} };
      case 'produce':
        return { id, workerIndex: 0 };
      case 'consume': {
        const { producerId } = params as { producerId: string };
        return { id, producerId, kind: 'video', rtpParameters: RTP, type: 'simple', producerPaused: false };
      }
      case 'createPipeTransport':
        return { id, ip: '127.0.0.1', port: 40000 + this.next };
      case 'pipeConsume':
        return { id, kind: 'video', rtpParameters: RTP, producerPaused: false };
      case 'pipeProduce':
        return { id: (params as { producerId: string }).producerId };
      case 'closePeer':
        return { transports: 0 };
      case 'closeTransport':
      case 'closeProducer':
      case 'closeConsumer':
      case 'closeRouter':
        return { closed: true };
      case 'getLoad':
        return {
          nodeId: this.id,
          url: this.id,
          startedAt: '',
          workers: [worker(this.consumers)],
          draining: this.draining,
        };
      default:
        return {};
    }
  }

  /** What placement sees of this node. */
  summary() {
    return {
      id: this.id,
      url: this.id,
      connected: this.connected,
      draining: this.draining,
      workers: this.connected ? [worker(this.consumers)] : [],
    };
  }
}

/** Media nodes by id, as MediaCluster offers them to the SFU domain (`client`, `nodes`). */
export class FakeMediaNodes {
  readonly calls: FakeCall[] = [];
  readonly byId = new Map<string, FakeMediaNode>();

  constructor(ids: readonly string[]) {
    for (const id of ids) this.byId.set(id, new FakeMediaNode(id, this.calls));
  }

  node(id: string): FakeMediaNode {
    const node = this.byId.get(id);
    if (!node) throw new Error(`no fake node ${id}`);
    return node;
  }

  client(nodeId: string): FakeMediaNode | undefined {
    return this.byId.get(nodeId);
  }

  nodes() {
    return [...this.byId.values()].map((n) => n.summary());
  }

  /** The calls of one method (on one node when given). */
  callsOf(method: MediaRpcMethod, nodeId?: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && (nodeId === undefined || c.nodeId === nodeId));
  }
}
