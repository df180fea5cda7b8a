/**
 * Parley across real networks (issue 15): a bed of hosts made of network namespaces
 * (test/network/bed), with Parley deployed on a public segment as docker-compose.yml deploys it
 * and Chromium in client hosts behind NAT routers:
 * - `eim`: endpoint-independent NAT (keeps the source port; filters by address and port);
 * - `sym`: symmetric NAT (a new random port per destination);
 * - `tcp`: only TCP to 443 (web) and 3478 (TURN) leaves.
 * One meeting runs through the file: mesh between eim and sym, then the tcp client joins and
 * the meeting moves to the SFU, spread over the two media hosts; then the links of single
 * clients get loss, a bandwidth cut and a 2 s drop. The figures seen are printed (`[net] …`).
 *
 * Needs root (namespaces, nftables); skipped with the reason otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { ensureClientBuild } from '../support/browser.js';
import { buildServer } from '../support/serverProcess.js';
import { buildMediaWorkers } from '../support/mediaNodeProcess.js';
import { closeBedBrowsers, launchBrowserInHost } from './bed/browserInHost.js';
import { bedUnavailableReason, inNs } from './bed/commands.js';
import { waitUntil } from './bed/hostProcess.js';
import {
  clearImpairments,
  cutLink,
  downlinkDrops,
  limitDownlink,
  setLoss,
  unlimitDownlink,
} from './bed/linkImpairments.js';
import {
  createMeeting,
  joinMeeting,
  lastJoinToFirstFrame,
  newBedUser,
  selectedPairs,
  waitForLiveVideos,
  connectionStates,
  joinCount,
  meetingHostId,
  meetingMode,
  receivedFps,
  receivedVideos,
  type BedUser,
  type FpsSample,
} from './bed/meetingPages.js';
import { MEDIA_PIPE_PORTS, MEDIA_RTC_PORT, deployParley, serverHealth, type ParleyInBed } from './bed/parleyInBed.js';
import { TestBed } from './bed/topology.js';

const SKIP = bedUnavailableReason();
if (SKIP) console.log(`[net] skipped: ${SKIP}`);

let bed: TestBed | undefined;
let parley: ParleyInBed | undefined;
const browsers = new Map<string, Browser>();
const users = new Map<string, BedUser>();
const peerIds = new Map<string, string>();
let meetingId = '';

const user = (name: string) => users.get(name)!;
const peersBut = (name: string) => [...peerIds].filter(([other]) => other !== name).map(([, id]) => id);
const figure = (text: string) => console.log(`[net] ${text}`);

beforeAll(async () => {
  if (SKIP) return;
  ensureClientBuild();
  buildServer();
  buildMediaWorkers();
  bed = TestBed.create();
  bed.addClient('eim', 'endpoint-independent', 1);
  bed.addClient('sym', 'symmetric', 2);
  bed.addClient('tcp', 'tcp-only', 3);
  parley = await deployParley(bed, {
    label: 'net',
    serverEnv: {
      // Two in mesh; the third moves the meeting to the SFU.
      MESH_MAX_PARTICIPANTS: '2',
      MESH_RETURN_AT: '0',
      // Receive transports past 2 consumers on a node go to the other node (piped).
      SFU_NODE_CONSUMER_BUDGET: '2',
    },
  });
  const [sig1, sig2] = parley.servers as [ParleyInBed['servers'][0], ParleyInBed['servers'][0]];
  const originOf = { eim: sig1.url, sym: sig2.url, tcp: sig1.url } as const;
  for (const name of ['eim', 'sym', 'tcp'] as const) {
    const browser = await launchBrowserInHost(bed.client(name).ns, parley.origins);
    browsers.set(name, browser);
    users.set(name, await newBedUser(browser, originOf[name], name));
  }
  meetingId = await createMeeting(user('eim'));
}, 180_000);

afterAll(async () => {
  await closeBedBrowsers();
  await parley?.close();
  bed?.destroy();
});

describe.skipIf(SKIP !== null)('calls across NATs (network namespaces)', () => {
  it('mesh between an endpoint-independent and a symmetric NAT: a relay pair, frames advance', async () => {
    for (const name of ['eim', 'sym']) peerIds.set(name, await joinMeeting(user(name), meetingId));
    for (const name of ['eim', 'sym']) {
      const ms = await waitForLiveVideos(user(name), peersBut(name));
      figure(
        `mesh ${name}: first frame ${await lastJoinToFirstFrame(user(name))} ms after join (live after ${ms} ms of waiting)`,
      );
    }
    // Keeps running: no 'disconnected' after the first frames (issue 15: coturn dropped the
    // allocation when it could not send to a peer's private host candidate; see
    // coturn/turnserver.conf, denied-peer-ip).
    for (let i = 0; i < 6; i++) {
      for (const name of ['eim', 'sym']) {
        const [sample] = await receivedFps(user(name), 1000);
        expect(sample?.fps, `${name} fps`).toBeGreaterThan(3);
        expect(await connectionStates(user(name))).toEqual(['connected']);
      }
    }
    for (const name of ['eim', 'sym']) {
      const pairs = await selectedPairs(user(name));
      figure(`mesh ${name}: selected pair ${JSON.stringify(pairs)}`);
      expect(pairs).toHaveLength(1);
      expect([pairs[0]!.local, pairs[0]!.remote]).toContain('relay');
    }
    // coturn refused the pages' private host candidates (denied-peer-ip) instead of trying to
    // send to them and dropping the allocation on ENETUNREACH.
    const turnLog = parley!.turn.proc.logTail(100_000);
    expect(turnLog).toContain('CREATE_PERMISSION processed, error 403: Forbidden IP');
    expect(turnLog).not.toContain('Network is unreachable');
  }, 90_000);

  it('the TCP-only client joins; the meeting moves to the SFU and every page sees every video', async () => {
    peerIds.set('tcp', await joinMeeting(user('tcp'), meetingId));
    for (const name of users.keys()) {
      await waitUntil(async () => (await meetingMode(user(name))) === 'sfu', 30_000, `${name} not in SFU mode`);
    }
    for (const name of users.keys()) {
      const ms = await waitForLiveVideos(user(name), peersBut(name), 60_000);
      figure(`sfu ${name}: all remote videos live ${ms} ms after the check started`);
    }
    figure(`sfu tcp: first frame ${await lastJoinToFirstFrame(user('tcp'))} ms after join`);
    // The TCP-only page reaches the media node through TURN over TCP; the others directly (UDP).
    await waitUntil(async () => (await connectionStates(user('tcp'))).length >= 2, 10_000, 'tcp transports');
    const tcpPairs = await waitUntil(
      async () => {
        const pairs = await selectedPairs(user('tcp'));
        return pairs.length >= 2 ? pairs : null;
      },
      10_000,
      'tcp pairs',
    );
    figure(`sfu tcp: selected pairs ${JSON.stringify(tcpPairs)}`);
    for (const pair of tcpPairs) expect([pair.local, pair.relayProtocol]).toEqual(['relay', 'tcp']);
    for (const name of ['eim', 'sym']) {
      const pairs = await selectedPairs(user(name));
      figure(`sfu ${name}: selected pairs ${JSON.stringify(pairs)}`);
      for (const pair of pairs) {
        expect(pair.remote).toBe('host');
        expect(pair.remoteAddress).toMatch(new RegExp(`^198\\.18\\.0\\.2[12]:${MEDIA_RTC_PORT}$`));
      }
    }
  }, 120_000);

  it('spreads the meeting over both media hosts, piped inside MEDIA_PIPE_PORTS', async () => {
    // Everyone switched to the SFU at once, before any load report: all on the primary node.
    // Past the node budget (SFU_NODE_CONSUMER_BUDGET=2), a page that comes back gets its receive
    // transport on the other node, fed through a pipe.
    await waitUntil(
      async () => (await serverHealth(parley!.servers[1]!)).media.load.some((node) => node.consumers >= 2),
      10_000,
      'no media node reported its consumers',
    );
    peerIds.set('sym', await joinMeeting(user('sym'), meetingId));
    for (const name of users.keys()) await waitForLiveVideos(user(name), peersBut(name), 60_000);
    // The nodes report their load periodically: wait for a report taken after the rejoin.
    const health = await waitUntil(
      async () => {
        const answer = await serverHealth(parley!.servers[0]!);
        return answer.media.load.length === 2 && answer.media.load.every((node) => node.consumers > 0) ? answer : null;
      },
      10_000,
      'the media nodes do not both report consumers',
    ).catch(() => serverHealth(parley!.servers[0]!));
    figure(`sfu load per media node: ${JSON.stringify(health.media.load)}`);
    expect(health.media.load).toHaveLength(2);
    for (const node of health.media.load) expect(node.consumers, node.id).toBeGreaterThan(0);
    for (const node of parley!.media) {
      const ports = udpPortsOf(node.host.ns, 'mediasoup-work').filter((port) => port !== MEDIA_RTC_PORT);
      figure(`${node.host.name}: worker UDP ports besides ${MEDIA_RTC_PORT}: ${ports.join(',')}`);
      expect(ports.length, node.host.name).toBeGreaterThan(0);
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(MEDIA_PIPE_PORTS.min);
        expect(port).toBeLessThanOrEqual(MEDIA_PIPE_PORTS.max);
      }
    }
  }, 90_000);

  it('5 % random loss on one link: the received frame rate stays at >= 0.9 of the clean one', async () => {
    const name = 'sym';
    const client = bed!.client(name);
    const clean = totalFps(await receivedFps(user(name), 6000));
    setLoss(client, 5);
    try {
      const lossy = totalFps(await receivedFps(user(name), 8000));
      figure(
        `loss 5 %: ${name} receives ${lossy.toFixed(1)} fps (clean ${clean.toFixed(1)}), ratio ${(lossy / clean).toFixed(2)}`,
      );
      expect(lossy / clean).toBeGreaterThanOrEqual(0.9);
    } finally {
      clearImpairments(client);
    }
  }, 60_000);

  it('300 kbit/s downlink: a lower simulcast layer without freezing, the higher one again once lifted', async () => {
    const client = bed!.client('eim');
    // Steady first: every remote video decodes at its full layer.
    const before = await waitUntil(
      async () => {
        const sample = await receivedFps(user('eim'), 2000);
        return sample.length === 2 && sample.every((video) => video.fps > 5) ? sample : null;
      },
      15_000,
      'eim does not receive two steady videos',
    );
    figure(`300 kbit/s: before ${JSON.stringify(before)}`);
    limitDownlink(client, 300);
    let limited: FpsSample[] = [];
    try {
      // The layer comes down; every sample on the way still decodes frames.
      await waitUntil(
        async () => {
          limited = await receivedFps(user('eim'), 1000);
          for (const sample of limited)
            expect(sample.fps, `frames of ${sample.peerId} under 300 kbit/s`).toBeGreaterThan(0);
          return limited.some((sample) => sample.frameHeight < heightOf(before, sample.peerId));
        },
        20_000,
        'no lower layer under 300 kbit/s',
      );
      limited = await receivedFps(user('eim'), 3000);
      figure(`300 kbit/s: limited ${JSON.stringify(limited)}, tbf drops ${downlinkDrops(client)}`);
      for (const sample of limited) expect(sample.fps).toBeGreaterThan(0);
    } finally {
      unlimitDownlink(client);
    }
    // The goal: the higher layer again within 10 s after the limit is lifted (the media
    // node's LayerRecoveryProbe; docs/sfu.md). Watched for 30 s so that a miss still prints.
    const lifted = Date.now();
    const after = await waitUntil(
      async () => {
        const now = await receivedFps(user('eim'), 250);
        return now.every((sample) => sample.frameHeight >= heightOf(before, sample.peerId)) ? now : null;
      },
      30_000,
      'the higher layer did not come back within 30 s',
    );
    const backMs = Date.now() - lifted;
    figure(`300 kbit/s: higher layer back ${backMs} ms after the limit was lifted (goal 10000 ms)`);
    const settled = await receivedFps(user('eim'), 2000);
    figure(`300 kbit/s: after ${JSON.stringify(settled)}`);
    expect(after.length).toBe(2);
    expect(backMs).toBeLessThanOrEqual(10_000);
    for (const sample of settled) expect(sample.fps, `frames of ${sample.peerId} after the limit`).toBeGreaterThan(5);
  }, 90_000);

  it("a 2 s drop of the host's link: media comes back without a rejoin, the host keeps the role", async () => {
    const client = bed!.client('eim');
    const host = user('eim');
    const hostBefore = await meetingHostId(user('sym'), meetingId);
    expect(hostBefore).toBe(host.id);
    const joins = new Map<string, number>();
    for (const name of users.keys()) joins.set(name, await joinCount(user(name)));
    cutLink(client);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    clearImpairments(client);
    // Everyone's video advances again, eim's at the others and the others' at eim (every page
    // watched at once, in windows of 200 ms). The goal: within 3 s; watched for 10 s so
    // that a miss still prints.
    const perPage = await Promise.all(
      [...users.keys()].map((name) => waitForLiveVideos(user(name), peersBut(name), 10_000, 200)),
    );
    const recoveryMs = Math.max(...perPage);
    figure(`2 s drop: all videos live again ${recoveryMs} ms after the link came back (goal 3000 ms)`);
    expect(recoveryMs).toBeLessThanOrEqual(3000);
    for (const name of users.keys()) {
      expect(await joinCount(user(name)), `${name} rejoined`).toBe(joins.get(name));
      const shown = (await receivedVideos(user(name))).map((video) => video.peerId);
      expect(new Set(shown).size, `${name} shows someone twice: ${shown.join(',')}`).toBe(shown.length);
    }
    expect(await meetingHostId(user('sym'), meetingId)).toBe(host.id);
  }, 60_000);
});

const totalFps = (samples: FpsSample[]) => samples.reduce((sum, sample) => sum + sample.fps, 0);
const heightOf = (samples: FpsSample[], peerId: string) => samples.find((s) => s.peerId === peerId)?.frameHeight ?? 0;

/** The local UDP ports of processes whose name starts with `command` in namespace `ns` (ss). */
function udpPortsOf(ns: string, command: string): number[] {
  return inNs(ns, 'ss', '-Huanp')
    .split('\n')
    .filter((line) => line.includes(`(("${command}`))
    .map((line) => Number(line.split(/\s+/)[3]?.split(':').pop()))
    .filter((port) => Number.isInteger(port) && port > 0);
}
