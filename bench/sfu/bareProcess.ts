/**
 * Child process of bench:sfu: the bare-mediasoup baseline. Uses `mediasoup` directly (no Parley
 * code): one worker with the settings of Parley's WorkerPool (logLevel "warn", no log tags), one
 * router with the same codec list, the same topology as the Parley path. Driven over IPC by
 * bareTarget.ts. PARLEY_BENCH_MEDIASOUP_DIR: another mediasoup version's package (to run that
 * version's worker binary); else the installed mediasoup.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Producer, Router, Worker } from 'mediasoup/types';
import { z } from 'zod/v4';
import { MEDIA_CODECS } from '@parley/media-workers';
import { serveParent } from './ipc.js';
import { producerRtpParameters } from './mix.js';
import { inParallel, remoteSrtpParameters } from './target.js';

const Init = z.object({ portMin: z.number().int(), portMax: z.number().int() });
const Streams = z.object({
  streams: z.array(
    z.object({
      kind: z.enum(['audio', 'video']),
      codec: z.enum(['opus', 'vp8']),
      packetsPerSecond: z.number(),
      packetBytes: z.number().int(),
      packetsPerFrame: z.number().int().optional(),
    }),
  ),
});
const Add = z.object({
  count: z.number().int().min(1),
  sinkPorts: z.array(z.number().int()).min(1),
  srtp: z.boolean(),
});

type Mediasoup = typeof import('mediasoup');
const otherDir = process.env.PARLEY_BENCH_MEDIASOUP_DIR;
const mediasoup: Mediasoup = otherDir
  ? ((await import(pathToFileURL(createRequire(import.meta.url).resolve(otherDir)).href)) as Mediasoup)
  : await import('mediasoup');

let worker: Worker | undefined;
let router: Router | undefined;
const producers: Producer[] = [];
let receivers = 0;

const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };

serveParent(async (request) => {
  switch (request.type) {
    case 'init': {
      // The binary comes from MEDIASOUP_WORKER_BIN, set by bareTarget.ts when it forks this process.
      const { portMin, portMax } = Init.parse(request);
      worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: portMin, rtcMaxPort: portMax });
      worker.on('died', () => process.exit(1));
      router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
      return { workerPid: worker.pid };
    }
    case 'producers': {
      if (!router) throw new Error('init first');
      const { streams } = Streams.parse(request);
      const t = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true, enableBwe: false });
      for (const [index, stream] of streams.entries()) {
        producers.push(await t.produce({ kind: stream.kind, rtpParameters: producerRtpParameters(stream, index) }));
      }
      return { ip: t.tuple.localAddress, port: t.tuple.localPort };
    }
    case 'addReceivers': {
      const r = router;
      if (!r) throw new Error('init first');
      const { count, sinkPorts, srtp } = Add.parse(request);
      await inParallel(count, 8, async () => {
        const sinkPort = sinkPorts[receivers++ % sinkPorts.length]!;
        const t = await r.createPlainTransport({
          listenInfo,
          rtcpMux: true,
          comedia: false,
          enableBwe: false, // as Parley's plain transports (media-workers/src/rpc/pipeHandlers.ts)
          enableSrtp: srtp,
          srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
        });
        await t.connect({
          ip: '127.0.0.1',
          port: sinkPort,
          ...(srtp ? { srtpParameters: remoteSrtpParameters() } : {}),
        });
        for (const producer of producers) {
          await t.consume({ producerId: producer.id, rtpCapabilities: r.rtpCapabilities, paused: false });
        }
      });
      return {};
    }
    case 'cpu': {
      if (!worker) throw new Error('init first');
      const usage = await worker.getResourceUsage();
      return { cpuMs: usage.ru_utime + usage.ru_stime, at: Date.now() };
    }
    default:
      throw new Error(`unknown request ${request.type}`);
  }
});

process.once('SIGTERM', () => {
  worker?.close();
  process.exit(0);
});
