import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LocalSfuPeers } from '../../src/sfu/LocalSfuPeers.js';
import { LeastLoadedPlacement } from '../../src/sfu/placement/LeastLoadedPlacement.js';
import { MeetingPlacement } from '../../src/sfu/placement/MeetingPlacement.js';
import type { Placement } from '../../src/sfu/placement/Placement.js';
import { MemorySfuStore } from '../../src/sfu/SfuStore.js';
import { FakeMediaNodes, worker } from '../sfu/support/fakeMediaNodes.js';

const w = worker;

/** A strategy that always names one node, and counts how often it is asked. */
class FixedPlacement implements Placement {
  readonly name = 'fixed';
  asked = 0;
  constructor(public nodeId: string) {}
  chooseNode: Placement['chooseNode'] = (nodes) => {
    this.asked++;
    return nodes.find((n) => n.id === this.nodeId) ?? null;
  };
}

function placementOn(nodes: FakeMediaNodes, strategy: Placement) {
  const store = new MemorySfuStore();
  const added: string[] = [];
  const placement = new MeetingPlacement({
    nodes,
    store,
    strategy,
    pipes: {
      addNode: (_meetingId, nodeId) => Promise.resolve(void added.push(nodeId)),
      recvNode: (_meetingId, primary) => Promise.resolve(primary === 'a' ? 'b' : primary),
    },
    logger: pino({ level: 'silent' }),
  });
  return { store, placement, added };
}

describe('LeastLoadedPlacement (the default strategy)', () => {
  it('chooses as leastLoadedNode: the lightest live node, never a draining one', () => {
    const strategy = new LeastLoadedPlacement();
    const nodes = [
      { id: 'a', connected: true, workers: [w(5)] },
      { id: 'b', connected: true, workers: [w(1)], draining: true },
      { id: 'c', connected: true, workers: [w(3)] },
    ];
    expect(strategy.chooseNode(nodes)?.id).toBe('c');
    expect(strategy.chooseNode(nodes.slice(1, 2))).toBeNull();
  });
});

describe('MeetingPlacement', () => {
  it('asks the strategy once, records the node, and keeps it for the next requests', async () => {
    const strategy = new FixedPlacement('b');
    const { store, placement, added } = placementOn(new FakeMediaNodes(['a', 'b']), strategy);
    const first = await placement.media('m');
    expect(first.primary.id).toBe('b');
    expect(await store.getNode('m')).toBe('b');
    expect(added).toEqual(['b']);
    strategy.nodeId = 'a';
    await store.clearMeeting('m');
    // Kept: neither the store (now empty) nor the strategy is asked again.
    expect((await placement.media('m')).primary.id).toBe('b');
    expect(strategy.asked).toBe(1);
    // `fresh` (a meeting entering the SFU here) reads the shared placement again.
    expect((await placement.media('m', true)).primary.id).toBe('a');
    expect(strategy.asked).toBe(2);
  });

  it('takes the node another instance placed the meeting on (first writer wins)', async () => {
    const strategy = new FixedPlacement('a');
    const { store, placement } = placementOn(new FakeMediaNodes(['a', 'b']), strategy);
    await store.placeNode('m', 'b');
    expect((await placement.media('m')).primary.id).toBe('b');
    expect(strategy.asked).toBe(0);
  });

  it('places the meeting again when its node is unreachable, and tells its media it moved', async () => {
    const nodes = new FakeMediaNodes(['a', 'b']);
    const strategy = new FixedPlacement('a');
    const { store, placement } = placementOn(nodes, strategy);
    const media = await placement.media('m');
    const moves: string[][] = [];
    media.on('moved', (from, to) => moves.push([from, to]));
    nodes.node('a').connected = false;
    strategy.nodeId = 'b';
    expect((await placement.media('m')).primary.id).toBe('b');
    expect(await store.getNode('m')).toBe('b');
    expect(moves).toEqual([['a', 'b']]);
  });

  it('reads the store again while the kept node drains; fails unavailable with no node to go to', async () => {
    const nodes = new FakeMediaNodes(['a']);
    const strategy = new FixedPlacement('a');
    const { placement } = placementOn(nodes, strategy);
    await placement.media('m');
    nodes.node('a').draining = true;
    // Still the meeting's node in the store (NodeDrain moves it): used while reachable.
    expect((await placement.media('m')).primary.id).toBe('a');
    placement.forget('m');
    nodes.node('a').connected = false;
    await expect(placement.media('m')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('puts send transports on the peer primary node and recv ones where the pipes say', async () => {
    const { placement } = placementOn(new FakeMediaNodes(['a', 'b']), new FixedPlacement('a'));
    const peer = new LocalSfuPeers().ensure({ meetingId: 'm', peerId: 'p', userId: 'u', socketId: 's', nodeId: 'a' });
    expect((await placement.transportNode(peer, 'send')).id).toBe('a');
    expect((await placement.transportNode(peer, 'recv')).id).toBe('b');
  });
});
