import type { RtpCapabilities, RtpParameters } from 'mediasoup/types';
import { MediaError } from '../errors.js';
import type { MeetingRouters } from '../MeetingRouters.js';
import type { RpcHandlers } from './dispatch.js';

type SfuMethods =
  | 'connectTransport'
  | 'restartIce'
  | 'closeTransport'
  | 'closePeer'
  | 'produce'
  | 'pauseProducer'
  | 'resumeProducer'
  | 'closeProducer'
  | 'consume'
  | 'pauseConsumer'
  | 'resumeConsumer'
  | 'closeConsumer'
  | 'setPreferredLayers'
  | 'pipeProducer'
  | 'getStats';

/** mediasoup rejects bad parameters with TypeError/UnsupportedError: answer bad_request. */
async function asBadRequest<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MediaError) throw error;
    const name = (error as Error).name;
    if (name === 'TypeError' || name === 'UnsupportedError')
      throw new MediaError('bad_request', `${what}: ${(error as Error).message}`);
    throw error;
  }
}

/** Transports, producers and consumers of a meeting (WebRTC clients). */
export function createSfuHandlers(routers: MeetingRouters): Pick<RpcHandlers, SfuMethods> {
  return {
    connectTransport: async ({ meetingId, transportId, dtlsParameters }) => {
      const { transport } = routers.require(meetingId).transport(transportId);
      if (transport.type !== 'webrtc') throw new MediaError('bad_request', 'not a WebRTC transport');
      await asBadRequest('dtlsParameters', () => transport.connect({ dtlsParameters: dtlsParameters as never }));
      return {};
    },

    restartIce: async ({ meetingId, transportId }) => {
      const { transport } = routers.require(meetingId).transport(transportId);
      if (transport.type !== 'webrtc') throw new MediaError('bad_request', 'not a WebRTC transport');
      const iceParameters = await (transport as import('mediasoup/types').WebRtcTransport).restartIce();
      return { iceParameters };
    },

    closeTransport: ({ meetingId, transportId }) => {
      const entry = routers.get(meetingId)?.transports.get(transportId);
      if (!entry) return { closed: false };
      entry.transport.close();
      return { closed: true };
    },

    closePeer: ({ meetingId, peerId }) => {
      const room = routers.get(meetingId);
      if (!room) return { transports: 0 };
      const mine = [...room.transports.values()].filter(({ transport }) => transport.appData.peerId === peerId);
      for (const { transport } of mine) transport.close();
      return { transports: mine.length };
    },

    produce: async ({ meetingId, transportId, kind, rtpParameters, paused, appData }) => {
      const room = routers.require(meetingId);
      const { transport, workerIndex } = room.transport(transportId);
      const producer = await asBadRequest('rtpParameters', () =>
        transport.produce({
          kind,
          rtpParameters: rtpParameters as unknown as RtpParameters,
          paused: paused ?? false,
          appData: { ...(appData ?? {}), meetingId },
        }),
      );
      room.addProducer(producer, workerIndex);
      return { id: producer.id, workerIndex };
    },

    pauseProducer: async ({ meetingId, producerId }) => {
      await routers.require(meetingId).producer(producerId).pause();
      return {};
    },

    resumeProducer: async ({ meetingId, producerId }) => {
      await routers.require(meetingId).producer(producerId).resume();
      return {};
    },

    closeProducer: ({ meetingId, producerId }) => {
      const entry = routers.get(meetingId)?.producers.get(producerId);
      if (!entry) return { closed: false };
      entry.producer.close();
      return { closed: true };
    },

    consume: async ({ meetingId, transportId, producerId, rtpCapabilities, paused, appData }) => {
      const room = routers.require(meetingId);
      const { transport, workerIndex } = room.transport(transportId);
      room.producer(producerId);
      const piped = await room.pipe(producerId, workerIndex);
      const router = room.routers.get(workerIndex);
      const caps = rtpCapabilities as unknown as RtpCapabilities;
      if (!router?.canConsume({ producerId, rtpCapabilities: caps })) {
        throw new MediaError('bad_request', 'rtpCapabilities: cannot consume this producer with these capabilities');
      }
      const consumer = await asBadRequest('consume', () =>
        transport.consume({
          producerId,
          rtpCapabilities: caps,
          paused: paused ?? true,
          appData: { ...(appData ?? {}), meetingId },
        }),
      );
      room.addConsumer(consumer, workerIndex);
      return {
        id: consumer.id,
        producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        type: consumer.type,
        producerPaused: consumer.producerPaused,
        piped,
      };
    },

    pauseConsumer: async ({ meetingId, consumerId }) => {
      await routers.require(meetingId).consumer(consumerId).pause();
      return {};
    },

    resumeConsumer: async ({ meetingId, consumerId, keyFrame }) => {
      const consumer = routers.require(meetingId).consumer(consumerId);
      // Resuming a paused consumer asks its producer for a key frame (mediasoup); a running one
      // gets that request on its own when the page's receiver exists only now.
      if (keyFrame && !consumer.paused) await consumer.requestKeyFrame();
      else await consumer.resume();
      return {};
    },

    closeConsumer: ({ meetingId, consumerId }) => {
      const entry = routers.get(meetingId)?.consumers.get(consumerId);
      if (!entry) return { closed: false };
      entry.consumer.close();
      return { closed: true };
    },

    setPreferredLayers: async ({ meetingId, consumerId, spatialLayer, temporalLayer }) => {
      const consumer = routers.require(meetingId).consumer(consumerId);
      if (consumer.type === 'simulcast' || consumer.type === 'svc') {
        await consumer.setPreferredLayers({ spatialLayer, ...(temporalLayer !== undefined ? { temporalLayer } : {}) });
      }
      return {};
    },

    pipeProducer: async ({ meetingId, producerId, fromWorker, toWorker }) => {
      const room = routers.require(meetingId);
      const origin = room.producers.get(producerId);
      if (!origin) throw new MediaError('not_found', 'no such producer in this meeting');
      if (origin.workerIndex !== fromWorker)
        throw new MediaError('bad_request', `the producer is on worker ${origin.workerIndex}`);
      await routers.routerOn(room, toWorker);
      const piped = await room.pipe(producerId, toWorker);
      return { producerId, alreadyPiped: !piped && fromWorker !== toWorker };
    },

    getStats: async ({ meetingId }) => {
      const room = routers.require(meetingId);
      const producers = await Promise.all(
        [...room.producers.values()].map(async ({ producer }) => {
          const stats = await producer.getStats().catch(() => []);
          const score = producer.score[0]?.score;
          return {
            id: producer.id,
            kind: producer.kind,
            paused: producer.paused,
            ...(score !== undefined ? { score } : {}),
            packets: stats.length,
          };
        }),
      );
      return {
        routers: room.routerCounts(),
        producers: producers.map(({ packets: _p, ...p }) => p),
        consumers: [...room.consumers.values()].map(({ consumer }) => ({
          id: consumer.id,
          producerId: consumer.producerId,
          paused: consumer.paused,
          producerPaused: consumer.producerPaused,
          ...(consumer.preferredLayers ? { preferredSpatialLayer: consumer.preferredLayers.spatialLayer } : {}),
        })),
      };
    },
  };
}
