import * as dgram from 'node:dgram';

/** A bound UDP socket that counts the RTP packets it receives, by SSRC. */
export interface UdpSink {
  port: number;
  packets: (ssrc?: number) => number;
  /** The first packets (up to 20) of each SSRC, as received. */
  firstPackets: (ssrc: number) => Buffer[];
  socket: dgram.Socket;
}

/**
 * A UDP socket on 127.0.0.1 at `port`, counting RTP packets (not RTCP) by SSRC; added to `opened`
 * (the test closes them when it ends).
 */
export async function udpSink(port: number, opened: dgram.Socket[]): Promise<UdpSink> {
  const socket = dgram.createSocket('udp4');
  opened.push(socket);
  const bySsrc = new Map<number, number>();
  const kept = new Map<number, Buffer[]>();
  socket.on('message', (msg) => {
    const pt = msg[1] ?? 0;
    if (msg.length < 12 || (pt >= 192 && pt <= 223)) return;
    const ssrc = msg.readUInt32BE(8);
    bySsrc.set(ssrc, (bySsrc.get(ssrc) ?? 0) + 1);
    const first = kept.get(ssrc) ?? [];
    if (first.length < 20) kept.set(ssrc, [...first, Buffer.from(msg)]);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  const packets = (ssrc?: number) =>
    ssrc === undefined ? [...bySsrc.values()].reduce((a, b) => a + b, 0) : (bySsrc.get(ssrc) ?? 0);
  return { port, packets, firstPackets: (ssrc) => kept.get(ssrc) ?? [], socket };
}
