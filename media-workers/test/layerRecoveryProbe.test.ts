import * as mediasoup from 'mediasoup';
import type { Worker } from 'mediasoup/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LayerRecoveryProbe,
  RECOVERY_BASE_CAP,
  isHeldDown,
  nextProbeDelay,
  type ConsumerLayerState,
} from '../src/bwe/LayerRecoveryProbe.js';
import { parseConfig } from '../src/config.js';

const state = (overrides: Partial<ConsumerLayerState>): ConsumerLayerState => ({
  paused: false,
  producerPaused: false,
  preferred: { spatialLayer: 1, temporalLayer: 2 },
  current: { spatialLayer: 0, temporalLayer: 2 },
  producerScores: [10, 10],
  ...overrides,
});

describe('isHeldDown (a consumer below the layer its page asked for)', () => {
  it('is held down below its preferred layer while the producer sends that layer', () => {
    expect(isHeldDown(state({}))).toBe(true);
    // Nothing forwarded at all while the producer sends: held down too.
    expect(isHeldDown(state({ current: undefined }))).toBe(true);
  });

  it('is not held down at its preferred layer, or above the layer the page asked for', () => {
    expect(isHeldDown(state({ current: { spatialLayer: 1, temporalLayer: 2 } }))).toBe(false);
    expect(isHeldDown(state({ preferred: { spatialLayer: 0, temporalLayer: 2 } }))).toBe(false);
  });

  it('is not held down when the producer does not send the higher layer (score 0 or no such stream)', () => {
    expect(isHeldDown(state({ producerScores: [10, 0] }))).toBe(false);
    expect(isHeldDown(state({ producerScores: [10] }))).toBe(false);
    // Wanted is the highest layer that arrives: layer 1 of 3 while layer 2 is missing.
    expect(isHeldDown(state({ preferred: { spatialLayer: 2, temporalLayer: 2 }, producerScores: [10, 10, 0] }))).toBe(
      true,
    );
    expect(
      isHeldDown(
        state({
          preferred: { spatialLayer: 2, temporalLayer: 2 },
          current: { spatialLayer: 1, temporalLayer: 2 },
          producerScores: [10, 10, 0],
        }),
      ),
    ).toBe(false);
    expect(isHeldDown(state({ current: undefined, producerScores: [0, 0] }))).toBe(false);
  });

  it('is not held down while paused (hidden tile) or while the producer is paused', () => {
    expect(isHeldDown(state({ paused: true }))).toBe(false);
    expect(isHeldDown(state({ producerPaused: true }))).toBe(false);
    expect(isHeldDown(state({ preferred: undefined }))).toBe(false);
  });
});

describe('nextProbeDelay', () => {
  it('backs off by half again after each probe in vain, up to the maximum, and resets otherwise', () => {
    let delay = 2000;
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      delay = nextProbeDelay(delay, true, 2000, 6000);
      seen.push(delay);
    }
    expect(seen).toEqual([3000, 4500, 6000, 6000, 6000]);
    expect(nextProbeDelay(delay, false, 2000, 6000)).toBe(2000);
  });
});

describe('MEDIA_LAYER_PROBE_MS', () => {
  it('defaults to 2000 ms; 0 turns the probing off; other values are refused', () => {
    expect(parseConfig({}).layerProbeMs).toBe(2000);
    expect(parseConfig({ MEDIA_LAYER_PROBE_MS: '0' }).layerProbeMs).toBe(0);
    expect(() => parseConfig({ MEDIA_LAYER_PROBE_MS: 'soon' })).toThrow(/MEDIA_LAYER_PROBE_MS/);
  });
});

describe('LayerRecoveryProbe on a mediasoup transport', () => {
  let worker: Worker;
  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
  });
  afterAll(() => worker?.close());

  it('starts the transport at a cap it can raise, and asks for no probe while nothing is held down', async () => {
    const router = await worker.createRouter({ mediaCodecs: [] });
    const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    // The caps the probe sets, recorded on the way to the worker (which answers each call).
    const caps: number[] = [];
    const setMax = transport.setMaxOutgoingBitrate.bind(transport);
    transport.setMaxOutgoingBitrate = async (bitrate: number) => {
      caps.push(bitrate);
      await setMax(bitrate);
    };
    const probe = new LayerRecoveryProbe(transport, 50);
    await probe.start();
    expect(caps).toEqual([RECOVERY_BASE_CAP]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(probe.heldDown()).toBe(false);
    expect(probe.probes).toBe(0);
    expect(caps).toEqual([RECOVERY_BASE_CAP]);
    transport.close();
    router.close();
  });
});
