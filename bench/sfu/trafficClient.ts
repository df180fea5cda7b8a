import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { startChild, type ChildHandle } from './ipc.js';
import type { PortLayout } from './ports.js';
import type { SinkMode, StreamSpec } from './types.js';

const FILE = fileURLToPath(new URL('./trafficProcess.ts', import.meta.url));

export const TrafficCounts = z.object({
  /** performance.now() of the traffic process, ms. */
  at: z.number(),
  sent: z.number(),
  received: z.number(),
  receivedBytes: z.number(),
  drops: z.number(),
  /** Dropped at the worker's input socket (the worker fell behind). */
  inputDrops: z.number(),
});
export type TrafficCounts = z.infer<typeof TrafficCounts>;

export interface Traffic {
  sinkPorts: number[];
  send(ip: string, port: number, streams: StreamSpec[]): Promise<void>;
  counts(): Promise<TrafficCounts>;
  stop(): Promise<void>;
}

/** Starts the sender + sink process on the layout's ports (sinks: see SinkMode). */
export async function startTraffic(layout: PortLayout, sinkMode: SinkMode): Promise<Traffic> {
  const child: ChildHandle = await startChild(FILE);
  try {
    await child.call(
      'bind',
      { senderPort: layout.sender, sinkPorts: layout.sinks, sinkMode },
      z.object({ recvBufferSize: z.number() }),
    );
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    sinkPorts: layout.sinks,
    send: async (ip, port, streams) => void (await child.call('send', { ip, port, streams }, z.object({}))),
    counts: () => child.call('counts', {}, TrafficCounts),
    stop: () => child.stop(),
  };
}
