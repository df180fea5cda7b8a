import { z } from 'zod';
import {
  SfuConnectPlainTransport,
  SfuConnectTransport,
  SfuConsume,
  SfuConsumeMany,
  SfuConsumerRef,
  SfuCreatePlainTransport,
  SfuCreateTransport,
  SfuEvents,
  SfuGetCapabilities,
  SfuMigrated,
  SfuProduce,
  SfuProducerRef,
  SfuReportTiles,
  SfuRestartIce,
  SfuResumeConsumers,
  SfuSetPreferredLayers,
} from '@parley/protocol';
import { consumeAnswered, joinMetricsOf } from './joinMetrics.js';
import { PlainRtpService } from '../sfu/PlainRtpService.js';
import { SfuBatches } from '../sfu/SfuBatches.js';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';

/**
 * `sfu:*` requests (protocol/src/schemas/sfu.ts, docs/sfu.md). Each is validated with its schema,
 * then SfuService checks that the socket is a current participant of the meeting. On disconnect,
 * the socket's SFU peers are cleaned up (producers closed for the others, transports closed).
 */
export const sfuHandlers: SocketHandlers = (socket, app) => {
  const sfu = app.sfu.service;
  const id = socket.id;

  onEvent(socket, SfuEvents.getCapabilities, SfuGetCapabilities, (data) => sfu.capabilities(id, data));
  onEvent(socket, SfuEvents.createTransport, SfuCreateTransport, async (data) => ({
    ...(await sfu.createTransport(id, data)),
  }));
  onEvent(socket, SfuEvents.connectTransport, SfuConnectTransport, (data) => sfu.connectTransport(id, data));
  onEvent(socket, SfuEvents.restartIce, SfuRestartIce, (data) => sfu.restartIce(id, data));
  onEvent(socket, SfuEvents.produce, SfuProduce, (data) => sfu.produce(id, data));
  onEvent(socket, SfuEvents.pauseProducer, SfuProducerRef, (data) => sfu.producerAction(id, data, 'pause'));
  onEvent(socket, SfuEvents.resumeProducer, SfuProducerRef, (data) => sfu.producerAction(id, data, 'resume'));
  onEvent(socket, SfuEvents.closeProducer, SfuProducerRef, (data) => sfu.producerAction(id, data, 'close'));
  onEvent(socket, SfuEvents.getProducers, SfuGetCapabilities, (data) => sfu.producers(id, data));
  const joinMetrics = joinMetricsOf(app.metrics);
  onEvent(socket, SfuEvents.consume, SfuConsume, async (data) => {
    const consumed = await sfu.consume(id, data);
    consumeAnswered(socket, joinMetrics);
    return { ...consumed };
  });
  // The fast join's batches: many consumers, many resumes, one request each.
  const batches = new SfuBatches(sfu, app.sfu.store, app.logger);
  onEvent(socket, SfuEvents.consumeMany, SfuConsumeMany, async (data) => {
    const consumed = await batches.consumeMany(id, data);
    if (consumed.consumers.some((item) => item.ok)) consumeAnswered(socket, joinMetrics);
    return consumed;
  });
  onEvent(socket, SfuEvents.resumeConsumers, SfuResumeConsumers, (data) => batches.resumeConsumers(id, data));
  onEvent(socket, SfuEvents.resumeConsumer, SfuConsumerRef, (data) => sfu.consumerAction(id, data, 'resume'));
  onEvent(socket, SfuEvents.pauseConsumer, SfuConsumerRef, (data) => sfu.consumerAction(id, data, 'pause'));
  onEvent(socket, SfuEvents.setPreferredLayers, SfuSetPreferredLayers, (data) => sfu.setPreferredLayers(id, data));
  onEvent(socket, SfuEvents.reportTiles, SfuReportTiles, (data) => sfu.reportTiles(id, data));
  onEvent(socket, SfuEvents.migrated, SfuMigrated, (data) => app.sfu.drain.migrated(id, data));
  if (app.config.sfu.plainRtp) {
    const plain = new PlainRtpService(sfu, true);
    onEvent(socket, SfuEvents.createPlainTransport, SfuCreatePlainTransport, async (data) => ({
      ...(await plain.createTransport(id, data)),
    }));
    onEvent(socket, SfuEvents.connectPlainTransport, SfuConnectPlainTransport, (data) =>
      plain.connectTransport(id, data),
    );
  } else {
    // Off: every payload, well-formed or not, gets the same `forbidden`.
    const refuse = () => {
      throw PlainRtpService.disabled();
    };
    onEvent(socket, SfuEvents.createPlainTransport, z.unknown(), refuse);
    onEvent(socket, SfuEvents.connectPlainTransport, z.unknown(), refuse);
  }

  socket.on('disconnect', () => {
    sfu.socketGone(id).catch((error: unknown) => app.logger.warn({ err: error }, 'sfu clean-up on disconnect failed'));
  });
};
