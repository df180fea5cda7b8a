import pino from 'pino';
import { LocalPeers } from '../../../src/meetings/LocalPeers.js';
import { MemoryRoomStore } from '../../../src/meetings/MemoryRoomStore.js';
import { RoomMembership } from '../../../src/meetings/RoomMembership.js';
import type { RoomPeer, RoomStore } from '../../../src/meetings/RoomStore.js';
import { LocalSfuPeers } from '../../../src/sfu/LocalSfuPeers.js';
import { NodeLoss } from '../../../src/sfu/NodeLoss.js';
import { NodePipes } from '../../../src/sfu/NodePipes.js';
import { MemoryPipeStore, type PipeStore } from '../../../src/sfu/PipeStore.js';
import { LeastLoadedPlacement } from '../../../src/sfu/placement/LeastLoadedPlacement.js';
import { MeetingPlacement } from '../../../src/sfu/placement/MeetingPlacement.js';
import type { Placement } from '../../../src/sfu/placement/Placement.js';
import { SfuNotifications } from '../../../src/sfu/SfuNotifications.js';
import { SfuService } from '../../../src/sfu/SfuService.js';
import { MemorySfuStore, type SfuStore } from '../../../src/sfu/SfuStore.js';
import { FakeClientRooms } from './fakeClientRooms.js';
import { FakeMediaNodes } from './fakeMediaNodes.js';

export interface SfuUnderTestOptions {
  nodes?: readonly string[];
  rooms?: RoomStore;
  store?: SfuStore;
  pipes?: PipeStore;
  strategy?: Placement;
  /** SFU_NODE_CONSUMER_BUDGET (default 0: a meeting stays on one node). */
  nodeBudget?: number;
}

/**
 * The SFU domain of one instance as createSfuServices wires it, on in-memory stores (or the
 * ones given) and fake media nodes, with helpers to put sockets into a meeting.
 */
export function sfuUnderTest(options: SfuUnderTestOptions = {}) {
  const logger = pino({ level: 'silent' });
  const media = new FakeMediaNodes(options.nodes ?? ['n1']);
  const rooms = options.rooms ?? new MemoryRoomStore();
  const store = options.store ?? new MemorySfuStore();
  const localPeers = new LocalPeers();
  const io = new FakeClientRooms();
  const local = new LocalSfuPeers();
  const notify = new SfuNotifications(io);
  const pipes = new NodePipes({
    media,
    pipes: options.pipes ?? new MemoryPipeStore(),
    locks: rooms,
    logger,
    nodeBudget: options.nodeBudget ?? 0,
  });
  const placement = new MeetingPlacement({
    nodes: media,
    store,
    strategy: options.strategy ?? new LeastLoadedPlacement(),
    pipes,
    logger,
  });
  const service = new SfuService({
    media,
    store,
    local,
    membership: new RoomMembership(localPeers, rooms),
    io,
    notify,
    placement,
    logger,
    consumerBudget: 0,
    pipes,
  });
  const nodeLoss = new NodeLoss({ service, local, store, pipes, media, placement, notify, logger });

  /** Creates the meeting's room (SFU mode) unless it exists, and joins `socketId` as a new peer. */
  async function join(meetingId: string, socketId: string, userId = `user-${socketId}`): Promise<RoomPeer> {
    await rooms.createRoom(meetingId, { hostId: userId, mode: 'sfu' }, Date.now() + 60_000);
    const peer: RoomPeer = {
      peerId: `peer-${socketId}`,
      userId,
      user: { id: userId, username: userId, displayName: userId },
      socketId,
      instanceId: 'test',
      joinedAt: Date.now(),
    };
    await rooms.addPeer(meetingId, peer, Date.now() + 60_000);
    localPeers.set(socketId, meetingId, peer);
    io.connect(socketId);
    return peer;
  }

  return { media, rooms, store, localPeers, io, local, pipes, placement, service, nodeLoss, join };
}

export const RTP_PARAMETERS = { codecs: [], headerExtensions: [], encodings: [{ ssrc: 1 }], rtcp: {} };
export const RTP_CAPABILITIES = { codecs: [], headerExtensions: [] };
