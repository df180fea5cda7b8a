import { describe, expect, it } from 'vitest';
import { leastLoadedNode } from '../../src/media/placement/leastLoadedNode.js';
import { recvTransportNode } from '../../src/media/placement/recvNode.js';
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
