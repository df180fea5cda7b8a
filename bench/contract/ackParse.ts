/**
 * What checking an ack against the contract costs the client (client/src/api/socket.ts
 * `request()`): `safeParse` of big acks, `get_room_info` and `join_meeting` of a meeting of
 * `--participants` people (300 by default), timed over `--rounds` parses after a warm-up, and
 * the JSON decode of the same ack (what Socket.io does anyway) for scale.
 *
 *   npm run bench:ack-parse -- [--participants 300] [--rounds 2000]
 */
import { performance } from 'node:perf_hooks';
import { ClientEventContract, type JoinMeetingResult, type RoomInfo } from '@parley/protocol';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const participants = arg('participants', 300);
const rounds = arg('rounds', 2000);

const meeting = {
  id: '3f1f6b1e-6a43-4a8e-9d55-0f5c2b0e6a11',
  title: 'All hands',
  hostId: 'u0',
  access: 'invited' as const,
  status: 'active' as const,
  mode: 'sfu' as const,
  createdAt: '2026-12-07T18:00:00.000Z',
};
const roomInfo: RoomInfo = {
  meeting,
  mode: 'sfu',
  participants: Array.from({ length: participants }, (_, i) => ({
    peerId: `peer-${i}-0b6c2a5e`,
    user: { id: `user-${i}-7d1e`, username: `user${i}`, displayName: `User Number ${i}` },
  })),
};
const joinResult: JoinMeetingResult = {
  ...roomInfo,
  selfPeerId: 'peer-self',
  iceServers: [{ urls: ['stun:stun.example.org:3478'] }],
  room: {
    locked: false,
    hands: roomInfo.participants.slice(0, 20).map((p, order) => ({ userId: p.user.id, peerId: p.peerId, order })),
  },
};

function time(label: string, body: object, parse: (value: unknown) => boolean): void {
  const json = JSON.stringify(body);
  for (let i = 0; i < 200; i += 1) if (!parse(JSON.parse(json))) throw new Error(`${label}: the ack does not fit`);
  const decoded = Array.from({ length: rounds }, () => JSON.parse(json) as unknown);
  const parseStart = performance.now();
  for (const value of decoded) parse(value);
  const parseMs = (performance.now() - parseStart) / rounds;
  const jsonStart = performance.now();
  for (let i = 0; i < rounds; i += 1) JSON.parse(json);
  const jsonMs = (performance.now() - jsonStart) / rounds;
  console.log(
    `${label}: ${json.length} bytes, safeParse ${(parseMs * 1000).toFixed(1)} µs/ack, ` +
      `JSON.parse ${(jsonMs * 1000).toFixed(1)} µs/ack (${rounds} rounds, ${participants} participants)`,
  );
}

time('get_room_info', roomInfo, (value) => ClientEventContract.get_room_info.ack.safeParse(value).success);
time('join_meeting', joinResult, (value) => ClientEventContract.join_meeting.ack.safeParse(value).success);
