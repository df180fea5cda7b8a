import type { MeetingRouters } from '../MeetingRouters.js';
import type { NodeDrain } from '../NodeDrain.js';
import type { WorkerPool } from '../WorkerPool.js';
import type { RpcHandlers } from './dispatch.js';
import { createPipeHandlers, type PipeOptions } from './pipeHandlers.js';
import { createSfuHandlers } from './sfuRpcHandlers.js';

export interface HandlerDeps {
  nodeId: string;
  url: () => string;
  startedAt: string;
  pool: WorkerPool;
  routers: MeetingRouters;
  drain: NodeDrain;
  pipe: PipeOptions;
}

/** The media node's RPC methods (params already validated by dispatchRpc). */
export function createHandlers({ nodeId, url, startedAt, pool, routers, drain, pipe }: HandlerDeps): RpcHandlers {
  return {
    getLoad: () => ({ nodeId, url: url(), startedAt, workers: pool.loads(), draining: drain.draining }),

    // The admin command: as SIGTERM (main.ts stops the process once `drain.finished`).
    drain: () => ({ draining: true as const, transports: drain.start() }),

    getRouterRtpCapabilities: async ({ meetingId }) => {
      const room = await routers.ensureRouter(meetingId);
      return { workerIndex: room.primaryWorker, rtpCapabilities: room.primary.rtpCapabilities };
    },

    createWebRtcTransport: (params) => routers.createWebRtcTransport(params),

    closeRouter: ({ meetingId }) => ({ closed: routers.closeRouter(meetingId) }),

    ...createSfuHandlers(routers),
    ...createPipeHandlers(routers, pipe),
  };
}
