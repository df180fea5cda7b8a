/**
 * Child process of bench:sfu: the RTP sender (one UDP socket, every producer of the mix, packets
 * sent on a 10 ms timer at the mix's rates) and the sinks (UDP sockets counting what the worker
 * forwards; no decryption). Driven over IPC by trafficClient.ts.
 */
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { serveParent } from './ipc.js';
import { rtpPacket } from './mix.js';
import type { StreamSpec } from './types.js';

const StreamSchema = z.object({
  kind: z.enum(['audio', 'video']),
  codec: z.enum(['opus', 'vp8']),
  packetsPerSecond: z.number().positive(),
  packetBytes: z.number().int().min(16).max(1400),
  packetsPerFrame: z.number().int().min(1).optional(),
});
const Bind = z.object({
  senderPort: z.number().int(),
  sinkPorts: z.array(z.number().int()).min(1),
  /** read: this process reads and counts; held: a stopped child holds them, the kernel counts. */
  sinkMode: z.enum(['read', 'held']),
});
const Send = z.object({ ip: z.string(), port: z.number().int(), streams: z.array(StreamSchema).min(1) });

const SINK_RECV_BUFFER = 128 * 1024;

let sender: dgram.Socket | undefined;
const sinks: dgram.Socket[] = [];
let sinkPorts: number[] = [];
/** The worker's socket the RTP goes to: its drops mean the worker fell behind its input. */
let inputPort: number | undefined;
let received = 0;
let receivedBytes = 0;
let sent = 0;
let timer: NodeJS.Timeout | undefined;

async function bind(port: number, recvBufferSize?: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', ...(recvBufferSize ? { recvBufferSize } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return socket;
}

/**
 * Packets the kernel dropped (full receive buffer) at UDP sockets bound to `ports` on this host:
 * the "drops" column of /proc/net/udp (0 where it cannot be read).
 */
function socketDrops(ports: number[]): number {
  let drops = 0;
  try {
    const wanted = new Set(ports);
    for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const port = parseInt(cols[1]?.split(':')[1] ?? '', 16);
      if (wanted.has(port)) drops += Number(cols[12] ?? 0);
    }
  } catch {
    /* not Linux: no drop count */
  }
  return drops;
}

/** sinkHolder.mjs on `ports`, stopped once bound (SIGSTOP): its sockets are never read. */
async function startHolder(ports: number[]): Promise<void> {
  const file = fileURLToPath(new URL('./sinkHolder.mjs', import.meta.url));
  const child = spawn(process.execPath, [file, ...ports.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sink holder exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  child.kill('SIGSTOP');
  process.once('exit', () => child.kill('SIGKILL'));
  // The parent stops this process with SIGTERM: exit through 'exit' so the holder goes too.
  process.once('SIGTERM', () => process.exit(0));
}

function startSending(ip: string, port: number, streams: StreamSpec[]): void {
  const socket = sender;
  if (!socket) throw new Error('bind first');
  const t0 = performance.now();
  const done = streams.map(() => 0);
  const tick = () => {
    const elapsedS = (performance.now() - t0) / 1000;
    streams.forEach((stream, index) => {
      const due = Math.floor(elapsedS * stream.packetsPerSecond);
      // After a stall, skip ahead rather than burst more than 0.2 s of packets.
      const from = Math.max(done[index]!, due - Math.ceil(stream.packetsPerSecond / 5));
      for (let n = from; n < due; n++) {
        socket.send(rtpPacket(stream, index, n + 1), port, ip);
        sent++;
      }
      done[index] = due;
    });
  };
  timer = setInterval(tick, 10);
}

serveParent(async (request) => {
  switch (request.type) {
    case 'bind': {
      const params = Bind.parse(request);
      sender = await bind(params.senderPort);
      sinkPorts = params.sinkPorts;
      if (params.sinkMode === 'held') {
        await startHolder(params.sinkPorts);
        return { recvBufferSize: 0 };
      }
      for (const port of params.sinkPorts) {
        // A small receive buffer on purpose: when this process falls behind (2 shared cores), the
        // kernel drops and counts (socketDrops) instead of queueing, so received + drops is the
        // arrival count at any moment, without a backlog read seconds later.
        const socket = await bind(port, SINK_RECV_BUFFER);
        socket.on('message', (msg) => {
          const pt = msg[1] ?? 0;
          if (pt >= 192 && pt <= 223) return; // RTCP
          received++;
          receivedBytes += msg.length;
        });
        sinks.push(socket);
      }
      return { recvBufferSize: sinks[0]?.getRecvBufferSize() ?? 0 };
    }
    case 'send': {
      const params = Send.parse(request);
      if (timer) clearInterval(timer);
      inputPort = params.port;
      startSending(params.ip, params.port, params.streams);
      return {};
    }
    case 'counts':
      return {
        at: performance.now(),
        sent,
        received,
        receivedBytes,
        drops: socketDrops(sinkPorts),
        inputDrops: inputPort ? socketDrops([inputPort]) : 0,
      };
    default:
      throw new Error(`unknown request ${request.type}`);
  }
});
