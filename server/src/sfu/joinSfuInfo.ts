import type { JoinSfuInfo } from '@parley/protocol';
import type { Logger } from '../logger.js';
import type { SfuHandOver } from './handover/SfuHandOver.js';
import type { SfuService } from './SfuService.js';

/**
 * A join that resumed its peer after a deploy: the peer's SFU objects kept on the media nodes
 * become this socket's (SfuHandOver). False when there were none, they could not be adopted,
 * there is no hand-over (no Redis), or the meeting is in mesh mode now (what was kept is closed):
 * the page then builds new transports.
 */
export async function adoptSfuObjects(
  handOver: SfuHandOver | null,
  socketId: string,
  joined: { meeting: { id: string }; mode: string; selfPeerId: string },
  userId: string,
  log: Logger,
): Promise<boolean> {
  if (!handOver) return false;
  const { id: meetingId } = joined.meeting;
  const adopting =
    joined.mode === 'sfu'
      ? handOver.adopt(socketId, meetingId, joined.selfPeerId, userId)
      : handOver.discard(meetingId, joined.selfPeerId).then(() => false);
  return adopting.catch((error: unknown) => {
    log.warn({ err: error, meetingId }, 'adopting the sfu objects of a resumed peer failed');
    return false;
  });
}

/**
 * The `sfu` part of a join ack in an SFU meeting: the router's capabilities and, when asked, the
 * page's send and recv transports. One participant check and placement read for all three (as
 * `sfu:get_capabilities` and `sfu:create_transport` would each do), then the node's calls in
 * parallel. Null when the check or the capabilities fail; without the transports when either of
 * them fails (the page then asks for them as before).
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
  const entered = await sfu.peer(socketId, meetingId, true, true).catch(none('sfu peer'));
  if (!entered) return null;
  const { peer, node } = entered;
  const [capabilities, send, recv] = await Promise.all([
    sfu.capabilitiesOn(node, meetingId).catch(none('router capabilities')),
    withTransports ? sfu.createTransportOf(peer, 'send').catch(none('send transport')) : null,
    withTransports ? sfu.createTransportOf(peer, 'recv').catch(none('recv transport')) : null,
  ]);
  if (!capabilities) return null;
  return {
    rtpCapabilities: capabilities.rtpCapabilities,
    ...(send && recv ? { transports: { send, recv } } : {}),
    ...(adopted ? { adopted: true as const } : {}),
  };
}
