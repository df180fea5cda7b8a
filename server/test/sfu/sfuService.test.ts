import { SfuServerEvents } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { MemorySfuStore } from '../../src/sfu/SfuStore.js';
import type { Placement } from '../../src/sfu/placement/Placement.js';
import { LeastLoadedPlacement } from '../../src/sfu/placement/LeastLoadedPlacement.js';
import { RTP_CAPABILITIES, RTP_PARAMETERS, sfuUnderTest } from './support/sfuUnderTest.js';

const meetingId = 'meeting-1';

/** A Placement that counts how often it is asked (and otherwise picks like the default). */
class CountingPlacement implements Placement {
  readonly name = 'counting';
  asked = 0;
  chooseNode: Placement['chooseNode'] = (nodes) => {
    this.asked++;
    return new LeastLoadedPlacement().chooseNode(nodes);
  };
}

/** A MemorySfuStore that counts placement reads. */
class CountingStore extends MemorySfuStore {
  nodeReads = 0;
  override getNode(meetingId: string): Promise<string | null> {
    this.nodeReads++;
    return super.getNode(meetingId);
  }
}

/** Two participants: s1 sends a camera, s2 has a recv transport. */
async function twoPeers(sfu: ReturnType<typeof sfuUnderTest>) {
  const { service, join } = sfu;
  await join(meetingId, 's1');
  await join(meetingId, 's2');
  const send = await service.createTransport('s1', { meetingId, direction: 'send' });
  const { producerId } = await service.produce('s1', {
    meetingId,
    transportId: send.transportId,
    kind: 'video',
    rtpParameters: RTP_PARAMETERS,
    appData: { source: 'camera' },
  });
  const recv = await service.createTransport('s2', { meetingId, direction: 'recv' });
  const consume = () =>
    service.consume('s2', {
      meetingId,
      transportId: recv.transportId,
      producerId,
      rtpCapabilities: RTP_CAPABILITIES,
    });
  return { send, recv, producerId, consume };
}

describe('SfuService on in-memory stores and fake media nodes', () => {
  it('produces, consumes and closes: the node is asked, the others are told', async () => {
    const sfu = sfuUnderTest();
    const { producerId, consume } = await twoPeers(sfu);

    const [announced] = sfu.io.sent(SfuServerEvents.newProducer);
    expect(announced).toMatchObject({ rooms: [`meeting:${meetingId}`], except: ['s1'] });
    expect(announced?.payload).toMatchObject({ meetingId, producerId, peerId: 'peer-s1', source: 'camera' });
    expect((await sfu.service.producers('s2', { meetingId })).producers.map((p) => p.producerId)).toEqual([producerId]);

    const consumer = await consume();
    expect(consumer).toMatchObject({ producerId, peerId: 'peer-s1', kind: 'video' });
    expect(sfu.media.callsOf('consume', 'n1')).toHaveLength(1);
    expect(sfu.local.get('peer-s2')?.consumers.has(consumer.consumerId)).toBe(true);

    await sfu.service.producerAction('s1', { meetingId, producerId }, 'close');
    expect(sfu.media.callsOf('closeProducer', 'n1')).toHaveLength(1);
    expect(sfu.io.sent(SfuServerEvents.producerClosed).map((e) => e.payload)).toEqual([
      { meetingId, producerId, peerId: 'peer-s1' },
    ]);
    expect(await sfu.store.listProducers(meetingId)).toEqual([]);
  });

  it('refuses a socket that is not a participant, and a consume in mesh mode', async () => {
    const sfu = sfuUnderTest();
    const { consume } = await twoPeers(sfu);
    await expect(sfu.service.producers('stranger', { meetingId })).rejects.toMatchObject({ code: 'forbidden' });
    await sfu.rooms.setMode(meetingId, 'mesh');
    await expect(consume()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('keeps the placement: N consumes ask neither the strategy nor the store where the meeting is', async () => {
    const strategy = new CountingPlacement();
    const store = new CountingStore();
    const sfu = sfuUnderTest({ nodes: ['n1', 'n2'], strategy, store });
    const { consume } = await twoPeers(sfu);
    expect(strategy.asked).toBe(1);
    const readsBefore = store.nodeReads;

    // Four: SFU_MAX_CONSUMERS_PER_PRODUCER's default.
    for (let i = 0; i < 4; i++) await consume();

    expect(strategy.asked).toBe(1);
    expect(store.nodeReads).toBe(readsBefore);
    expect(sfu.media.callsOf('consume')).toHaveLength(4);
  });

  it('moves the meeting to a live node once its node is lost', async () => {
    const sfu = sfuUnderTest({ nodes: ['n1', 'n2'] });
    await twoPeers(sfu);
    const first = await sfu.store.getNode(meetingId);
    const other = first === 'n1' ? 'n2' : 'n1';

    sfu.media.node(first!).connected = false;
    await sfu.nodeLoss.nodeLost(first!);

    const resets = sfu.io.sent(SfuServerEvents.transportsReset);
    expect(resets.map((e) => e.rooms[0]).sort()).toEqual(['s1', 's2']);
    expect(resets[0]?.payload).toEqual({ meetingId, reason: 'node_lost' });
    expect(sfu.local.get('peer-s1')?.transports.size).toBe(0);

    await sfu.service.createTransport('s1', { meetingId, direction: 'send' });
    expect(await sfu.store.getNode(meetingId)).toBe(other);
    expect(sfu.media.callsOf('createWebRtcTransport', other)).toHaveLength(1);
    expect(sfu.local.get('peer-s1')?.nodeId).toBe(other);
  });

  it('turns a node error into the client error with the same code, internal and unreachable into unavailable', async () => {
    const sfu = sfuUnderTest();
    const { recv } = await twoPeers(sfu);
    const restartIce = () => sfu.service.restartIce('s2', { meetingId, transportId: recv.transportId });
    sfu.media.node('n1').failNext('not_found');
    await expect(restartIce()).rejects.toMatchObject({ name: 'AppError', code: 'not_found' });
    sfu.media.node('n1').failNext('internal');
    await expect(restartIce()).rejects.toMatchObject({ name: 'AppError', code: 'unavailable' });
    sfu.media.node('n1').connected = false;
    await expect(restartIce()).rejects.toMatchObject({ name: 'AppError', code: 'unavailable' });
  });

  it('spreads a full node: the recv transport goes to another node, producers are piped there once', async () => {
    const strategy = new CountingPlacement();
    strategy.chooseNode = (nodes) => nodes.find((n) => n.id === 'n1') ?? null;
    const sfu = sfuUnderTest({ nodes: ['n1', 'n2'], strategy, nodeBudget: 10 });
    sfu.media.node('n1').consumers = 10;
    const { producerId, recv, consume } = await twoPeers(sfu);
    expect(sfu.media.callsOf('createWebRtcTransport', 'n2')).toHaveLength(1);
    expect(sfu.local.get('peer-s2')?.transports.get(recv.transportId)?.ref.node.id).toBe('n2');

    await consume();
    const send = sfu.local.get('peer-s1')!;
    const sendId = [...send.transports.keys()][0]!;
    const { producerId: audioId } = await sfu.service.produce('s1', {
      meetingId,
      transportId: sendId,
      kind: 'audio',
      rtpParameters: RTP_PARAMETERS,
      appData: { source: 'mic' },
    });
    await sfu.service.consume('s2', {
      meetingId,
      transportId: recv.transportId,
      producerId: audioId,
      rtpCapabilities: RTP_CAPABILITIES,
    });

    // One pair of pipe transports (one per node), each producer piped n1 → n2 once, consumed on n2.
    expect(
      sfu.media
        .callsOf('createPipeTransport')
        .map((c) => c.nodeId)
        .sort(),
    ).toEqual(['n1', 'n2']);
    expect(sfu.media.callsOf('connectPipeTransport')).toHaveLength(2);
    expect(sfu.media.callsOf('pipeConsume', 'n1').map((c) => (c.params as { producerId: string }).producerId)).toEqual([
      producerId,
      audioId,
    ]);
    expect(sfu.media.callsOf('pipeProduce', 'n2')).toHaveLength(2);
    expect(sfu.media.callsOf('consume', 'n2')).toHaveLength(2);
    expect(await sfu.pipes.nodes(meetingId)).toEqual(expect.arrayContaining(['n1', 'n2']));
  });

  it('cleans up a peer that left: the others are told, the node closes its objects, the kept placement goes last', async () => {
    const sfu = sfuUnderTest();
    const { producerId } = await twoPeers(sfu);
    expect(sfu.placement.kept(meetingId)?.primary.id).toBe('n1');

    await sfu.service.peerGone('peer-s1', meetingId);
    const closed = sfu.io.sent(SfuServerEvents.producerClosed);
    expect(closed).toEqual([
      expect.objectContaining({ except: ['s1'], payload: { meetingId, producerId, peerId: 'peer-s1' } }),
    ]);
    expect(sfu.media.callsOf('closePeer', 'n1').map((c) => c.params)).toEqual([{ meetingId, peerId: 'peer-s1' }]);
    expect(await sfu.store.listProducers(meetingId)).toEqual([]);
    expect(sfu.placement.kept(meetingId)).toBeDefined();

    await sfu.service.socketGone('s2');
    expect(sfu.local.size).toBe(0);
    expect(sfu.placement.kept(meetingId)).toBeUndefined();
  });

  it('pauses a participant muted by the host on its node, wherever its socket is; the others are told', async () => {
    const sfu = sfuUnderTest();
    const { producerId } = await twoPeers(sfu);
    expect(await sfu.service.pausePeerMedia(meetingId, 'peer-s1', 'video')).toBe(1);
    expect(sfu.media.callsOf('pauseProducer', 'n1').map((c) => c.params)).toEqual([{ meetingId, producerId }]);
    expect(sfu.io.sent(SfuServerEvents.producerPaused)).toEqual([
      expect.objectContaining({ except: ['s1'], payload: { meetingId, producerId, peerId: 'peer-s1' } }),
    ]);
    expect((await sfu.store.getProducer(meetingId, producerId))?.paused).toBe(true);
    expect(await sfu.service.pausePeerMedia(meetingId, 'peer-s1', 'video')).toBe(0);
  });
});
