import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import { SfuEvents, RtpCapabilitiesSchema, type SrtpParametersWire } from '@parley/protocol';
import { MEDIA_RPC_PATH, type MediaRpcAck, type MediaRpcResult } from '@parley/protocol/internal';
import { io as connectRpc } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMediaWorkers, startMediaNodeProcess, stopAllMediaNodes, waitFor } from '../support/mediaNodeProcess.js';
import { OPUS, rtpPacket } from '../support/rtp.js';
import { udpSink } from '../support/udpSink.js';
import {
  waitForMediaNode,
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
} from '../support/serverProcess.js';
import {
  TEST_REDIS_URL,
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  type TestDatabase,
} from '../support/testDatabase.js';
import { registerUser, type TestUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

/** The media node's `getStats` ack, read unchecked off a raw RPC socket. */
type StatsAck = MediaRpcAck<MediaRpcResult<'getStats'>>;

/**
 * Plain RTP signalling (`sfu:create_plain_transport`, `sfu:connect_plain_transport`, SFU_PLAIN_RTP)
 * with a real media node process and two server processes on one database: A with the flag on,
 * B with it off; and recv transports with SRTP (`srtp: true`, the RTP bots' default).
 * Ports: servers 57000-57001, media RPC 57010, RTC 57020, UDP 57100+.
 */
const secret = randomBytes(16).toString('hex');
let on: ServerProcess;
let off: ServerProcess;
let db: TestDatabase;
let prefix: string;
let nodeUrl: string;
const users: TestUser[] = [];
const srtpUsers: TestUser[] = [];
let outsider: TestUser;
const udpSockets: dgram.Socket[] = [];

beforeAll(async () => {
  buildServer();
  buildMediaWorkers();
  prefix = freshRedisPrefix('plainrtp');
  db = await createTestDatabase('plainrtp');
  const node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RTC_PORT: '57020',
    MEDIA_RPC_PORT: '57010',
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_NODE_ID: `plainrtp-${randomBytes(3).toString('hex')}`,
    MEDIA_SECRET: secret,
  });
  nodeUrl = node.url;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    JWT_SECRET: `plain-rtp-test-jwt-secret-${prefix}`,
    MEDIA_NODE_URLS: node.url,
    MEDIA_SECRET: secret,
    // Meetings of three are SFU meetings here: sfu:* requests are refused in mesh mode.
    MESH_MAX_PARTICIPANTS: '2',
    MESH_RETURN_AT: '0',
  };
  on = await startServerProcess({ name: 'plainrtp-on', port: 57000, env: { ...env, SFU_PLAIN_RTP: 'true' } });
  off = await startServerProcess({ name: 'plainrtp-off', port: 57001, env: { ...env, SFU_PLAIN_RTP: 'false' } });
  await waitForMediaNode(on.url);
  for (let i = 0; i < 3; i++) users.push(await registerUser(on.url, `plain${i}`));
  for (let i = 0; i < 3; i++) srtpUsers.push(await registerUser(on.url, `srtp${i}`)); // three: an SFU meeting
  outsider = await registerUser(on.url, 'plainout');
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  for (const s of udpSockets) s.close();
  await stopAllServerProcesses();
  await stopAllMediaNodes();
  await db?.drop().catch(() => undefined);
  if (prefix) await clearRedisPrefix(prefix).catch(() => undefined);
});

/** A meeting of members[0] with the others invited, everyone joined through `url`. */
async function meeting(
  url: string,
  members: TestUser[] = users,
): Promise<{ meetingId: string; sockets: TestSocket[] }> {
  const sockets = await Promise.all(members.map((u) => connectSocket(url, u.token)));
  const started = await ok(sockets[0]!, 'start_meeting', { inviteeIds: members.slice(1).map((u) => u.user.id) });
  const meetingId = started.meeting.id;
  for (const s of sockets) await ok(s, 'join_meeting', { meetingId });
  return { meetingId, sockets };
}

describe('with SFU_PLAIN_RTP off', () => {
  it('answers forbidden to both events, whatever the payload', async () => {
    const { meetingId, sockets } = await meeting(off.url);
    const s = sockets[0]!;
    for (const [event, payload] of [
      [SfuEvents.createPlainTransport, { meetingId, direction: 'send' }],
      [SfuEvents.connectPlainTransport, { meetingId, transportId: 'x', ip: '127.0.0.1', port: 5000 }],
      [SfuEvents.createPlainTransport, 'nonsense'],
    ] as const) {
      const ack = await s.ackRaw(event, payload);
      expect(ack, event).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'plain RTP is disabled (SFU_PLAIN_RTP)' },
      });
    }
    expect(s.socket.connected).toBe(true);
  });
});

describe('with SFU_PLAIN_RTP on', () => {
  let meetingId: string;
  let sockets: TestSocket[];

  beforeAll(async () => {
    ({ meetingId, sockets } = await meeting(on.url));
  });

  it('refuses a user who is not in the meeting', async () => {
    const out = await connectSocket(on.url, outsider.token);
    const ack = await out.ack(SfuEvents.createPlainTransport, { meetingId, direction: 'recv' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const connect = await out.ack(SfuEvents.connectPlainTransport, {
      meetingId,
      transportId: 'abc',
      ip: '127.0.0.1',
      port: 5000,
    });
    expect(connect).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  const malformed: Array<[string, unknown]> = [
    [SfuEvents.createPlainTransport, { meetingId: 'm', direction: 'both' }],
    [SfuEvents.createPlainTransport, { direction: 'send' }],
    [SfuEvents.createPlainTransport, null],
    [SfuEvents.connectPlainTransport, { meetingId: 'm', transportId: 't', ip: 'here', port: 5000 }],
    [SfuEvents.connectPlainTransport, { meetingId: 'm', transportId: 't', ip: '127.0.0.1', port: 0 }],
    [SfuEvents.connectPlainTransport, { meetingId: 'm', transportId: 't', ip: '127.0.0.1', port: 70_000 }],
    [SfuEvents.connectPlainTransport, { meetingId: 'm', ip: '127.0.0.1', port: 5000 }],
    [SfuEvents.createPlainTransport, { meetingId: 'm', direction: 'send', srtp: true }],
    [SfuEvents.createPlainTransport, { meetingId: 'm', direction: 'recv', srtp: 'yes' }],
    [
      SfuEvents.connectPlainTransport,
      {
        meetingId: 'm',
        transportId: 't',
        ip: '127.0.0.1',
        port: 5000,
        srtpParameters: { cryptoSuite: 'NULL', keyBase64: 'A'.repeat(40) },
      },
    ],
    [
      SfuEvents.connectPlainTransport,
      {
        meetingId: 'm',
        transportId: 't',
        ip: '127.0.0.1',
        port: 5000,
        srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: 'not base64!' },
      },
    ],
  ];
  it.each(malformed)('%s with a malformed payload gets bad_request', async (event, payload) => {
    const ack = await sockets[0]!.ackRaw(event, payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(sockets[0]!.socket.connected).toBe(true);
  });

  it('a bot produces on a send transport, another consumes on a recv transport and gets the RTP', async () => {
    const [alice, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
    const send = await ok(alice, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
    expect(send).toMatchObject({ ip: '127.0.0.1', port: expect.any(Number) as unknown });
    expect(send.transportId).toMatch(/^[0-9a-f-]{36}$/);
    const ssrc = 22_334_455;
    const produced = await ok(alice, SfuEvents.produce, {
      meetingId,
      transportId: send.transportId,
      kind: 'audio',
      rtpParameters: { codecs: [OPUS], encodings: [{ ssrc }] },
      appData: { source: 'mic' },
    });

    // Send transports learn the address (comedia); connecting one is refused. Nor can a WebRTC
    // transport be connected this way, or somebody else's transport.
    const badConnect = await alice.ack(SfuEvents.connectPlainTransport, {
      meetingId,
      transportId: send.transportId,
      ip: '127.0.0.1',
      port: 57100,
    });
    expect(badConnect).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'transportId' } });
    const webrtc = await ok(bob, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    const notPlain = await bob.ack(SfuEvents.connectPlainTransport, {
      meetingId,
      transportId: webrtc.transportId,
      ip: '127.0.0.1',
      port: 57100,
    });
    expect(notPlain).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'transportId' } });
    const notMine = await carol.ack(SfuEvents.connectPlainTransport, {
      meetingId,
      transportId: send.transportId,
      ip: '127.0.0.1',
      port: 57100,
    });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const sink = await udpSink(57100, udpSockets);
    const recv = await ok(bob, SfuEvents.createPlainTransport, { meetingId, direction: 'recv' });
    await ok(bob, SfuEvents.connectPlainTransport, {
      meetingId,
      transportId: recv.transportId,
      ip: '127.0.0.1',
      port: sink.port,
    });
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(bob, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    const consumed = await ok(bob, SfuEvents.consume, {
      meetingId,
      transportId: recv.transportId,
      producerId: produced.producerId,
      rtpCapabilities,
    });
    const outSsrc = consumed.rtpParameters.encodings![0]!.ssrc as number;
    expect(outSsrc).toEqual(expect.any(Number));
    await ok(bob, SfuEvents.resumeConsumer, { meetingId, consumerId: consumed.consumerId });

    // The bot's RTP, from its own socket, reaches the recv transport's address (with the consumer's SSRC).
    const bot = await udpSink(57101, udpSockets);
    let seq = 1;
    const timer = setInterval(() => {
      for (let i = 0; i < 5; i++) bot.socket.send(rtpPacket(seq++, ssrc), send.port, send.ip);
    }, 20);
    try {
      await waitFor(() => sink.packets(outSsrc) >= 50, 10_000, 'RTP at the receiving bot');
    } finally {
      clearInterval(timer);
    }

    // The transports belong to the peers: leaving closes them on the node.
    const rpc = connectRpc(nodeUrl, { path: MEDIA_RPC_PATH, auth: { secret }, transports: ['websocket'] });
    try {
      const transports = async () => {
        const ack = (await rpc
          .timeout(5000)
          .emitWithAck('rpc', { method: 'getStats', params: { meetingId } })) as StatsAck;
        return ack.ok ? ack.result.routers.reduce((n, r) => n + r.transports, 0) : -1;
      };
      expect(await transports()).toBe(3);
      await ok(alice, 'leave_meeting', { meetingId });
      await waitFor(async () => (await transports()) === 2, 5000, "alice's plain transport closed");
      bob.close();
      await waitFor(async () => (await transports()) === 0, 5000, "bob's plain and WebRTC transports closed");
    } finally {
      rpc.close();
    }
  });
});

describe('SRTP recv plain transports (srtp: true)', () => {
  const key = (suite: SrtpParametersWire['cryptoSuite'], bytes: number) => ({
    cryptoSuite: suite,
    keyBase64: randomBytes(bytes).toString('base64'),
  });

  it('the node encrypts: the header is clear with the consumer SSRC, the payload is not what was sent; bad keys get bad_request', async () => {
    const { meetingId, sockets } = await meeting(on.url, srtpUsers);
    const [alice, bob] = sockets as [TestSocket, TestSocket];
    const send = await ok(alice, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
    expect(send.srtpParameters).toBeUndefined();
    const ssrc = 33_445_566;
    const produced = await ok(alice, SfuEvents.produce, {
      meetingId,
      transportId: send.transportId,
      kind: 'audio',
      rtpParameters: { codecs: [OPUS], encodings: [{ ssrc }] },
      appData: { source: 'mic' },
    });

    const recv = await ok(bob, SfuEvents.createPlainTransport, { meetingId, direction: 'recv', srtp: true });
    expect(recv.srtpParameters).toEqual({
      cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
      keyBase64: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/) as unknown,
    });
    expect(Buffer.from(recv.srtpParameters!.keyBase64, 'base64').length).toBe(30);
    const sink = await udpSink(57110, udpSockets);
    const target = { meetingId, transportId: recv.transportId, ip: '127.0.0.1', port: sink.port };

    // No key, a key of the wrong length, a key for a plain transport: bad_request, nothing breaks.
    const noKey = await bob.ack(SfuEvents.connectPlainTransport, target);
    expect(noKey).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/srtpParameters required/) as unknown },
    });
    const shortKey = await bob.ack(SfuEvents.connectPlainTransport, {
      ...target,
      srtpParameters: key('AES_CM_128_HMAC_SHA1_80', 28),
    });
    expect(shortKey).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'srtpParameters.keyBase64' } });
    const gcmLength = await bob.ack(SfuEvents.connectPlainTransport, {
      ...target,
      srtpParameters: key('AEAD_AES_256_GCM', 30),
    });
    expect(gcmLength).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'srtpParameters.keyBase64' } });
    const plainRecv = await ok(bob, SfuEvents.createPlainTransport, { meetingId, direction: 'recv' });
    expect(plainRecv.srtpParameters).toBeUndefined();
    const keyForPlain = await bob.ack(SfuEvents.connectPlainTransport, {
      ...target,
      transportId: plainRecv.transportId,
      srtpParameters: key('AES_CM_128_HMAC_SHA1_80', 30),
    });
    expect(keyForPlain).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/without enableSrtp/) as unknown },
    });

    await ok(bob, SfuEvents.connectPlainTransport, { ...target, srtpParameters: key('AES_CM_128_HMAC_SHA1_80', 30) });
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(bob, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    const consumed = await ok(bob, SfuEvents.consume, {
      meetingId,
      transportId: recv.transportId,
      producerId: produced.producerId,
      rtpCapabilities: { ...rtpCapabilities, headerExtensions: [] },
    });
    const outSsrc = consumed.rtpParameters.encodings![0]!.ssrc as number;
    const outPt = consumed.rtpParameters.codecs[0]!.payloadType;
    await ok(bob, SfuEvents.resumeConsumer, { meetingId, consumerId: consumed.consumerId });

    const botSocket = await udpSink(57111, udpSockets);
    let seq = 1;
    const timer = setInterval(() => {
      for (let i = 0; i < 5; i++) botSocket.socket.send(rtpPacket(seq++, ssrc), send.port, send.ip);
    }, 20);
    try {
      await waitFor(() => sink.packets(outSsrc) >= 20, 10_000, 'SRTP at the receiving socket');
    } finally {
      clearInterval(timer);
    }
    const sent = rtpPacket(1, ssrc).subarray(12);
    const packets = sink.firstPackets(outSsrc);
    expect(packets.length).toBe(20);
    const seqs = packets.map((p) => p.readUInt16BE(2));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) & 0xffff);
    const payloads = packets.map((p) => {
      // RTP header in clear: version 2, the consumer's payload type and SSRC.
      expect(p[0]! >> 6).toBe(2);
      expect(p[1]! & 0x7f).toBe(outPt);
      expect(p.readUInt32BE(8)).toBe(outSsrc);
      // Header (+ CSRCs, + extensions if any), the 40-byte payload encrypted, the 10-byte auth tag (AES_CM_128_HMAC_SHA1_80).
      let header = 12 + (p[0]! & 0x0f) * 4;
      if (p[0]! & 0x10) header += 4 + p.readUInt16BE(header + 2) * 4;
      expect(p.length).toBe(header + sent.length + 10);
      const payload = p.subarray(header, header + sent.length);
      expect(Buffer.compare(payload, sent)).not.toBe(0);
      return payload;
    });
    // Two packets' encrypted payloads differ although the sent payloads are the same.
    expect(Buffer.compare(payloads[0]!, payloads[1]!)).not.toBe(0);
  });
});
