import { SfuServerEvents } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createMediaNotificationHandler } from '../../src/sfu/MediaNotificationHandler.js';
import { LocalSfuPeers, nodesOfPeer } from '../../src/sfu/LocalSfuPeers.js';
import { ConsumerRef } from '../../src/sfu/media/ConsumerRef.js';
import { MediaNodeRef } from '../../src/sfu/media/MediaNodeRef.js';
import { PipeTransportPair } from '../../src/sfu/media/PipeTransportPair.js';
import { ProducerRef } from '../../src/sfu/media/ProducerRef.js';
import { TransportRef } from '../../src/sfu/media/TransportRef.js';
import type { NodeLoss } from '../../src/sfu/NodeLoss.js';
import type { NodePipes } from '../../src/sfu/NodePipes.js';
import { SfuNotifications } from '../../src/sfu/SfuNotifications.js';
import { MemorySfuStore } from '../../src/sfu/SfuStore.js';
import { keptOf } from '../../src/sfu/handover/KeptPeerStore.js';
import { pino } from 'pino';
import { FakeClientRooms } from './support/fakeClientRooms.js';
import { FakeMediaNodes } from './support/fakeMediaNodes.js';
import { RTP_PARAMETERS, sfuUnderTest } from './support/sfuUnderTest.js';

const meetingId = 'm';
const init = { meetingId, peerId: 'p', userId: 'u', socketId: 's', nodeId: 'a' };

/** A peer on node `a` holding a send transport (a), a recv transport on `c`, a producer (a), a consumer (c). */
function peerWithRefs() {
  const media = new FakeMediaNodes(['a', 'b', 'c']);
  const node = (id: string) => new MediaNodeRef(id, media);
  const local = new LocalSfuPeers();
  const peer = local.ensure(init);
  local.addTransport(peer, { direction: 'send', ref: new TransportRef(meetingId, 't-send', node('a')) });
  local.addTransport(peer, { direction: 'recv', ref: new TransportRef(meetingId, 't-far', node('c')) });
  const producer = new ProducerRef(meetingId, 'pr', node('a'));
  local.addProducer(peer, { kind: 'video', source: 'camera', paused: false, ref: producer });
  const consumer = new ConsumerRef(meetingId, 'co', node('c'));
  local.addConsumer(peer, { producerId: 'x', peerId: 'q', kind: 'video', hidden: false, ref: consumer });
  return { media, local, peer, producer, consumer };
}

describe('SFU refs: each held object is a ref bound to its node', () => {
  it('a rebase (the meeting moved) leaves every ref on its node; only what comes next goes to the new one', () => {
    const { local, peer } = peerWithRefs();
    const moved = local.ensure({ ...init, nodeId: 'b' });
    expect(moved).toBe(peer);
    expect(peer.nodeId).toBe('b');
    expect(peer.transports.get('t-send')?.ref.node.id).toBe('a');
    expect(peer.transports.get('t-far')?.ref.node.id).toBe('c');
    expect(peer.producers.get('pr')?.ref.node.id).toBe('a');
    expect(peer.consumers.get('co')?.ref.node.id).toBe('c');
    expect(local.ownerOfProducer('pr')).toBe(peer);
    expect(nodesOfPeer(peer)).toEqual(['b', 'a', 'c']);
  });

  it('the kept JSON of a hand-over names a node only where it is not the peer’s (the stored format)', () => {
    const { local, peer } = peerWithRefs();
    local.ensure({ ...init, nodeId: 'b' });
    expect(JSON.parse(JSON.stringify(keptOf(peer)))).toEqual({
      meetingId,
      peerId: 'p',
      userId: 'u',
      nodeId: 'b',
      transports: [
        ['t-send', { direction: 'send', nodeId: 'a' }],
        ['t-far', { direction: 'recv', nodeId: 'c' }],
      ],
      producers: [['pr', { kind: 'video', source: 'camera', paused: false, nodeId: 'a' }]],
      consumers: [['co', { producerId: 'x', peerId: 'q', kind: 'video', hidden: false, nodeId: 'c' }]],
    });
  });

  it('a ref closed through itself raises close once, and the record drops it at once', async () => {
    const { media, local, peer, producer } = peerWithRefs();
    let closes = 0;
    producer.on('close', () => closes++);
    const closing = producer.close();
    expect(peer.producers.has('pr')).toBe(false);
    expect(local.ownerOfProducer('pr')).toBeUndefined();
    await closing;
    producer.markClosed();
    expect(closes).toBe(1);
    expect(media.callsOf('closeProducer', 'a')).toHaveLength(1);

    await peer.transports.get('t-far')!.ref.close();
    expect([...peer.transports.keys()]).toEqual(['t-send']);
    expect(media.callsOf('closeTransport', 'c')).toHaveLength(1);
  });

  it('a reset forgets without closing: a ref closed later does not touch the new entries', () => {
    const { local, peer, consumer } = peerWithRefs();
    local.reset(peer);
    const again = new ConsumerRef(meetingId, 'co', consumer.node);
    local.addConsumer(peer, { producerId: 'x', peerId: 'q', kind: 'video', hidden: false, ref: again });
    consumer.markClosed();
    expect(peer.consumers.get('co')?.ref).toBe(again);
    expect(local.ownerOfConsumer('co')).toBe(peer);
  });

  it('the node saying it closed raises close: the record drops it, the client is told (origin node only)', () => {
    const { local, peer, producer, consumer } = peerWithRefs();
    const io = new FakeClientRooms();
    io.connect('s');
    const handle = createMediaNotificationHandler({
      notify: new SfuNotifications(io),
      local,
      store: new MemorySfuStore(),
      pipes: { producerClosed: () => Promise.resolve() } as unknown as NodePipes,
      nodeLoss: {} as NodeLoss,
      logger: pino({ level: 'silent' }),
    });
    const closed: string[] = [];
    producer.on('close', () => closed.push('producer'));
    consumer.on('close', () => closed.push('consumer'));
    // A piped copy on another node closing is not the producer closing.
    handle('c', { event: 'producerClosed', data: { meetingId, producerId: 'pr' } });
    expect(peer.producers.has('pr')).toBe(true);
    handle('a', { event: 'producerClosed', data: { meetingId, producerId: 'pr' } });
    handle('c', { event: 'consumerClosed', data: { meetingId, consumerId: 'co', producerId: 'x' } });
    expect(closed).toEqual(['producer', 'consumer']);
    expect(peer.producers.size + peer.consumers.size).toBe(0);
    expect(io.sent(SfuServerEvents.consumerClosed)).toHaveLength(1);
    expect(io.sent(SfuServerEvents.producerClosed)).toHaveLength(1);
  });
});

describe('SfuService through the refs', () => {
  it('binds each object to the node it was made on: calls after the meeting moved still reach it', async () => {
    const sfu = sfuUnderTest({ nodes: ['n1', 'n2'] });
    await sfu.join(meetingId, 's1');
    await sfu.join(meetingId, 's2');
    const send = await sfu.service.createTransport('s1', { meetingId, direction: 'send' });
    const { producerId } = await sfu.service.produce('s1', {
      meetingId,
      transportId: send.transportId,
      kind: 'video',
      rtpParameters: RTP_PARAMETERS,
      appData: { source: 'camera' },
    });
    const first = sfu.local.get('peer-s1')!.nodeId;
    const other = first === 'n1' ? 'n2' : 'n1';
    // A drain moved the meeting: the peer's record is rebased, its refs stay on `first`.
    sfu.placement.placedOn(meetingId, other);
    await sfu.store.placeNode(meetingId, other, first);
    await sfu.service.producerAction('s1', { meetingId, producerId }, 'pause');
    await sfu.service.restartIce('s1', { meetingId, transportId: send.transportId });
    expect(sfu.local.get('peer-s1')!.nodeId).toBe(other);
    expect(sfu.media.callsOf('pauseProducer').map((c) => c.nodeId)).toEqual([first]);
    expect(sfu.media.callsOf('restartIce').map((c) => c.nodeId)).toEqual([first]);
    const recv = await sfu.service.createTransport('s2', { meetingId, direction: 'recv' });
    expect(sfu.local.get('peer-s2')!.transports.get(recv.transportId)?.ref.node.id).toBe(other);
  });
});

describe('PipeTransportPair: the pipe transports between two nodes as one ref', () => {
  const node = (media: FakeMediaNodes, id: string) => new MediaNodeRef(id, media);

  it('opens one connected pipe transport on each node and pipes a producer from either end', async () => {
    const media = new FakeMediaNodes(['a', 'c']);
    const pair = await PipeTransportPair.open(meetingId, node(media, 'a'), node(media, 'c'));
    const [onA] = media.callsOf('createPipeTransport', 'a');
    const record = pair.record;
    expect(Object.keys(record).sort()).toEqual(['a', 'c']);
    expect(
      media.callsOf('connectPipeTransport').map((c) => [c.nodeId, (c.params as { transportId: string }).transportId]),
    ).toEqual([
      ['a', record.a],
      ['c', record.c],
    ]);
    expect(onA?.params).toEqual({ meetingId });

    // The pair of the stored record is the same pair: it pipes `pr` from c to a.
    const again = PipeTransportPair.of(meetingId, record, (id) => node(media, id));
    const pipeConsumerId = await again.pipe('pr', 'c', { source: 'camera' });
    expect(media.callsOf('pipeConsume', 'c')).toEqual([
      { nodeId: 'c', method: 'pipeConsume', params: { meetingId, transportId: record.c, producerId: 'pr' } },
    ]);
    expect(pipeConsumerId).toMatch(/^c-pipeConsume-/);
    expect(media.callsOf('pipeProduce', 'a')[0]?.params).toMatchObject({
      meetingId,
      transportId: record.a,
      producerId: 'pr',
      appData: { source: 'camera' },
    });
    await expect(again.pipe('pr', 'b', {})).rejects.toThrow('node b is not an end');
  });

  it("maps a node's error to the client's (internal → unavailable), like every ref", async () => {
    const media = new FakeMediaNodes(['a', 'c']);
    const pair = await PipeTransportPair.open(meetingId, node(media, 'a'), node(media, 'c'));
    media.node('a').failNext('internal');
    await expect(pair.pipe('pr', 'c', {})).rejects.toMatchObject({ name: 'AppError', code: 'unavailable' });
    media.node('c').connected = false;
    await expect(pair.pipe('pr', 'c', {})).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('closed when node a is lost: raises close once, closes only the transport on the node that is left', async () => {
    const media = new FakeMediaNodes(['a', 'c']);
    const pair = await PipeTransportPair.open(meetingId, node(media, 'a'), node(media, 'c'));
    let closes = 0;
    pair.on('close', () => closes++);
    await pair.closeExcept('a');
    await pair.closeExcept('a');
    expect(closes).toBe(1);
    expect(pair.closed).toBe(true);
    expect(media.callsOf('closeTransport').map((c) => c.params)).toEqual([{ meetingId, transportId: pair.record.c }]);
  });
});
