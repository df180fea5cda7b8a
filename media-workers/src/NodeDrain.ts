import type { Logger } from './logger.js';
import type { MeetingRouters } from './MeetingRouters.js';

export interface NodeDrainOptions {
  routers: MeetingRouters;
  /** MEDIA_DRAIN_MAX_MS: the longest wait for the node to empty. */
  maxMs: number;
  logger: Logger;
  /** Called once when the drain starts (notify the servers, refresh the registration). */
  onStart: () => void;
  /** How often emptiness is checked (default 250 ms). */
  checkMs?: number;
}

export type DrainEnd = 'empty' | 'timeout';

/**
 * Drain of the media node (docs/operations.md "Draining a media node"): once started (SIGTERM or
 * the `drain` RPC) the node says `draining` (getLoad, registration, a `nodeDraining`
 * notification), so servers place nothing new on it and move its meetings make-before-break to
 * other nodes. `finished` resolves when no client transport (WebRTC or plain; pipe transports
 * to other nodes do not count) is left, or after `maxMs`.
 */
export class NodeDrain {
  private started = false;
  private resolveFinished!: (end: DrainEnd) => void;
  /** Resolves once the node is empty or the wait is over. */
  readonly finished = new Promise<DrainEnd>((resolve) => (this.resolveFinished = resolve));

  constructor(private readonly options: NodeDrainOptions) {}

  get draining(): boolean {
    return this.started;
  }

  /** Client transports still on the node, over every meeting. */
  clientTransports(): number {
    const { routers } = this.options;
    let n = 0;
    for (const meetingId of routers.meetingIds()) {
      const room = routers.get(meetingId);
      if (room) n += room.transports.size - room.pipeTransports.size;
    }
    return n;
  }

  /** Starts the drain (idempotent); answers the client transports left now. */
  start(): number {
    const left = this.clientTransports();
    if (this.started) return left;
    this.started = true;
    const { logger, maxMs } = this.options;
    const startedAt = Date.now();
    logger.info({ transports: left, maxMs }, 'media node draining: no new meetings; waiting for its transports to go');
    this.options.onStart();
    const check = setInterval(() => {
      const now = this.clientTransports();
      if (now === 0) return finish('empty');
      if (Date.now() - startedAt >= maxMs) finish('timeout');
    }, this.options.checkMs ?? 250);
    const finish = (end: DrainEnd) => {
      clearInterval(check);
      const fields = { ms: Date.now() - startedAt, transports: this.clientTransports() };
      if (end === 'empty') logger.info(fields, 'media node drained: empty');
      else logger.warn(fields, 'media node drain: MEDIA_DRAIN_MAX_MS reached with transports left; stopping anyway');
      this.resolveFinished(end);
    };
    if (left === 0) finish('empty');
    return left;
  }
}
