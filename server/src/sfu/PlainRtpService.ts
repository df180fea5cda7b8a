import type { SfuConnectPlainTransport, SfuCreatePlainTransport, SfuPlainTransportInfo } from '@parley/protocol';
import { AppError } from '../appError.js';
import { TransportRef } from './media/TransportRef.js';
import type { SfuService } from './SfuService.js';

/**
 * Plain RTP transports for the load tester's RTP bots (`sfu:create_plain_transport`,
 * `sfu:connect_plain_transport`; docs/sfu.md "Plain RTP"). Off unless SFU_PLAIN_RTP=true: a bot
 * needs no ICE or DTLS, so anyone allowed to use these could put unencrypted media on the node.
 *
 * A plain transport belongs to the caller's SFU peer like a WebRTC one (the same participant
 * check, the same `transportId` for `sfu:produce` / `sfu:consume`, closed when the peer goes).
 * Placement: a recv one goes on the node MeetingPlacement.transportNode picks, like a WebRTC one
 * (SFU_NODE_CONSUMER_BUDGET applies); on that node SFU_CONSUMER_BUDGET places it on one of the
 * meeting's routers as for a WebRTC one (a new router on another worker past the budget).
 * `srtp: true` (recv): the node encrypts what it sends with SRTP, like for WebRTC consumers, so
 * bots cost the worker what browsers do; the caller's key comes with the connect.
 */
export class PlainRtpService {
  constructor(
    private readonly sfu: SfuService,
    private readonly enabled: boolean,
  ) {}

  async createTransport(
    socketId: string,
    { meetingId, direction, srtp }: SfuCreatePlainTransport,
  ): Promise<SfuPlainTransportInfo> {
    this.requireEnabled();
    const { peer } = await this.sfu.peer(socketId, meetingId, true, true);
    const release = this.sfu.caps.reserveTransport(peer, direction);
    const { node, t } = await (async () => {
      // Recv transports may go on another media node (SFU_NODE_CONSUMER_BUDGET), like WebRTC ones.
      const placed = await this.sfu.placement.transportNode(peer, direction);
      // SRTP (recv only, checked by the schema): the node encrypts as for a WebRTC consumer.
      const created = await placed.call('createPlainTransport', {
        meetingId,
        comedia: direction === 'send',
        ...(direction === 'recv' ? { consumerBudget: this.sfu.consumerBudget } : {}),
        ...(srtp ? { enableSrtp: true } : {}),
      });
      return { node: placed, t: created };
    })().finally(release);
    const ref = new TransportRef(meetingId, t.id, node);
    await this.sfu.requireCurrent(peer, () => ref.close());
    this.sfu.local.addTransport(peer, { direction, plain: true, ref });
    return {
      transportId: t.id,
      ip: t.ip,
      port: t.port,
      ...(t.srtpParameters ? { srtpParameters: t.srtpParameters } : {}),
    };
  }

  async connectTransport(
    socketId: string,
    { meetingId, transportId, ip, port, srtpParameters }: SfuConnectPlainTransport,
  ): Promise<void> {
    this.requireEnabled();
    const { transport } = await this.sfu.ownTransport(socketId, meetingId, transportId);
    if (!transport.plain) throw new AppError('bad_request', 'transportId: not a plain RTP transport', 'transportId');
    if (transport.direction !== 'recv')
      throw new AppError(
        'bad_request',
        'transportId: only recv plain transports are connected (send ones learn the address)',
        'transportId',
      );
    // The node answers bad_request when srtpParameters are missing for an SRTP transport, or given for a plain one.
    await transport.ref.connectPlain({ ip, port, ...(srtpParameters ? { srtpParameters } : {}) });
  }

  private requireEnabled(): void {
    if (!this.enabled) throw PlainRtpService.disabled();
  }

  static disabled(): AppError {
    return new AppError('forbidden', 'plain RTP is disabled (SFU_PLAIN_RTP)');
  }
}
