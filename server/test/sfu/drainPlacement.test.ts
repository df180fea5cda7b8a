import { describe, expect, it } from 'vitest';
import { leastLoadedNode } from '../../src/media/placement/leastLoadedNode.js';
import { recvTransportNode } from '../../src/media/placement/recvNode.js';
import { LocalSfuPeers, nodesOfPeer } from '../../src/sfu/LocalSfuPeers.js';
import { worker } from './support/fakeMediaNodes.js';

const w = worker;

describe('placement around a draining media node', () => {
  it('places no new meeting on a draining node, however light; null when only draining nodes are left', () => {
    const nodes = [
      { id: 'a', connected: true, workers: [w(0)], draining: true },
      { id: 'b', connected: true, workers: [w(300)], draining: false },
    ];
    expect(leastLoadedNode(nodes)?.id).toBe('b');
    expect(leastLoadedNode(nodes.slice(0, 1))).toBeNull();
  });

  it('puts no recv transport on a draining node (not even the primary) when another one is free', () => {
    const nodes = [
      { id: 'a', connected: true, workers: [w(0)], draining: true },
      { id: 'b', connected: true, workers: [w(10)] },
    ];
    expect(recvTransportNode({ primary: 'a', meetingNodes: [], nodes, budget: 100 })).toBe('b');
  });
});

describe('LocalSfuPeers: the meeting moves to another node (ensure with a new node id)', () => {
  it('keeps what the peer holds, named by the old node, and sends what comes next to the new one', () => {
    const local = new LocalSfuPeers();
    const init = { meetingId: 'm', peerId: 'p', userId: 'u', socketId: 's', nodeId: 'a' };
    const peer = local.ensure(init);
    peer.transports.set('t-send', { direction: 'send' });
    peer.transports.set('t-far', { direction: 'recv', nodeId: 'c' });
    local.addProducer(peer, 'pr', { kind: 'video', source: 'camera', paused: false });
    local.addConsumer(peer, 'co', { producerId: 'x', peerId: 'q', kind: 'video', hidden: false });

    const moved = local.ensure({ ...init, nodeId: 'b' });
    expect(moved).toBe(peer);
    expect(peer.nodeId).toBe('b');
    expect(peer.transports.get('t-send')).toEqual({ direction: 'send', nodeId: 'a' });
    expect(peer.transports.get('t-far')).toEqual({ direction: 'recv', nodeId: 'c' });
    expect(peer.producers.get('pr')?.nodeId).toBe('a');
    expect(peer.consumers.get('co')?.nodeId).toBe('a');
    expect(local.ownerOfProducer('pr')).toBe(peer);
    expect(nodesOfPeer(peer)).toEqual(['b', 'a', 'c']);
  });

  it('still starts a fresh record for another socket', () => {
    const local = new LocalSfuPeers();
    const init = { meetingId: 'm', peerId: 'p', userId: 'u', socketId: 's', nodeId: 'a' };
    const peer = local.ensure(init);
    local.addProducer(peer, 'pr', { kind: 'audio', source: 'mic', paused: false });
    const fresh = local.ensure({ ...init, socketId: 's2' });
    expect(fresh).not.toBe(peer);
    expect(fresh.producers.size).toBe(0);
    expect(local.ownerOfProducer('pr')).toBeUndefined();
  });
});
