/**
 * DTLS on the worker binary that provide-worker.mjs installed (regression: the offline build
 * against Debian's OpenSSL crashed with SIGSEGV in libssl on the first DTLS record, in both
 * roles; see media-workers/build/lib/source-fixes.mjs). Real handshakes against a
 * WebRtcTransport: openssl s_client / s_server behind a STUN-speaking relay (both DTLS roles,
 * no browser), then headless Chromium with a raw-SDP RTCPeerConnection and a data channel.
 */
import * as mediasoup from 'mediasoup';
import type { DtlsState, Router, WebRtcTransport, Worker } from 'mediasoup/types';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAllBrowsers, launchBrowser } from '../../test/support/browser.js';
import { requireOpensslCli, SRTP_PROFILE, startOpensslDtlsPeer } from '../../test/support/opensslDtlsPeer.js';

const PORTS = { min: 41100, max: 41119 };
const S_SERVER_PORT = 41139;

// A worker per test, so that a crash in one DTLS role does not hide the other.
let worker: Worker;
let router: Router;
let died: Error | null;

beforeAll(() => requireOpensslCli());

beforeEach(async () => {
  died = null;
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  worker.on('died', (error) => (died = error));
  router = await worker.createRouter({
    mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
  });
});

afterEach(() => worker.close());

afterAll(() => closeAllBrowsers());

/**
 * Resolves with the first DTLS state in `wanted`; rejects when the worker dies or after `ms`,
 * with the states seen.
 */
function dtlsStateOf(transport: WebRtcTransport, wanted: DtlsState[], ms = 15_000): Promise<DtlsState> {
  const seen: DtlsState[] = [];
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`DTLS state never reached ${wanted.join('/')} (seen: ${seen.join(', ') || 'none'}): ${why}`));
    };
    const timer = setTimeout(() => fail(`no change in ${ms} ms`), ms);
    worker.once('died', (error) => fail(`the worker died: ${error.message}`));
    const check = (state: DtlsState) => {
      seen.push(state);
      if (!wanted.includes(state)) return;
      clearTimeout(timer);
      resolve(state);
    };
    transport.on('dtlsstatechange', check);
    if (wanted.includes(transport.dtlsState)) check(transport.dtlsState);
  });
}

describe('DTLS with openssl as the remote peer (no browser)', () => {
  for (const peerRole of ['client', 'server'] as const) {
    const workerRole = peerRole === 'client' ? 'server' : 'client';
    it(`completes the handshake with the worker as DTLS ${workerRole}, negotiating ${SRTP_PROFILE}`, async () => {
      const transport = await router.createWebRtcTransport({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: PORTS }],
      });
      const peer = await startOpensslDtlsPeer({
        role: peerRole,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        serverPort: S_SERVER_PORT,
      });
      try {
        const settled = dtlsStateOf(transport, ['connected', 'failed', 'closed']);
        await transport.connect({ dtlsParameters: peer.dtlsParameters });
        await peer.start();
        expect(await settled, peer.output()).toBe('connected');
        expect(died).toBeNull();
        // openssl prints the negotiated use_srtp profile once its side of the handshake is done.
        const t0 = Date.now();
        while (!peer.output().includes('SRTP Extension negotiated') && Date.now() - t0 < 5000)
          await new Promise((r) => setTimeout(r, 50));
        expect(peer.output()).toContain(`SRTP Extension negotiated, profile=${SRTP_PROFILE}`);
        const [stats] = await transport.getStats();
        expect(stats).toMatchObject({ dtlsState: 'connected', iceState: 'completed' });
      } finally {
        await peer.stop();
        transport.close();
      }
    });
  }
});

/** The SDP answer a mediasoup WebRtcTransport gives to an offer with one data channel. */
function answerFor(offer: string, transport: WebRtcTransport): string {
  const mid = /^a=mid:(\S+)/m.exec(offer)?.[1] ?? '0';
  const fp = transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256')!;
  const lines = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mid}`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 127.0.0.1',
    `a=mid:${mid}`,
    `a=ice-ufrag:${transport.iceParameters.usernameFragment}`,
    `a=ice-pwd:${transport.iceParameters.password}`,
    `a=fingerprint:sha-256 ${fp.value}`,
    'a=setup:passive',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    ...transport.iceCandidates.map(
      (c) => `a=candidate:${c.foundation} 1 ${c.protocol} ${c.priority} ${c.address} ${c.port} typ host`,
    ),
    'a=end-of-candidates',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

describe('DTLS with headless Chromium', () => {
  it('connects an RTCPeerConnection (worker as DTLS server) and opens an SCTP data channel over it', async () => {
    const transport = await router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: PORTS }],
      enableSctp: true,
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const offer = await page.evaluate(async () => {
        const pc = new RTCPeerConnection();
        const channel = pc.createDataChannel('probe', { negotiated: true, id: 0 });
        const w = window as unknown as Record<string, unknown>;
        w.pc = pc;
        w.channelOpen = new Promise((resolve) => channel.addEventListener('open', () => resolve(true)));
        await pc.setLocalDescription(await pc.createOffer());
        return pc.localDescription!.sdp;
      });
      const fingerprint = /^a=fingerprint:sha-256 (\S+)/m.exec(offer)?.[1];
      expect(fingerprint, offer).toBeTruthy();
      const settled = dtlsStateOf(transport, ['connected', 'failed', 'closed']);
      await transport.connect({
        dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint! }] },
      });
      await page.evaluate(
        async (sdp: string) => {
          await (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription({ type: 'answer', sdp });
        },
        answerFor(offer, transport),
      );

      expect(await settled).toBe('connected');
      const opened = await page.evaluate(() =>
        Promise.race([
          (window as unknown as { channelOpen: Promise<boolean> }).channelOpen,
          new Promise((r) => setTimeout(() => r(false), 10_000)),
        ]),
      );
      expect(opened).toBe(true);
      // Chromium can report the peer connection's aggregate state a moment after the channel opens.
      const connectionState = await page.evaluate(async () => {
        const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
        for (let i = 0; i < 50 && pc.connectionState !== 'connected'; i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        return pc.connectionState;
      });
      expect(connectionState).toBe('connected');
      expect(died).toBeNull();
    } finally {
      await browser.close();
      transport.close();
    }
  });
});
