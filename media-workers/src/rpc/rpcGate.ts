import pLimit from 'p-limit';

/** RPCs a node lets run at once per worker (each makes one to three worker requests). */
export const RPC_CONCURRENCY_PER_WORKER = 16;

/** Methods answered from the node's memory: they never wait for a worker, so never for the gate. */
const UNGATED = new Set(['getLoad', 'drain']);

export interface RpcGate {
  /** Runs the RPC now, or once fewer than `limit` gated RPCs are running (first come, first served). */
  run<T>(payload: unknown, handle: () => Promise<T>): Promise<T>;
  /** Gated RPCs waiting for their turn. */
  readonly queued: number;
  /** Gated RPCs running. */
  readonly running: number;
}

/**
 * Bounds the RPCs a media node hands to its workers at once, the rest waiting here in order.
 *
 * A worker reads its channel once per turn of its event loop and answers every request it read
 * in that turn. When its CPU is short (more packets to forward than the core it gets), a turn
 * takes 1-4 s, and once its pipe to the node is full it queues what it writes and drains about
 * ten messages a turn (measured). A join storm's hundreds of answers filled that queue, and every
 * later answer (load samples, consumes, joins) waited behind it for 20-100 s. With at most
 * `limit` requests out, a turn's answers stay few and the backlog waits here, where getLoad and
 * drain pass it. What this does not bound: the per-consumer score notifications the worker sends
 * on its own into the same queue (docs/capacity.md, "The stall at ~2 000 consumers").
 */
export function createRpcGate(limit: number): RpcGate {
  const gate = pLimit(limit);
  return {
    run(payload, handle) {
      const method = (payload as { method?: unknown } | null)?.method;
      if (typeof method === 'string' && UNGATED.has(method)) return handle();
      return gate(handle);
    },
    get queued() {
      return gate.pendingCount;
    },
    get running() {
      return gate.activeCount;
    },
  };
}
