import * as mediasoup from 'mediasoup';
import type { Worker } from 'mediasoup/types';
import { afterAll, describe, expect, it } from 'vitest';

// Part 1: the worker binary provided by media-workers/build/provide-worker.mjs, at the path
// mediasoup uses by default (no MEDIASOUP_WORKER_BIN needed).
describe('mediasoup worker binary', () => {
  let worker: Worker | undefined;
  afterAll(() => worker?.close());

  it('starts, routes opus + VP8, creates a WebRtcTransport with DTLS fingerprints and reports resource usage', async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
    expect(worker.pid).toBeGreaterThan(0);

    const router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
      ],
    });
    const mimeTypes = (router.rtpCapabilities.codecs ?? []).map((c) => c.mimeType);
    expect(mimeTypes).toContain('audio/opus');
    expect(mimeTypes).toContain('video/VP8');

    const transport = await router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 41000, max: 41009 } }],
    });
    const { fingerprints } = transport.dtlsParameters;
    expect(fingerprints.map((f) => f.algorithm)).toContain('sha-256');
    for (const f of fingerprints) expect(f.value).toMatch(/^([0-9A-F]{2}:)+[0-9A-F]{2}$/);
    const candidate = transport.iceCandidates[0];
    expect(candidate).toMatchObject({ address: '127.0.0.1', protocol: 'udp' });
    expect(candidate?.port).toBeGreaterThanOrEqual(41000);
    expect(candidate?.port).toBeLessThanOrEqual(41009);
    expect(transport.iceParameters.usernameFragment.length).toBeGreaterThan(0);

    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
    expect(usage.ru_utime + usage.ru_stime).toBeGreaterThanOrEqual(0);
  });
});
