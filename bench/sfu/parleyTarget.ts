import { randomBytes } from 'node:crypto';
import type { RtpCapabilitiesWire } from '@parley/protocol';
import { pino } from 'pino';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  waitFor,
  type MediaNodeProcess,
} from '../../test/support/mediaNodeProcess.js';
import { MediaNodeClient } from '@parley/server';
import { producerRtpParameters } from './mix.js';
import type { PortLayout } from './ports.js';
import { inParallel, remoteSrtpParameters, type SfuTarget } from './target.js';

/**
 * Parley's path: a real media node process (media-workers/dist/main.js, MEDIA_WORKERS=1) driven
 * only through its RPC (Socket.io /media-rpc), as a signalling server drives it.
 */
export async function startParleyTarget(layout: PortLayout, workerBin: string): Promise<SfuTarget> {
  buildMediaWorkers();
  const secret = randomBytes(16).toString('hex');
  const node: MediaNodeProcess = await startMediaNodeProcess({
    LOG_LEVEL: 'warn',
    MEDIA_WORKERS: '1',
    MEDIA_SECRET: secret,
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_RPC_HOST: '127.0.0.1',
    MEDIA_RPC_PORT: String(layout.rpc),
    MEDIA_RTC_PORT: String(layout.rtc),
    MEDIASOUP_WORKER_BIN: workerBin,
  });
  const client = new MediaNodeClient({
    url: node.url,
    secret,
    logger: pino({ level: 'silent' }),
    requestTimeoutMs: 30_000,
  });
  try {
    await waitFor(() => client.connected, 15_000, 'media node RPC connection');
  } catch (error) {
    client.close();
    await node.stop();
    throw error;
  }
  const meetingId = `bench-${randomBytes(4).toString('hex')}`;
  const { rtpCapabilities, workerIndex } = await client.request('getRouterRtpCapabilities', { meetingId });
  const caps: RtpCapabilitiesWire = rtpCapabilities;
  const load = await client.request('getLoad', {});
  const workerPid = load.workers.find((w) => w.index === workerIndex)?.pid ?? -1;
  const producerIds: string[] = [];
  let receivers = 0;

  return {
    path: 'parley',
    workerPid,
    async setupProducers(streams) {
      const t = await client.request('createPlainTransport', {
        meetingId,
        comedia: true,
        portRange: layout.transports,
      });
      for (const [index, stream] of streams.entries()) {
        const p = await client.request('produce', {
          meetingId,
          transportId: t.id,
          kind: stream.kind,
          rtpParameters: producerRtpParameters(stream, index),
        });
        producerIds.push(p.id);
      }
      return { ip: t.ip, port: t.port };
    },
    async addReceivers(count, sinkPorts, srtp) {
      await inParallel(count, 8, async () => {
        const sinkPort = sinkPorts[receivers++ % sinkPorts.length]!;
        const t = await client.request('createPlainTransport', {
          meetingId,
          comedia: false,
          enableSrtp: srtp,
          portRange: layout.transports,
        });
        await client.request('connectPlainTransport', {
          meetingId,
          transportId: t.id,
          ip: '127.0.0.1',
          port: sinkPort,
          ...(srtp ? { srtpParameters: remoteSrtpParameters() } : {}),
        });
        for (const producerId of producerIds) {
          await client.request('consume', {
            meetingId,
            transportId: t.id,
            producerId,
            rtpCapabilities: caps,
            paused: false,
          });
        }
      });
    },
    async cpu() {
      const worker = (await client.request('getLoad', {})).workers.find((w) => w.index === workerIndex);
      if (worker?.cpuMs === undefined || worker.sampledAt === undefined)
        throw new Error('getLoad gave no raw CPU figures (cpuMs, sampledAt)');
      return { cpuMs: worker.cpuMs, at: worker.sampledAt };
    },
    async close() {
      client.close();
      await node.stop();
    },
  };
}
