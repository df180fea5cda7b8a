import { randomBytes } from 'node:crypto';
import {
  SfuEvents,
  type ClientEventName,
  type ClientEventPayload,
  RtpCapabilitiesSchema,
  type RtpCapabilitiesWire,
} from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  waitFor,
  type MediaNodeProcess,
} from '../support/mediaNodeProcess.js';
import { OPUS } from '../support/rtp.js';
import { request } from './_http.js';
import { startCluster, type Cluster } from './chatSupport.js';
import { registerUser } from './meetingsHarness.js';
import { asAck, closeAllSockets, connectSocket, type TestSocket, expectOk } from './testSocket.js';

/**
 * Authorization matrix of every `sfu:*` event and `video-signal` (docs/security.md, "SFU caps"),
 * against two server instances (one database, one Redis) and a real media node: a participant
 * of another meeting, an invitee who has not joined, one who left, a tab replaced by a reload,
 * and everyone after `stop_meeting` are refused (`forbidden` / `not_found`); a participant of the
 * same meeting cannot connect, produce on, consume on, restart, pause, resume or close another
 * participant's transport, producer or consumer, and what the victim holds is untouched. The
 * host and the victim (p1) are on instance A, every attacker's socket on instance B (the
 * reloaded tab: its first socket on B, the reload on A), so each refusal is decided on another
 * instance than the victim's.
 * Ports 53500-53599.
 */
let cluster: Cluster | undefined;
let node: MediaNodeProcess | undefined;
let meetingId: string;
/** The victim's (p1's) objects in the meeting, and the host's producer. */
const ids = { webrtc: '', plainSend: '', plainRecv: '', producer: '', consumer: '', hostProducer: '', p1Peer: '' };
let rtpCapabilities: RtpCapabilitiesWire;
const actors: Record<string, TestSocket> = {};

const ok = <E extends ClientEventName>(socket: TestSocket, event: E, payload: ClientEventPayload<E>) =>
  expectOk(socket, event, payload, 15_000);

const audio = (ssrc: number) => ({ codecs: [OPUS], encodings: [{ ssrc }] });

/** Every event with a well-formed payload aimed at the victim's objects in the meeting. */
const requests = (): Array<[string, unknown]> => [
  [SfuEvents.getCapabilities, { meetingId }],
  [SfuEvents.createTransport, { meetingId, direction: 'send' }],
  [
    SfuEvents.connectTransport,
    {
      meetingId,
      transportId: ids.webrtc,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
    },
  ],
  [SfuEvents.restartIce, { meetingId, transportId: ids.webrtc }],
  [
    SfuEvents.produce,
    {
      meetingId,
      transportId: ids.plainSend,
      kind: 'audio',
      rtpParameters: audio(55_001),
      appData: { source: 'screen' },
    },
  ],
  [SfuEvents.pauseProducer, { meetingId, producerId: ids.producer }],
  [SfuEvents.resumeProducer, { meetingId, producerId: ids.producer }],
  [SfuEvents.closeProducer, { meetingId, producerId: ids.producer }],
  [SfuEvents.getProducers, { meetingId }],
  [SfuEvents.consume, { meetingId, transportId: ids.plainRecv, producerId: ids.hostProducer, rtpCapabilities }],
  [SfuEvents.resumeConsumer, { meetingId, consumerId: ids.consumer }],
  [SfuEvents.pauseConsumer, { meetingId, consumerId: ids.consumer }],
  [SfuEvents.setPreferredLayers, { meetingId, consumerId: ids.consumer, spatialLayer: 0 }],
  [SfuEvents.reportTiles, { meetingId, tiles: [{ consumerId: ids.consumer, width: 10, height: 10, visible: false }] }],
  [SfuEvents.createPlainTransport, { meetingId, direction: 'recv' }],
  [SfuEvents.connectPlainTransport, { meetingId, transportId: ids.plainRecv, ip: '127.0.0.1', port: 9 }],
  ['video-signal', { meetingId, to: ids.p1Peer, signal: { description: { type: 'offer', sdp: 'v=0' } } }],
];

/** Events that name one of the victim's objects (the others only name the meeting). */
const aimed = new Set<string>([
  SfuEvents.connectTransport,
  SfuEvents.restartIce,
  SfuEvents.produce,
  SfuEvents.pauseProducer,
  SfuEvents.resumeProducer,
  SfuEvents.closeProducer,
  SfuEvents.consume,
  SfuEvents.resumeConsumer,
  SfuEvents.pauseConsumer,
  SfuEvents.setPreferredLayers,
  SfuEvents.connectPlainTransport,
]);

async function refusals(actor: TestSocket, only?: Set<string>) {
  const out: Record<string, string> = {};
  for (const [event, payload] of requests()) {
    if (only && !only.has(event)) continue;
    const ack = asAck(await actor.ackRaw(event, payload, 15_000));
    out[event] = ack.ok ? 'ok' : ack.error.code;
  }
  return out;
}

const refusedAll = (codes: Record<string, string>) =>
  Object.entries(codes).filter(([, code]) => code !== 'forbidden' && code !== 'not_found');

beforeAll(async () => {
  buildMediaWorkers();
  const secret = randomBytes(16).toString('hex');
  node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RPC_PORT: '53510',
    MEDIA_RTC_PORT: '53520',
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_NODE_ID: `sfuauthz-${randomBytes(3).toString('hex')}`,
    MEDIA_SECRET: secret,
  });
  cluster = await startCluster('sfuauthz', [53500, 53501], {
    MEDIA_NODE_URLS: node.url,
    MEDIA_SECRET: secret,
    SFU_PLAIN_RTP: 'true',
    MESH_MAX_PARTICIPANTS: '2',
    MESH_RETURN_AT: '1',
    MESH_RETURN_HOLD_MS: '600000',
    EVENT_RATE_SCALE: '100',
  });
  const [a, b] = cluster.servers.map((s) => s.url) as [string, string];
  for (const url of [a, b]) {
    await waitFor(
      async () =>
        ((await request<{ media?: { load?: Array<{ workers: number }> } } | null>(`${url}/health`)).body?.media
          ?.load?.[0]?.workers ?? 0) > 0,
      15_000,
      'the server to see the media node',
    );
  }
  const names = ['host', 'p1', 'p2', 'outsider', 'invitee', 'leaver', 'reloader', 'o2', 'o3'];
  const users = await Promise.all(names.map((name, i) => registerUser(i % 2 ? b : a, `az${name}`)));
  // host and p1 (the victim) on A; p2, the outsider, the invitee, the leaver and the reloaded tab on B.
  const instanceOf = (i: number) => (i <= 1 ? a : b);
  const socketOf = async (i: number, url = instanceOf(i)) => connectSocket(url, users[i]!.token);
  const [host, p1, p2, outsider, invitee, leaver, reloadedTab] = await Promise.all(
    names.slice(0, 7).map((_, i) => socketOf(i)),
  );
  meetingId = (await ok(host!, 'start_meeting', { inviteeIds: users.slice(1, 7).map((u) => u.user.id) })).meeting.id;
  await ok(host!, 'join_meeting', { meetingId });
  ids.p1Peer = (await ok(p1!, 'join_meeting', { meetingId })).selfPeerId;
  await ok(p2!, 'join_meeting', { meetingId });
  await host!.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'sfu');
  await ok(leaver!, 'join_meeting', { meetingId });
  await ok(leaver!, 'leave_meeting', { meetingId });
  await ok(reloadedTab!, 'join_meeting', { meetingId });
  const reload = await socketOf(6, a);
  await ok(reload, 'join_meeting', { meetingId });
  // The outsider is a participant of another meeting (in SFU mode too).
  const other = (await ok(outsider!, 'start_meeting', { inviteeIds: users.slice(7).map((u) => u.user.id) })).meeting.id;
  await ok(outsider!, 'join_meeting', { meetingId: other });
  for (const i of [7, 8]) await ok(await socketOf(i, i === 7 ? a : b), 'join_meeting', { meetingId: other });

  // The host produces; p1 holds a WebRTC transport, plain send and recv transports, a producer
  // and a consumer of the host's producer.
  rtpCapabilities = RtpCapabilitiesSchema.parse(
    (await ok(host!, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
  );
  const hostSend = await ok(host!, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
  ids.hostProducer = (
    await ok(host!, SfuEvents.produce, {
      meetingId,
      transportId: hostSend.transportId,
      kind: 'audio',
      rtpParameters: audio(54_001),
      appData: { source: 'mic' },
    })
  ).producerId;
  ids.webrtc = (await ok(p1!, SfuEvents.createTransport, { meetingId, direction: 'send' })).transportId;
  ids.plainSend = (await ok(p1!, SfuEvents.createPlainTransport, { meetingId, direction: 'send' })).transportId;
  ids.plainRecv = (await ok(p1!, SfuEvents.createPlainTransport, { meetingId, direction: 'recv' })).transportId;
  ids.producer = (
    await ok(p1!, SfuEvents.produce, {
      meetingId,
      transportId: ids.plainSend,
      kind: 'audio',
      rtpParameters: audio(54_002),
      appData: { source: 'mic' },
    })
  ).producerId;
  ids.consumer = (
    await ok(p1!, SfuEvents.consume, {
      meetingId,
      transportId: ids.plainRecv,
      producerId: ids.hostProducer,
      rtpCapabilities,
    })
  ).consumerId;
  Object.assign(actors, { host, p1, p2, outsider, invitee, leaver, reloadedTab });
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.close();
  await node?.stop(5_000);
  await stopAllMediaNodes();
});

describe('SFU authorization matrix', () => {
  for (const who of ['outsider', 'invitee', 'leaver', 'reloadedTab'] as const) {
    it(`refuses every sfu:* event and video-signal of the meeting to ${who}`, async () => {
      const codes = await refusals(actors[who]!);
      expect(Object.keys(codes)).toHaveLength(requests().length);
      expect(refusedAll(codes)).toEqual([]);
    });
  }

  it("refuses a participant every request on another participant's transports, producer and consumer", async () => {
    const codes = await refusals(actors.p2!, aimed);
    expect(Object.keys(codes)).toHaveLength(aimed.size);
    expect(refusedAll(codes)).toEqual([]);
    // Tiles naming another's consumer are skipped.
    expect(
      await ok(actors.p2!, SfuEvents.reportTiles, {
        meetingId,
        tiles: [{ consumerId: ids.consumer, width: 10, height: 10, visible: false }],
      }),
    ).toMatchObject({ applied: 0 });
    // The victim's producer is still there, unpaused.
    const listed = (await ok(actors.host!, SfuEvents.getProducers, { meetingId })).producers;
    expect(listed.find((p) => p.producerId === ids.producer)).toMatchObject({ paused: false });
  });

  it('refuses everyone once the meeting is stopped', async () => {
    await ok(actors.host!, 'stop_meeting', { meetingId });
    for (const who of ['host', 'p1', 'p2'] as const) {
      expect(refusedAll(await refusals(actors[who]!)), who).toEqual([]);
    }
  });
});
