import type { PipeTransport, PlainTransport, RtpParameters, TransportListenInfo } from 'mediasoup/types';
import { MediaError } from '../errors.js';
import type { MeetingRouters } from '../MeetingRouters.js';
import type { RpcHandlers } from './dispatch.js';

type PipeMethods =
  | 'createPipeTransport'
  | 'connectPipeTransport'
  | 'pipeConsume'
  | 'pipeProduce'
  | 'createPlainTransport'
  | 'connectPlainTransport';

export interface PipeOptions {
  listenIp: string;
  announcedAddress: string | undefined;
  /** UDP ports for these transports (MEDIA_PIPE_PORTS); undefined → any free port. */
  portRange?: { min: number; max: number } | undefined;
}

/**
 * Node-to-node pipes (a PipeTransport on each side; the origin node consumes the producer with
 * pipeConsume, the other node re-creates it with pipeProduce under the same id) and plain RTP
 * transports (RTP bots, tests). Design in docs/sfu.md.
 */
export function createPipeHandlers(routers: MeetingRouters, options: PipeOptions): Pick<RpcHandlers, PipeMethods> {
  const listenInfo: TransportListenInfo = {
    protocol: 'udp',
    ip: options.listenIp,
    ...(options.announcedAddress ? { announcedAddress: options.announcedAddress } : {}),
    ...(options.portRange ? { portRange: options.portRange } : {}),
  };
  return {
    createPipeTransport: async ({ meetingId, workerIndex }) => {
      const room = await routers.ensureRouter(meetingId);
      const index = workerIndex ?? room.primaryWorker;
      const router = await routers.routerOn(room, index);
      const transport = await router.createPipeTransport({ listenInfo, enableRtx: false });
      room.addTransport(transport, index);
      room.pipeTransports.set(transport.id, transport);
      transport.observer.once('close', () => room.pipeTransports.delete(transport.id));
      return { id: transport.id, ip: transport.tuple.localAddress, port: transport.tuple.localPort };
    },

    connectPipeTransport: async ({ meetingId, transportId, ip, port }) => {
      const transport = routers.require(meetingId).plainOrPipe<PipeTransport>(transportId, 'pipe');
      await transport.connect({ ip, port });
      return {};
    },

    pipeConsume: async ({ meetingId, transportId, producerId }) => {
      const room = routers.require(meetingId);
      const { transport, workerIndex } = room.transport(transportId);
      if (transport.type !== 'pipe') throw new MediaError('bad_request', 'not a pipe transport');
      room.producer(producerId);
      await room.pipe(producerId, workerIndex);
      const consumer = await transport.consume({ producerId, rtpCapabilities: room.primary.rtpCapabilities });
      room.addConsumer(consumer, workerIndex);
      return {
        id: consumer.id,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        producerPaused: consumer.producerPaused,
      };
    },

    pipeProduce: async ({ meetingId, transportId, producerId, kind, rtpParameters, paused, appData }) => {
      const room = routers.require(meetingId);
      const { transport, workerIndex } = room.transport(transportId);
      if (transport.type !== 'pipe') throw new MediaError('bad_request', 'not a pipe transport');
      const producer = await transport.produce({
        id: producerId,
        kind,
        rtpParameters: rtpParameters as unknown as RtpParameters,
        paused: paused ?? false,
        appData: { ...(appData ?? {}), meetingId, piped: true },
      });
      room.addProducer(producer, workerIndex);
      return { id: producer.id };
    },

    createPlainTransport: async ({
      meetingId,
      workerIndex,
      comedia,
      rtcpMux,
      enableSrtp,
      srtpCryptoSuite,
      portRange,
      consumerBudget,
    }) => {
      if (srtpCryptoSuite && !enableSrtp) throw new MediaError('bad_request', 'srtpCryptoSuite needs enableSrtp');
      const room = await routers.ensureRouter(meetingId);
      // A recv transport with a budget is placed like a WebRTC one (send: comedia, no budget).
      const index =
        workerIndex ?? routers.transportWorker(room, consumerBudget && !comedia ? 'recv' : 'send', consumerBudget);
      const router = await routers.routerOn(room, index);
      const transport = await router.createPlainTransport({
        listenInfo: portRange ? { ...listenInfo, portRange } : listenInfo,
        rtcpMux: rtcpMux ?? true,
        comedia: comedia ?? true,
        // Plain RTP peers (RTP bots, recorders, bench:sfu) send no congestion feedback. mediasoup
        // 3.32's own BWE is on by default and would send them probation padding (SSRC 1234, PT
        // 127) they never asked for; off, as plain transports behaved before 3.32.
        enableBwe: false,
        ...(enableSrtp ? { enableSrtp: true, srtpCryptoSuite: srtpCryptoSuite ?? 'AES_CM_128_HMAC_SHA1_80' } : {}),
      });
      room.addTransport(transport, index);
      return {
        id: transport.id,
        ip: transport.tuple.localAddress,
        port: transport.tuple.localPort,
        ...(transport.rtcpTuple ? { rtcpPort: transport.rtcpTuple.localPort } : {}),
        workerIndex: index,
        ...(transport.srtpParameters ? { srtpParameters: transport.srtpParameters } : {}),
      };
    },

    connectPlainTransport: async ({ meetingId, transportId, ip, port, rtcpPort, srtpParameters }) => {
      const transport = routers.require(meetingId).plainOrPipe<PlainTransport>(transportId, 'plain');
      if (transport.srtpParameters && !srtpParameters)
        throw new MediaError('bad_request', 'this transport uses SRTP: srtpParameters required');
      if (!transport.srtpParameters && srtpParameters)
        throw new MediaError('bad_request', 'this transport was created without enableSrtp');
      await transport.connect({
        ip,
        port,
        ...(rtcpPort ? { rtcpPort } : {}),
        ...(srtpParameters ? { srtpParameters } : {}),
      });
      return {};
    },
  };
}
