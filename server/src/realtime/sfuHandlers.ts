import { SfuEvents } from '@parley/protocol';
import { consumeAnswered, joinMetricsOf } from './joinMetrics.js';
import { PlainRtpService } from '../sfu/PlainRtpService.js';
import { SfuBatches } from '../sfu/SfuBatches.js';
import { onEvent, refuseEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';

/**
 * `sfu:*` requests (protocol/src/schemas/sfu.ts, docs/sfu.md). Each is validated with its schema,
 * then SfuService checks that the socket is a current participant of the meeting. On disconnect,
 * the socket's SFU peers are cleaned up (producers closed for the others, transports closed).
 */
export const sfuHandlers: SocketHandlers = (socket, app) => {
  const sfu = app.sfu.service;
  const id = socket.id;

  onEvent(socket, SfuEvents.getCapabilities, (data) => sfu.capabilities(id, data));
  onEvent(socket, SfuEvents.createTransport, async (data) => ({
    ...(await sfu.createTransport(id, data)),
  }));
  onEvent(socket, SfuEvents.connectTransport, (data) => sfu.connectTransport(id, data));
  onEvent(socket, SfuEvents.restartIce, (data) => sfu.restartIce(id, data));
  onEvent(socket, SfuEvents.produce, (data) => sfu.produce(id, data));
  onEvent(socket, SfuEvents.pauseProducer, (data) => sfu.producerAction(id, data, 'pause'));
  onEvent(socket, SfuEvents.resumeProducer, (data) => sfu.producerAction(id, data, 'resume'));
  onEvent(socket, SfuEvents.closeProducer, (data) => sfu.producerAction(id, data, 'close'));
  onEvent(socket, SfuEvents.getProducers, (data) => sfu.producers(id, data));
  const joinMetrics = joinMetricsOf(app.metrics);
  onEvent(socket, SfuEvents.consume, async (data) => {
    const consumed = await sfu.consume(id, data);
    consumeAnswered(socket, joinMetrics);
    return { ...consumed };
  });
  // The fast join's batches: many consumers, many resumes, one request each.
  const batches = new SfuBatches(sfu, app.sfu.store, app.logger);
  onEvent(socket, SfuEvents.consumeMany, async (data) => {
    const consumed = await batches.consumeMany(id, data);
    if (consumed.consumers.some((item) => item.ok)) consumeAnswered(socket, joinMetrics);
    return consumed;
  });
  onEvent(socket, SfuEvents.resumeConsumers, (data) => batches.resumeConsumers(id, data));
  onEvent(socket, SfuEvents.resumeConsumer, (data) => sfu.consumerAction(id, data, 'resume'));
  onEvent(socket, SfuEvents.pauseConsumer, (data) => sfu.consumerAction(id, data, 'pause'));
  onEvent(socket, SfuEvents.setPreferredLayers, (data) => sfu.setPreferredLayers(id, data));
  onEvent(socket, SfuEvents.reportTiles, (data) => sfu.reportTiles(id, data));
  onEvent(socket, SfuEvents.migrated, (data) => app.sfu.drain.migrated(id, data));
  if (app.config.sfu.plainRtp) {
    const plain = new PlainRtpService(sfu, true);
    onEvent(socket, SfuEvents.createPlainTransport, async (data) => ({
      ...(await plain.createTransport(id, data)),
    }));
    onEvent(socket, SfuEvents.connectPlainTransport, (data) => plain.connectTransport(id, data));
  } else {
    // Off: every payload, well-formed or not, gets the same `forbidden`.
    refuseEvent(socket, SfuEvents.createPlainTransport, () => PlainRtpService.disabled());
    refuseEvent(socket, SfuEvents.connectPlainTransport, () => PlainRtpService.disabled());
  }

  socket.on('disconnect', () => {
    sfu.socketGone(id).catch((error: unknown) => app.logger.warn({ err: error }, 'sfu clean-up on disconnect failed'));
  });
};
