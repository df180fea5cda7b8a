/**
 * A bot's plain transports, as BotClient opens them at the start of its media and again when
 * the meeting moves to another media node (`sfu:migrate`): the send side (a plain transport,
 * opus + VP8 producers, a BotSender) and the receive side (a plain recv transport, over SRTP
 * unless the options say no, connected to the bot's UDP socket).
 */
import type * as dgram from 'node:dgram';
import { SfuEvents } from '@parley/protocol';
import type { PacketizedClip } from './clipPackets.js';
import { BotSender } from './BotSender.js';
import type { BotShared } from './BotShared.js';
import { BotError, type BotSocket } from './botSignalling.js';
import { audioRtpParameters, videoRtpParameters } from './mediaParams.js';
import { randomSrtpParameters, srtpAuthTagBytes } from './srtp.js';
import { localAddressFor, transportTarget } from './udpSocket.js';

export interface BotTransportContext {
  socket: BotSocket;
  udp: dgram.Socket;
  shared: BotShared;
  meetingId: string;
  baseUrl: string;
}

/**
 * A send transport, a mic and/or a camera producer on it (the camera in as many simulcast
 * layers as `clips`, lowest first; none: mic only), and a started sender.
 */
export async function openSendSide(
  ctx: BotTransportContext,
  clips: readonly PacketizedClip[],
  mic = true,
): Promise<BotSender> {
  const { socket, meetingId, shared } = ctx;
  const t = shared.options.requestTimeoutMs;
  const send = await socket.ack(SfuEvents.createPlainTransport, { meetingId, direction: 'send' }, 'media', t);
  const sender = new BotSender(ctx.udp, clips, shared.clock);
  const producers = [
    ...(mic ? [['audio', 'mic', audioRtpParameters(sender.audioSsrc)] as const] : []),
    ...(clips.length > 0 ? [['video', 'camera', videoRtpParameters(sender.videoSsrcs)] as const] : []),
  ];
  for (const [kind, source, rtpParameters] of producers) {
    await socket.ack(
      SfuEvents.produce,
      { meetingId, transportId: send.transportId, kind, rtpParameters, appData: { source } },
      'media',
      t,
    );
  }
  const target = { ip: transportTarget(send.ip, ctx.baseUrl), port: send.port };
  sender.start(target, { audio: mic, video: clips.length > 0 });
  return sender;
}

export interface RecvSide {
  transportId: string;
  /** SRTP auth tag bytes at the end of each packet (0: plain RTP). */
  authTagBytes: number;
  /** Where the transport's SRTCP comes from (skipped by the bot), or null without SRTP. */
  srtcpFrom: { address: string; port: number } | null;
}

/** A recv transport connected to the bot's socket. */
export async function openRecvSide(ctx: BotTransportContext): Promise<RecvSide> {
  const { socket, meetingId, shared } = ctx;
  const { options } = shared;
  const t = options.requestTimeoutMs;
  const recv = await socket.ack(
    SfuEvents.createPlainTransport,
    { meetingId, direction: 'recv', ...(options.srtp ? { srtp: true } : {}) },
    'media',
    t,
  );
  if (options.srtp && !recv.srtpParameters)
    throw new BotError(
      'media',
      'the server gave no SRTP parameters for the recv transport (a server without bot SRTP? run the bots with srtp off)',
    );
  const bound = ctx.udp.address();
  const ip = options.bindIp !== '0.0.0.0' ? options.bindIp : await localAddressFor(recv.ip, options.announcedIp);
  // SRTP: the node wants the bot's own key; the bot never decrypts (it reads the clear RTP header).
  const srtpParameters = recv.srtpParameters ? randomSrtpParameters(recv.srtpParameters.cryptoSuite) : undefined;
  await socket.ack(
    SfuEvents.connectPlainTransport,
    { meetingId, transportId: recv.transportId, ip, port: bound.port, ...(srtpParameters ? { srtpParameters } : {}) },
    'media',
    t,
  );
  return {
    transportId: recv.transportId,
    authTagBytes: recv.srtpParameters ? srtpAuthTagBytes(recv.srtpParameters.cryptoSuite) : 0,
    srtcpFrom: recv.srtpParameters ? { address: transportTarget(recv.ip, ctx.baseUrl), port: recv.port } : null,
  };
}
