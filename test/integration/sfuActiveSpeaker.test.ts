import * as dgram from 'node:dgram';
import { SfuEvents, SfuServerEvents, type ServerEventPayload } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_LEVEL_URI, OPUS, rtpPacketWithLevel } from '../support/rtp.js';
import { startSfuNodesHarness, type SfuNodesHarness } from '../support/sfuHarness.js';
import { registerUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

type ActiveSpeakerPayload = ServerEventPayload<typeof SfuServerEvents.activeSpeaker>;

/**
 * `sfu:active_speaker` end to end: two participants produce opus-like plain RTP carrying the
 * ssrc-audio-level header extension (RFC 6464), one speaking and one silent (127 -dBov); the
 * meeting's sockets are told the speaker's peerId, and again the other's once they swap.
 * Ports 53200-53299.
 *
 * "Speaking" is 10 -dBov with one quieter packet (100 -dBov) in ten: the dominant speaker
 * detection (mediasoup's ActiveSpeakerObserver, after Volfin and Cohen) measures levels above
 * the smallest non-silent level it has seen, so a perfectly constant level counts as noise.
 */
let h: SfuNodesHarness;
let timer: NodeJS.Timeout | undefined;
const udp: dgram.Socket[] = [];

beforeAll(async () => {
  h = await startSfuNodesHarness('h4speaker', {
    serverPort: 53200,
    nodes: [{ rpcPort: 53210, rtcPort: 53220 }],
    env: { SFU_PLAIN_RTP: 'true', MESH_MAX_PARTICIPANTS: '2', MESH_RETURN_AT: '1', MESH_RETURN_HOLD_MS: '600000' },
  });
}, 120_000);

afterAll(async () => {
  clearInterval(timer);
  for (const s of udp) s.close();
  closeAllSockets();
  await h?.close();
});

interface Speaker {
  producerId: string;
  peerId: string;
  loud: boolean;
  send(seq: number): void;
}

async function speaker(socket: TestSocket, meetingId: string, peerId: string, ssrc: number): Promise<Speaker> {
  const t = await ok(socket, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
  const produced = await ok(socket, SfuEvents.produce, {
    meetingId,
    transportId: t.transportId,
    kind: 'audio',
    rtpParameters: { codecs: [OPUS], headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: 1 }], encodings: [{ ssrc }] },
    appData: { source: 'mic' },
  });
  const out = dgram.createSocket('udp4');
  udp.push(out);
  await new Promise<void>((resolve) => out.bind(0, '127.0.0.1', resolve));
  const s: Speaker = {
    producerId: produced.producerId,
    peerId,
    loud: false,
    send(seq) {
      const dBov = !s.loud ? 127 : seq % 10 === 0 ? 100 : 10;
      out.send(rtpPacketWithLevel(seq, ssrc, 1, dBov), t.port, t.ip);
    },
  };
  return s;
}

/** The first sfu:active_speaker for this meeting received after `since`. */
async function speakerAfter(socket: TestSocket, meetingId: string, peerId: string, since: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = socket.events.find(
      (e) =>
        e.event === SfuServerEvents.activeSpeaker &&
        e.at >= since &&
        (e.payload as ActiveSpeakerPayload | undefined)?.meetingId === meetingId &&
        (e.payload as ActiveSpeakerPayload).peerId === peerId,
    );
    if (hit) return hit;
    if (Date.now() > deadline) {
      const seen = socket.events
        .filter((e) => e.event === SfuServerEvents.activeSpeaker)
        .map((e) => [e.at - since, (e.payload as ActiveSpeakerPayload).peerId]);
      throw new Error(`no sfu:active_speaker naming ${peerId} within ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('active speaker', () => {
  it('names the peer that speaks, and the other one once they swap', async () => {
    const users = await Promise.all(['alice', 'bob', 'carol'].map((name) => registerUser(h.url, `h4s${name}`)));
    const [alice, bob, carol] = await Promise.all(users.map((u) => connectSocket(h.url, u.token)));
    const started = await ok(alice!, 'start_meeting', { inviteeIds: users.slice(1).map((u) => u.user.id) });
    const meetingId = started.meeting.id;
    const peerIds: string[] = [];
    for (const s of [alice!, bob!, carol!]) peerIds.push((await ok(s, 'join_meeting', { meetingId })).selfPeerId);
    await alice!.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'sfu');

    await ok(alice!, SfuEvents.getCapabilities, { meetingId });
    await ok(bob!, SfuEvents.getCapabilities, { meetingId });
    // Alice produces first (the observer's first dominant speaker), silent; Bob speaks.
    const a = await speaker(alice!, meetingId, peerIds[0]!, 31_001);
    const b = await speaker(bob!, meetingId, peerIds[1]!, 31_002);
    b.loud = true;
    let seq = 1;
    const phase1 = Date.now();
    timer = setInterval(() => {
      a.send(seq);
      b.send(seq);
      seq++;
    }, 20);

    const first = await speakerAfter(carol!, meetingId, b.peerId, phase1);
    expect(first.payload).toEqual({ meetingId, peerId: b.peerId, producerId: b.producerId });
    for (const s of [alice!, bob!]) await speakerAfter(s, meetingId, b.peerId, phase1, 5_000);

    // Swap: Alice speaks, Bob is silent.
    a.loud = true;
    b.loud = false;
    const phase2 = Date.now();
    const second = await speakerAfter(carol!, meetingId, a.peerId, phase2);
    expect(second.payload).toEqual({ meetingId, peerId: a.peerId, producerId: a.producerId });
    for (const s of [alice!, bob!]) await speakerAfter(s, meetingId, a.peerId, phase2, 5_000);
    clearInterval(timer);
  });
});
