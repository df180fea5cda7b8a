import type {
  SfuConsumeMany,
  SfuConsumeResult,
  SfuItemError,
  SfuResumeConsumers,
  SfuResumeResult,
} from '@parley/protocol';
import { AppError, INTERNAL_ERROR } from '../appError.js';
import type { Logger } from '../logger.js';
import { isStoreDown, storeUnavailable } from '../store/unavailable.js';
import type { SfuService } from './SfuService.js';
import type { SfuStore } from './SfuStore.js';

/**
 * The batched requests of a fast join (docs/sfu.md, "Join speed"): `sfu:consume_many` makes the
 * consumers of many producers (by default every producer of the others) with one participant
 * check and one producer listing, and `sfu:resume_consumers` resumes many consumers at once.
 * Every item is answered on its own (`ok` or its error, as `sfu:consume` / `sfu:resume_consumer`
 * would have answered it); only a failure of the whole request (not a participant, not your recv
 * transport) fails the ack.
 */
export class SfuBatches {
  constructor(
    private readonly sfu: SfuService,
    private readonly store: SfuStore,
    private readonly logger: Logger,
  ) {}

  async consumeMany(
    socketId: string,
    { meetingId, transportId, rtpCapabilities, producerIds }: SfuConsumeMany,
  ): Promise<{ consumers: SfuConsumeResult[] }> {
    const target = await this.sfu.ownTransport(socketId, meetingId, transportId, 'recv', true);
    const listed = await this.store.listProducers(meetingId);
    const byId = new Map(listed.map((producer) => [producer.producerId, producer]));
    const wanted = producerIds
      ? [...new Set(producerIds)]
      : listed
          .filter((producer) => producer.peerId !== target.peer.peerId)
          // Video first: the pictures are what a joining page waits for.
          .sort((a, b) => Number(a.kind === 'audio') - Number(b.kind === 'audio'))
          .map((producer) => producer.producerId);
    const consumers = await Promise.all(
      wanted.map(async (producerId): Promise<SfuConsumeResult> => {
        try {
          const consumer = await this.sfu.consumeOn(target, producerId, byId.get(producerId), rtpCapabilities);
          return { producerId, ok: true, consumer };
        } catch (error) {
          return { producerId, ok: false, error: this.itemError(error) };
        }
      }),
    );
    return { consumers };
  }

  async resumeConsumers(
    socketId: string,
    { meetingId, consumerIds, keyFrames }: SfuResumeConsumers,
  ): Promise<{ consumers: SfuResumeResult[] }> {
    const { peer } = await this.sfu.peer(socketId, meetingId);
    const consumers = await Promise.all(
      [...new Set(consumerIds)].map(async (consumerId): Promise<SfuResumeResult> => {
        try {
          const consumer = peer.consumers.get(consumerId);
          if (!consumer) throw new AppError('not_found', 'no such consumer of yours', 'consumerId');
          await consumer.ref.resume(keyFrames ? { keyFrame: true } : {});
          return { consumerId, ok: true };
        } catch (error) {
          return { consumerId, ok: false, error: this.itemError(error) };
        }
      }),
    );
    return { consumers };
  }

  private itemError(error: unknown): SfuItemError {
    if (error instanceof AppError) return error.toInfo();
    if (isStoreDown(error)) return storeUnavailable().toInfo();
    this.logger.error({ err: error }, 'an item of a batched sfu request failed');
    return INTERNAL_ERROR;
  }
}
