/** UDP sockets of the bots: bound in a port range (or anywhere), and the address to announce. */
import * as dgram from 'node:dgram';
import { isIP } from 'node:net';

export interface PortRange {
  min: number;
  max: number;
}

/** Binds a udp4 socket on `ip`, on the first free port of `range` from `cursor`, or an OS port. */
export async function bindUdp(ip: string, range: PortRange | null, cursor: { next: number }): Promise<dgram.Socket> {
  if (!range) return bindOne(ip, 0);
  const size = range.max - range.min + 1;
  for (let tries = 0; tries < size; tries++) {
    const port = range.min + ((cursor.next++ - range.min + size) % size);
    try {
      return await bindOne(ip, port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free UDP port in ${range.min}-${range.max}`);
}

function bindOne(ip: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 } as dgram.SocketOptions);
    const onError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind(port, ip, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';
const isUnspecified = (ip: string) => ip === '0.0.0.0' || ip === '::';

/**
 * Where to send to a transport whose node answered `ip`: the node's own IP, unless it is an
 * unspecified address (then the server's host).
 */
export function transportTarget(ip: string, baseUrl: string): string {
  if (!isUnspecified(ip)) return ip;
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : '127.0.0.1';
}

/**
 * The local IP the media node can reach this host at: `announced` if given, 127.0.0.1 for a
 * loopback node, else the source address the OS picks for a route to the node.
 */
export async function localAddressFor(nodeIp: string, announced: string | undefined): Promise<string> {
  if (announced) return announced;
  if (isLoopback(nodeIp)) return '127.0.0.1';
  const probe = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.connect(9, nodeIp, () => resolve());
    });
    return probe.address().address;
  } finally {
    probe.close();
  }
}
