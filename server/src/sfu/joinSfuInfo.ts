import type { JoinSfuInfo } from '@parley/protocol';
import type { Logger } from '../logger.js';
import type { SfuHandOver } from './handover/SfuHandOver.js';
import type { SfuService } from './SfuService.js';

/**
 * A join that resumed `peerId` after a deploy: its SFU objects kept on the media nodes become
 * this socket's (SfuHandOver). False when there were none, they could not be adopted, or there is
 * no hand-over (no Redis): the page then builds new transports.
 */
export async function adoptSfuObjects(
  handOver: SfuHandOver | null,
  socketId: string,
  meetingId: string,
  peerId: string,
  userId: string,
  log: Logger,
): Promise<boolean> {
  if (!handOver) return false;
  return handOver.adopt(socketId, meetingId, peerId, userId).catch((error: unknown) => {
    log.warn({ err: error, meetingId }, 'adopting the sfu objects of a resumed peer failed');
    return false;
  });
}

/**
 * The SFU part of a `join_meeting` ack (docs/sfu.md, "Join speed"): the router's RTP
 * capabilities and, when the page asked for them (`sfuTransports: true`), its send and receive
 * transports, so that a joining page starts with everything `sfu:get_capabilities` and two
 * `sfu:create_transport` would give it. Null when the media node cannot be reached right now (the
 * page asks with those requests instead); transports that fail are left out the same way.
 */
export async function joinSfuInfo(
  sfu: SfuService,
  socketId: string,
  meetingId: string,
  withTransports: boolean,
  log: Logger,
  adopted = false,
): Promise<JoinSfuInfo | null> {
  const none = (what: string) => (error: unknown) => {
    log.debug({ err: error, meetingId }, `no ${what} for the join ack`);
    return null;
  };
  const [capabilities, send, recv] = await Promise.all([
    sfu.capabilities(socketId, { meetingId }).catch(none('router capabilities')),
    withTransports
      ? sfu.createTransport(socketId, { meetingId, direction: 'send' }).catch(none('send transport'))
      : null,
    withTransports
      ? sfu.createTransport(socketId, { meetingId, direction: 'recv' }).catch(none('recv transport'))
      : null,
  ]);
  if (!capabilities) return null;
  return {
    rtpCapabilities: capabilities.rtpCapabilities,
    ...(send && recv ? { transports: { send, recv } } : {}),
    ...(adopted ? { adopted: true as const } : {}),
  };
}
