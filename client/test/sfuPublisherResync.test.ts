import type { types } from 'mediasoup-client';
import { describe, expect, it } from 'vitest';
import type { LocalMediaView, LocalSource } from '../src/meeting/media/LocalMedia.js';
import { SfuPublisher } from '../src/meeting/sfu/SfuPublisher.js';
import type { SfuSignal } from '../src/meeting/sfu/sfuSignal.js';

/**
 * The publisher keeps what the server accepted of each producer's pause apart from the local
 * pause: an unmute whose `sfu:resume_producer` failed while the socket was away (a deploy) is
 * sent again by `resync()` after the resumed join, instead of leaving the server's producer
 * paused while the page thinks it is heard.
 */
function fakeProducer(id: string, track: MediaStreamTrack): types.Producer {
  const producer = {
    id,
    track,
    paused: false,
    closed: false,
    pause: () => void (producer.paused = true),
    resume: () => void (producer.paused = false),
    close: () => void (producer.closed = true),
    on: () => producer,
    replaceTrack: () => Promise.resolve(),
  };
  return producer as unknown as types.Producer;
}

function setUp() {
  const mic = { kind: 'audio', readyState: 'live', getSettings: () => ({}) } as unknown as MediaStreamTrack;
  let micMuted = true;
  const listeners: ((change: LocalSource | 'state') => void)[] = [];
  const local = {
    track: (source: LocalSource) => (source === 'audio' ? mic : null),
    stream: () => ({}) as MediaStream,
    state: () => ({ micMuted, cameraOff: true }),
    onChange: (listener: (change: LocalSource | 'state') => void) => {
      listeners.push(listener);
      return () => undefined;
    },
  } as unknown as LocalMediaView;
  const sent: string[] = [];
  let socketAway = false;
  const signal = {
    producerAction: (action: string, producerId: string) => {
      if (socketAway) return Promise.reject(new Error('socket away'));
      sent.push(`${action} ${producerId}`);
      return Promise.resolve();
    },
  } as unknown as SfuSignal;
  const producers: types.Producer[] = [];
  const transport = {
    produce: ({ track }: { track: MediaStreamTrack }) => {
      const producer = fakeProducer(`prod-${producers.length}`, track);
      producers.push(producer);
      return Promise.resolve(producer);
    },
  } as unknown as types.Transport;
  const device = { rtpCapabilities: { codecs: [] } } as unknown as types.Device;
  const failures: string[] = [];
  const publisher = new SfuPublisher(transport, device, local, signal, (message) => failures.push(message));
  return {
    publisher,
    producers,
    sent,
    failures,
    setMuted: (muted: boolean) => {
      micMuted = muted;
      for (const listener of listeners) listener('state');
    },
    setSocketAway: (away: boolean) => (socketAway = away),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SfuPublisher: what the server was told of a mute', () => {
  it('an unmute lost while the socket was away is sent again by resync()', async () => {
    const call = setUp();
    call.publisher.start();
    await settle();
    expect(call.producers).toHaveLength(1);
    expect(call.producers[0]!.paused).toBe(true); // created muted: the pause went with sfu:produce
    expect(call.sent).toEqual([]);

    call.setSocketAway(true);
    call.setMuted(false);
    await settle();
    expect(call.producers[0]!.paused).toBe(false); // the page sends again at once
    expect(call.sent).toEqual([]);
    expect(call.failures).toEqual(['publish failed']);

    call.setSocketAway(false);
    call.publisher.resync();
    await settle();
    expect(call.sent).toEqual(['resume prod-0']);

    call.publisher.resync(); // nothing left to tell
    await settle();
    expect(call.sent).toEqual(['resume prod-0']);
  });

  it('a mute and unmute both lost leave nothing to send: the server already has it right', async () => {
    const call = setUp();
    call.setMuted(false);
    call.publisher.start();
    await settle();
    call.setSocketAway(true);
    call.setMuted(true);
    await settle();
    call.setMuted(false);
    await settle();
    call.setSocketAway(false);
    call.publisher.resync();
    await settle();
    expect(call.sent).toEqual([]);
    expect(call.producers[0]!.paused).toBe(false);
  });
});
