import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { startChild } from './ipc.js';
import type { PortLayout } from './ports.js';
import type { SfuTarget } from './target.js';

const FILE = fileURLToPath(new URL('./bareProcess.ts', import.meta.url));
const Tuple = z.object({ ip: z.string(), port: z.number().int() });
const Cpu = z.object({ cpuMs: z.number(), at: z.number() });

/** The baseline: bare mediasoup in its own child process (bareProcess.ts). */
export async function startBareTarget(
  layout: PortLayout,
  workerBin: string,
  /** mediasoup's package directory when not the installed one (another version's worker). */
  mediasoupDir: string | null = null,
): Promise<SfuTarget> {
  const child = await startChild(FILE, {
    MEDIASOUP_WORKER_BIN: workerBin,
    ...(mediasoupDir ? { PARLEY_BENCH_MEDIASOUP_DIR: mediasoupDir } : {}),
  });
  let workerPid: number;
  try {
    ({ workerPid } = await child.call(
      'init',
      { portMin: layout.transports.min, portMax: layout.transports.max },
      z.object({ workerPid: z.number() }),
    ));
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    path: 'bare',
    workerPid,
    setupProducers: (streams) => child.call('producers', { streams }, Tuple),
    addReceivers: async (count, sinkPorts, srtp) =>
      void (await child.call('addReceivers', { count, sinkPorts, srtp }, z.object({}), 600_000)),
    cpu: () => child.call('cpu', {}, Cpu),
    close: () => child.stop(),
  };
}
