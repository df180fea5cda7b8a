import type { WorkerLoad } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { chooseTransportWorker } from '../../../media-workers/src/placement/transportWorker.js';
import { leastLoadedNode } from '../../src/media/placement/leastLoadedNode.js';
import { spatialLayerForHeight } from '@parley/protocol';

const w = (index: number, producers = 0, consumers = 0, routers = 0, cpu = 0): WorkerLoad => ({
  index,
  pid: 100 + index,
  cpu,
  routers,
  transports: 0,
  producers,
  consumers,
});

describe('leastLoadedNode (a new SFU meeting)', () => {
  it('picks the node whose lightest worker does the least media work', () => {
    const nodes = [
      { id: 'a', connected: true, workers: [w(0, 10, 100), w(1, 5, 50)] },
      { id: 'b', connected: true, workers: [w(0, 0, 20), w(1, 30, 300)] },
    ];
    expect(leastLoadedNode(nodes)?.id).toBe('b');
  });

  it('skips disconnected nodes and nodes without live workers; null when none is left', () => {
    const nodes = [
      { id: 'a', connected: false, workers: [w(0)] },
      { id: 'b', connected: true, workers: [] },
      { id: 'c', connected: true, workers: [w(0, 50, 50)] },
    ];
    expect(leastLoadedNode(nodes)?.id).toBe('c');
    expect(leastLoadedNode(nodes.slice(0, 2))).toBeNull();
  });

  it('breaks ties by routers, then cpu, then total work, then id', () => {
    expect(
      leastLoadedNode([
        { id: 'a', connected: true, workers: [w(0, 0, 0, 3)] },
        { id: 'b', connected: true, workers: [w(0, 0, 0, 1)] },
      ])?.id,
    ).toBe('b');
    expect(
      leastLoadedNode([
        { id: 'a', connected: true, workers: [w(0, 0, 0, 0, 0.5)] },
        { id: 'b', connected: true, workers: [w(0, 0, 0, 0, 0.1)] },
      ])?.id,
    ).toBe('b');
    expect(
      leastLoadedNode([
        { id: 'a', connected: true, workers: [w(0), w(1, 9, 9)] },
        { id: 'b', connected: true, workers: [w(0), w(1, 1, 1)] },
      ])?.id,
    ).toBe('b');
    expect(
      leastLoadedNode([
        { id: 'z', connected: true, workers: [w(0)] },
        { id: 'y', connected: true, workers: [w(0)] },
      ])?.id,
    ).toBe('y');
  });
});

describe('chooseTransportWorker (SFU_CONSUMER_BUDGET)', () => {
  const workers = [w(0), w(1, 0, 10), w(2, 0, 5)];

  it('keeps send transports and budget-less meetings on the primary router', () => {
    const routers = [{ workerIndex: 0, consumers: 999 }];
    expect(chooseTransportWorker({ direction: 'send', consumerBudget: 10, primaryWorker: 0, routers, workers })).toBe(
      0,
    );
    expect(
      chooseTransportWorker({ direction: 'recv', consumerBudget: undefined, primaryWorker: 0, routers, workers }),
    ).toBe(0);
  });

  it('puts a recv transport on the least-busy router under the budget, the primary first on ties', () => {
    const routers = [
      { workerIndex: 1, consumers: 3 },
      { workerIndex: 0, consumers: 3 },
    ];
    expect(chooseTransportWorker({ direction: 'recv', consumerBudget: 10, primaryWorker: 0, routers, workers })).toBe(
      0,
    );
    expect(
      chooseTransportWorker({
        direction: 'recv',
        consumerBudget: 10,
        primaryWorker: 0,
        routers: [
          { workerIndex: 0, consumers: 9 },
          { workerIndex: 1, consumers: 2 },
        ],
        workers,
      }),
    ).toBe(1);
  });

  it('opens a router on the least-loaded unused worker once every router is at the budget', () => {
    const routers = [{ workerIndex: 0, consumers: 10 }];
    expect(chooseTransportWorker({ direction: 'recv', consumerBudget: 10, primaryWorker: 0, routers, workers })).toBe(
      2,
    );
  });

  it('falls back to the meeting router with the fewest consumers when every worker is used', () => {
    const routers = [
      { workerIndex: 0, consumers: 12 },
      { workerIndex: 1, consumers: 11 },
      { workerIndex: 2, consumers: 15 },
    ];
    expect(chooseTransportWorker({ direction: 'recv', consumerBudget: 10, primaryWorker: 0, routers, workers })).toBe(
      1,
    );
  });
});

describe('spatialLayerForHeight', () => {
  it.each([
    [0, 0],
    [180, 0],
    [181, 1],
    [360, 1],
    [361, 2],
    [1080, 2],
  ])('height %i → layer %i', (height, layer) => {
    expect(spatialLayerForHeight(height)).toBe(layer);
  });
});
