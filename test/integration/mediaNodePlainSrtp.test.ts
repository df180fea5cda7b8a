import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as dgram from 'node:dgram';
import type { RtpCapabilitiesWire } from '@parley/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaNodeClient } from '../../server/src/media/MediaNodeClient.js';
import { buildMediaWorkers, startMediaNodeProcess, stopAllMediaNodes, waitFor } from '../support/mediaNodeProcess.js';
import { OPUS, rtpPacket } from '../support/rtp.js';

// Ports: this file listens only on 46900-46999 (RPC 46900, WebRtcServer 46901, plain transports
// 46910-46949, the test's own sender and sink 46960-46961).
const RPC_PORT = 46900;
const RANGE = { min: 46910, max: 46949 };
const SENDER_PORT = 46960;
const SINK_PORT = 46961;
const SSRC = 0x5eed;

/** RFC 3711 AES_CM_128_HMAC_SHA1_80 receive side on node:crypto (no MKI, ROC 0, kdr 0). */
function srtpKeys(keyBase64: string) {
  const material = Buffer.from(keyBase64, 'base64');
  const masterKey = material.subarray(0, 16);
  const masterSalt = material.subarray(16, 30);
  const derive = (label: number, length: number) => {
    const iv = Buffer.alloc(16);
    masterSalt.copy(iv, 0);
    iv[7] = (iv[7] ?? 0) ^ label;
    const cipher = createCipheriv('aes-128-ctr', masterKey, iv);
    return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
  };
  return { encKey: derive(0, 16), authKey: derive(1, 20), salt: derive(2, 14) };
}

/** The RTP packet inside an SRTP packet, or null when its auth tag is wrong. */
function srtpUnprotect(keys: ReturnType<typeof srtpKeys>, packet: Buffer): Buffer | null {
  const body = packet.subarray(0, packet.length - 10);
  const tag = packet.subarray(packet.length - 10);
  const expected = createHmac('sha1', keys.authKey).update(body).update(Buffer.alloc(4)).digest().subarray(0, 10);
  if (!timingSafeEqual(tag, expected)) return null;
  let headerLength = 12 + 4 * (body[0]! & 0x0f);
  if (body[0]! & 0x10) headerLength += 4 + 4 * body.readUInt16BE(headerLength + 2);
  const iv = Buffer.alloc(16);
  keys.salt.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ body.readUInt32BE(8)) >>> 0, 4);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ body.readUInt16BE(2), 12); // packet index = seq (ROC 0)
  const decipher = createDecipheriv('aes-128-ctr', keys.encKey, iv);
  return Buffer.concat([
    body.subarray(0, headerLength),
    decipher.update(body.subarray(headerLength)),
    decipher.final(),
  ]);
}

async function bound(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return socket;
}

describe('plain transports with SRTP (media node RPC, real worker)', () => {
  const meetingId = `srtp-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  let client: MediaNodeClient;
  let caps: RtpCapabilitiesWire;
  let sender: dgram.Socket;
  let sink: dgram.Socket;
  const received: Buffer[] = [];

  beforeAll(async () => {
    buildMediaWorkers();
    const node = await startMediaNodeProcess({
      MEDIA_WORKERS: '1',
      MEDIA_SECRET: secret,
      MEDIA_RPC_PORT: String(RPC_PORT),
      MEDIA_RTC_PORT: String(RPC_PORT + 1),
    });
    client = new MediaNodeClient({ url: node.url, secret, logger: pino({ level: 'silent' }) });
    await waitFor(() => client.connected, 10_000, 'RPC connection');
    caps = (await client.request('getRouterRtpCapabilities', { meetingId })).rtpCapabilities;
    sender = await bound(SENDER_PORT);
    sink = await bound(SINK_PORT);
    sink.on('message', (msg) => {
      const pt = msg[1] ?? 0;
      if (!(pt >= 192 && pt <= 223)) received.push(msg);
    });
  }, 60_000);

  afterAll(async () => {
    sender?.close();
    sink?.close();
    client?.close();
    await stopAllMediaNodes();
  });

  it('rejects srtpCryptoSuite without enableSrtp, and a connect without the key', async () => {
    await expect(
      client.request('createPlainTransport', { meetingId, srtpCryptoSuite: 'AEAD_AES_128_GCM' }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    const t = await client.request('createPlainTransport', {
      meetingId,
      comedia: false,
      enableSrtp: true,
      portRange: RANGE,
    });
    await expect(
      client.request('connectPlainTransport', { meetingId, transportId: t.id, ip: '127.0.0.1', port: SINK_PORT }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      client.request('connectPlainTransport', {
        meetingId,
        transportId: t.id,
        ip: '127.0.0.1',
        port: SINK_PORT,
        srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: 'not base64!' },
      }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await client.request('closeTransport', { meetingId, transportId: t.id });
  });

  it('forwards plain RTP in as SRTP out, which decrypts to the sent payload', async () => {
    const producerSide = await client.request('createPlainTransport', { meetingId, comedia: true, portRange: RANGE });
    expect(producerSide.port).toBeGreaterThanOrEqual(RANGE.min);
    expect(producerSide.port).toBeLessThanOrEqual(RANGE.max);
    expect(producerSide.srtpParameters).toBeUndefined();
    const producer = await client.request('produce', {
      meetingId,
      transportId: producerSide.id,
      kind: 'audio',
      rtpParameters: { codecs: [OPUS], encodings: [{ ssrc: SSRC }] },
    });

    const consumerSide = await client.request('createPlainTransport', {
      meetingId,
      comedia: false,
      enableSrtp: true,
      portRange: RANGE,
    });
    expect(consumerSide.port).toBeGreaterThanOrEqual(RANGE.min);
    expect(consumerSide.srtpParameters?.cryptoSuite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(Buffer.from(consumerSide.srtpParameters!.keyBase64, 'base64')).toHaveLength(30);
    await client.request('connectPlainTransport', {
      meetingId,
      transportId: consumerSide.id,
      ip: '127.0.0.1',
      port: SINK_PORT,
      srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') },
    });
    await client.request('consume', {
      meetingId,
      transportId: consumerSide.id,
      producerId: producer.id,
      rtpCapabilities: caps,
      paused: false,
    });

    const sent = Array.from({ length: 40 }, (_, i) => {
      const packet = rtpPacket(i + 1, SSRC);
      randomBytes(40).copy(packet, 12); // a payload that cannot match by chance
      return packet;
    });
    for (const packet of sent) {
      await new Promise<void>((resolve, reject) =>
        sender.send(packet, producerSide.port, producerSide.ip, (e) => (e ? reject(e) : resolve())),
      );
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => received.length >= 30, 5_000, 'SRTP packets at the sink');

    const keys = srtpKeys(consumerSide.srtpParameters!.keyBase64);
    const payloads = new Set(sent.map((p) => p.subarray(12).toString('hex')));
    let decrypted = 0;
    for (const packet of received) {
      // The worker may add header extensions; the 40-byte payload ends 10 bytes (the tag) early.
      expect(payloads.has(packet.subarray(packet.length - 50, packet.length - 10).toString('hex'))).toBe(false); // not plain RTP
      const rtp = srtpUnprotect(keys, packet);
      expect(rtp).not.toBeNull();
      expect(rtp).toHaveLength(packet.length - 10);
      expect(payloads.has(rtp!.subarray(rtp!.length - 40).toString('hex'))).toBe(true);
      decrypted++;
    }
    expect(decrypted).toBe(received.length);
  });
});
