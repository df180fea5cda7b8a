/**
 * A browserless remote peer for a mediasoup WebRtcTransport: `openssl s_client` / `s_server`
 * (Debian's openssl binary) does DTLS-SRTP, and a UDP relay in this process does the ICE part
 * (STUN Binding requests from support/stun.ts) and carries the DTLS records between the worker
 * and openssl. The worker sees one ICE tuple, as with a browser.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DtlsParameters, IceCandidate, IceParameters } from 'mediasoup/types';
import { isBindingSuccess, isStun, stunBindingRequest } from './stun.js';

export const SRTP_PROFILE = 'SRTP_AES128_CM_SHA1_80';

export interface OpensslDtlsPeer {
  /** What to pass to transport.connect(): our certificate's fingerprint and our DTLS role. */
  dtlsParameters: DtlsParameters;
  /**
   * Starts ICE (STUN Binding requests) and openssl; call it after transport.connect(). Resolves
   * once the worker answered a Binding request.
   */
  start(): Promise<void>;
  /** Everything openssl printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface PeerOptions {
  /** Our DTLS role: 'client' runs s_client (the worker is the DTLS server), 'server' runs s_server. */
  role: 'client' | 'server';
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  /** UDP port for s_server (role 'server'). */
  serverPort: number;
}

/** Fails with the install line when the openssl command is missing. */
export function requireOpensslCli(): void {
  const run = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error('the openssl command is missing: apt-get install -y openssl');
}

function makeCertificate(dir: string): { cert: string; key: string; fingerprint: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const run = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=parley-dtls-test',
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`openssl req failed: ${run.stderr}`);
  const fingerprint = new crypto.X509Certificate(fs.readFileSync(cert)).fingerprint256;
  return { cert, key, fingerprint };
}

async function bindUdp(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => {}); // ICMP unreachable while openssl starts: the sender retransmits
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

export async function startOpensslDtlsPeer(options: PeerOptions): Promise<OpensslDtlsPeer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-dtls-peer-'));
  const { cert, key, fingerprint } = makeCertificate(dir);
  const candidate = options.iceCandidates.find((c) => c.protocol === 'udp');
  if (!candidate) throw new Error('the transport has no UDP candidate');

  // workerSide talks to the worker (ICE + DTLS); opensslSide talks to openssl.
  const workerSide = await bindUdp();
  const opensslSide = await bindUdp();
  let opensslAddress: { port: number; address: string } | null =
    options.role === 'server' ? { port: options.serverPort, address: '127.0.0.1' } : null;

  let iceUp!: () => void;
  const iceConnected = new Promise<void>((resolve) => (iceUp = resolve));
  const localUfrag = crypto.randomBytes(4).toString('hex');
  const sendStun = () =>
    workerSide.send(
      stunBindingRequest(options.iceParameters, localUfrag),
      candidate.port,
      candidate.ip ?? candidate.address,
    );
  workerSide.on('message', (msg) => {
    if (isStun(msg)) {
      if (isBindingSuccess(msg)) iceUp();
    } else if (opensslAddress) {
      opensslSide.send(msg, opensslAddress.port, opensslAddress.address);
    }
  });
  opensslSide.on('message', (msg, rinfo) => {
    opensslAddress = { port: rinfo.port, address: rinfo.address };
    workerSide.send(msg, candidate.port, candidate.ip ?? candidate.address);
  });

  let output = '';
  const common = ['-dtls1_2', '-cert', cert, '-key', key, '-use_srtp', SRTP_PROFILE];
  const args =
    options.role === 'client'
      ? ['s_client', ...common, '-connect', `127.0.0.1:${opensslSide.address().port}`]
      : ['s_server', ...common, '-accept', `127.0.0.1:${options.serverPort}`, '-verify', '1'];
  const startOpenssl = (): ChildProcess => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] }); // stdin open: stays up
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    return child;
  };

  let openssl: ChildProcess | null = null;
  let stunTimer: NodeJS.Timeout | undefined;

  return {
    dtlsParameters: { role: options.role, fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] },
    async start() {
      if (options.role === 'server') {
        // s_server first, so the worker's ClientHello finds it listening.
        openssl = startOpenssl();
        const t0 = Date.now();
        while (!output.includes('ACCEPT') && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
      }
      sendStun();
      stunTimer = setInterval(sendStun, 250);
      await iceConnected;
      clearInterval(stunTimer);
      if (!openssl) openssl = startOpenssl(); // s_client sends its ClientHello at once
    },
    output: () => output,
    async stop() {
      clearInterval(stunTimer);
      const child = openssl;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      workerSide.close();
      opensslSide.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
