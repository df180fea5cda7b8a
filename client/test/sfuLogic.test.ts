/**
 * Unit tests of the SFU client's pure logic (client/src/meeting): the paged grid with the
 * active speaker kept on the first page, the connection-quality levels, the tile report sent
 * with sfu:report_tiles, and the make-before-break switch between two transports (with stand-in
 * sessions). No browser needed; the SFU browser tests are test/browser/sfu*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ModeSwitch, flowingPeers, switchComplete } from '../src/meeting/call/ModeSwitch.js';
import { gridPage } from '../src/meeting/layout/paging.js';
import { connectionQuality } from '../src/meeting/layout/quality.js';
import type { MeetingSession, PeerStats, RemoteMedia } from '../src/meeting/session/MeetingSession.js';
import { SfuFeeds, newestLive, type Feed } from '../src/meeting/sfu/SfuFeeds.js';
import { consumerTiles } from '../src/meeting/sfu/TileReporter.js';

const ids = (count: number) => Array.from({ length: count }, (_, index) => `p${index}`);
const key = (item: string) => item;

describe('gridPage', () => {
  it('puts 8 remote tiles on the first page (the own preview takes the 9th) and 9 on the next', () => {
    const all = ids(20);
    const first = gridPage(all, key, null, 0);
    expect(first.items).toEqual(ids(8));
    expect(first.pages).toBe(3);
    expect(gridPage(all, key, null, 1).items).toEqual(all.slice(8, 17));
    expect(gridPage(all, key, null, 2).items).toEqual(all.slice(17));
  });

  it('keeps the active speaker on the first page by swapping it with the last slot', () => {
    const all = ids(20);
    const first = gridPage(all, key, 'p15', 0);
    expect(first.items).toContain('p15');
    expect(first.items.slice(0, 7)).toEqual(ids(7));
    expect(first.items[7]).toBe('p15');
    const second = gridPage(all, key, 'p15', 1);
    expect(second.items).toContain('p7');
    expect(second.items).not.toContain('p15');
  });

  it('leaves a speaker already on the first page where it is and clamps the page number', () => {
    const all = ids(5);
    expect(gridPage(all, key, 'p3', 0).items).toEqual(all);
    const clamped = gridPage(all, key, null, 7);
    expect(clamped.page).toBe(0);
    expect(clamped.pages).toBe(1);
  });
});

const stats = (overrides: Partial<PeerStats>): PeerStats => ({
  peerId: 'a',
  state: 'connected',
  framesDecoded: 100,
  framesPerSecond: 15,
  audioPacketsReceived: 0,
  roundTripTime: null,
  candidatePair: null,
  packetsLost: 0,
  packetsReceived: 0,
  jitter: 0.005,
  ...overrides,
});

describe('connectionQuality', () => {
  it('is good with no loss, low jitter and a full frame rate', () => {
    const quality = connectionQuality(stats({ packetsReceived: 100 }), stats({ packetsReceived: 400 }));
    expect(quality.level).toBe('good');
    expect(quality.loss).toBe(0);
    expect(quality.jitterMs).toBeCloseTo(5);
  });

  it('judges loss over the interval, not since the start', () => {
    const before = stats({ packetsReceived: 1000, packetsLost: 300 });
    expect(connectionQuality(before, stats({ packetsReceived: 1300, packetsLost: 300 })).level).toBe('good');
    expect(connectionQuality(before, stats({ packetsReceived: 1300, packetsLost: 310 })).level).toBe('fair');
    expect(connectionQuality(before, stats({ packetsReceived: 1300, packetsLost: 350 })).level).toBe('poor');
  });

  it('is poor on a low frame rate or a failed connection, fair on high jitter', () => {
    const before = stats({ packetsReceived: 100 });
    expect(connectionQuality(before, stats({ packetsReceived: 200, framesPerSecond: 3 })).level).toBe('poor');
    expect(connectionQuality(before, stats({ packetsReceived: 200, jitter: 0.05 })).level).toBe('fair');
    expect(connectionQuality(before, stats({ packetsReceived: 200, state: 'failed' })).level).toBe('poor');
  });
});

describe('consumerTiles', () => {
  it('matches tiles by participant and source and reports the rest invisible', () => {
    const feeds = [
      { consumerId: 'c1', peerId: 'a', source: 'camera' },
      { consumerId: 'c2', peerId: 'a', source: 'screen' },
      { consumerId: 'c3', peerId: 'b', source: 'camera' },
    ];
    const report = consumerTiles(feeds, [
      { peerId: 'a', source: 'camera', width: 319.6, height: 180.2, visible: true },
      { peerId: 'a', source: 'screen', width: 1280, height: 720, visible: false },
    ]);
    expect(report).toEqual([
      { consumerId: 'c1', width: 320, height: 180, visible: true },
      { consumerId: 'c2', width: 1280, height: 720, visible: false },
      { consumerId: 'c3', width: 0, height: 0, visible: false },
    ]);
  });
});

/** A stand-in transport: media per peer, and frames decoded set by the test. */
class FakeSession implements MeetingSession {
  closed = false;
  frames = new Map<string, number>();
  handedOff: string[] = [];
  held = false;
  arrivedPeers: string[] = [];
  waiting = false;
  constructor(
    readonly mode: 'mesh' | 'sfu',
    private readonly streams: Map<string, RemoteMedia>,
  ) {}
  addPeer(): void {}
  removePeer(): void {}
  media(peerId: string): RemoteMedia | null {
    return this.streams.get(peerId) ?? null;
  }
  stats(): Promise<PeerStats[]> {
    return Promise.resolve([...this.frames].map(([peerId, framesDecoded]) => stats({ peerId, framesDecoded })));
  }
  close(): void {
    this.closed = true;
  }
  handOff(peerId: string): void {
    this.handedOff.push(peerId);
  }
  holding(): boolean {
    return this.held;
  }
  arrived(peerId: string): void {
    this.arrivedPeers.push(peerId);
  }
  awaiting(): boolean {
    return this.waiting;
  }
}

function remote(peerId: string, label: string): RemoteMedia {
  const track = { readyState: 'live', label };
  const camera = { id: label, getVideoTracks: () => [track] } as unknown as MediaStream;
  return { peerId, camera, screen: null, micMuted: false, cameraOff: false, state: 'connected' };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ModeSwitch', () => {
  it('flowingPeers and switchComplete read decoded frames', () => {
    const ready = flowingPeers([stats({ peerId: 'a', framesDecoded: 3 }), stats({ peerId: 'b', framesDecoded: 0 })]);
    expect([...ready]).toEqual(['a']);
    expect(switchComplete(['a'], ready)).toBe(true);
    expect(switchComplete(['a', 'b'], ready)).toBe(false);
  });

  it('shows each peer over the old transport until the new one decodes it, then closes the old', async () => {
    const mesh = new FakeSession(
      'mesh',
      new Map([
        ['a', remote('a', 'mesh-a')],
        ['b', remote('b', 'mesh-b')],
      ]),
    );
    const sfu = new FakeSession(
      'sfu',
      new Map([
        ['a', remote('a', 'sfu-a')],
        ['b', remote('b', 'sfu-b')],
      ]),
    );
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 20, timeoutMs: 5000 });
    transports.reset(mesh);
    let done = 0;
    transports.switchTo(
      sfu,
      () => ['a', 'b'],
      () => done++,
    );
    expect(transports.sessions().map((session) => session.mode)).toEqual(['sfu', 'mesh']);
    expect(transports.media('a')?.camera?.id).toBe('mesh-a');

    sfu.frames.set('a', 5);
    await wait(40);
    expect(transports.media('a')?.camera?.id).toBe('sfu-a');
    expect(transports.media('b')?.camera?.id).toBe('mesh-b');
    expect(mesh.closed).toBe(false);

    sfu.frames.set('b', 1);
    await wait(80);
    expect(transports.media('b')?.camera?.id).toBe('sfu-b');
    expect(mesh.closed).toBe(true);
    expect(done).toBe(1);
    expect(transports.sessions().map((session) => session.mode)).toEqual(['sfu']);
    transports.closeAll();
    expect(sfu.closed).toBe(true);
  });

  it('does not report a switch that closeAll cancelled as done', async () => {
    const mesh = new FakeSession('mesh', new Map([['a', remote('a', 'mesh-a')]]));
    const sfu = new FakeSession('sfu', new Map([['a', remote('a', 'sfu-a')]]));
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 10, timeoutMs: 5000 });
    transports.reset(mesh);
    let done = 0;
    transports.switchTo(
      sfu,
      () => ['a'],
      () => done++,
    );
    transports.closeAll();
    sfu.frames.set('a', 5);
    await wait(60);
    expect(done).toBe(0);
    expect(mesh.closed && sfu.closed).toBe(true);
  });

  it('hands each peer off as it moves and keeps the old transport while the others still hold it', async () => {
    const mesh = new FakeSession(
      'mesh',
      new Map([
        ['a', remote('a', 'mesh-a')],
        ['b', remote('b', 'mesh-b')],
      ]),
    );
    const sfu = new FakeSession(
      'sfu',
      new Map([
        ['a', remote('a', 'sfu-a')],
        ['b', remote('b', 'sfu-b')],
      ]),
    );
    mesh.held = true;
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 0, timeoutMs: 5000, releaseTimeoutMs: 5000 });
    transports.reset(mesh);
    transports.switchTo(sfu, () => ['a', 'b', 'c']);
    sfu.frames.set('a', 5);
    await wait(40);
    expect(mesh.handedOff).toEqual(['a']);
    sfu.frames.set('b', 5);
    await wait(60);
    // Everyone this page expected moved: every participant is handed off (c had no video).
    expect(new Set(mesh.handedOff)).toEqual(new Set(['a', 'b', 'c']));
    expect(transports.media('b')?.camera?.id).toBe('sfu-b');
    expect(mesh.closed).toBe(false);
    mesh.held = false;
    await wait(40);
    expect(mesh.closed).toBe(true);
    expect(transports.sessions().map((session) => session.mode)).toEqual(['sfu']);
  });

  it('going back to mesh, tells each peer it is shown and keeps the SFU until every peer shows this page', async () => {
    const sfu = new FakeSession(
      'sfu',
      new Map([
        ['a', remote('a', 'sfu-a')],
        ['b', remote('b', 'sfu-b')],
      ]),
    );
    const mesh = new FakeSession(
      'mesh',
      new Map([
        ['a', remote('a', 'mesh-a')],
        ['b', remote('b', 'mesh-b')],
      ]),
    );
    mesh.waiting = true;
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 0, timeoutMs: 5000, releaseTimeoutMs: 5000 });
    transports.reset(sfu);
    transports.switchTo(mesh, () => ['a', 'b']);
    mesh.frames.set('a', 5);
    await wait(40);
    expect(mesh.arrivedPeers).toEqual(['a']);
    mesh.frames.set('b', 5);
    await wait(60);
    expect(mesh.arrivedPeers).toEqual(['a', 'b']);
    expect(transports.media('b')?.camera?.id).toBe('mesh-b');
    // Both show over the mesh here, but a peer still shows this page over the SFU.
    expect(sfu.closed).toBe(false);
    mesh.waiting = false;
    await wait(40);
    expect(sfu.closed).toBe(true);
    expect(transports.sessions().map((session) => session.mode)).toEqual(['mesh']);
  });

  it('closes a held old transport after the release timeout', async () => {
    const mesh = new FakeSession('mesh', new Map([['a', remote('a', 'mesh-a')]]));
    const sfu = new FakeSession('sfu', new Map([['a', remote('a', 'sfu-a')]]));
    mesh.held = true;
    sfu.frames.set('a', 3);
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 0, timeoutMs: 5000, releaseTimeoutMs: 80 });
    transports.reset(mesh);
    transports.switchTo(sfu, () => ['a']);
    await wait(50);
    expect(mesh.closed).toBe(false);
    await wait(120);
    expect(mesh.closed).toBe(true);
  });

  it('closes the old transport after the timeout once some video flows over the new one', async () => {
    const mesh = new FakeSession(
      'mesh',
      new Map([
        ['a', remote('a', 'mesh-a')],
        ['b', remote('b', 'mesh-b')],
      ]),
    );
    const sfu = new FakeSession('sfu', new Map([['a', remote('a', 'sfu-a')]]));
    sfu.frames.set('a', 3);
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 0, timeoutMs: 60, hardTimeoutMs: 5000 });
    transports.reset(mesh);
    transports.switchTo(sfu, () => ['a', 'b']);
    await wait(30);
    expect(mesh.closed).toBe(false);
    await wait(120);
    expect(mesh.closed).toBe(true);
    expect(transports.current()).toBe(sfu);
  });

  it('keeps the old transport up to the hard timeout while the new one shows no video at all', async () => {
    const mesh = new FakeSession('mesh', new Map([['a', remote('a', 'mesh-a')]]));
    const sfu = new FakeSession('sfu', new Map());
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 0, timeoutMs: 30, hardTimeoutMs: 200 });
    transports.reset(mesh);
    transports.switchTo(sfu, () => ['a']);
    await wait(120);
    expect(mesh.closed).toBe(false);
    expect(transports.media('a')?.camera?.id).toBe('mesh-a');
    await wait(200);
    expect(mesh.closed).toBe(true);
  });

  it('a drain move: swapped() once every peer shows over the new session, the old one held until released', async () => {
    const old = new FakeSession('sfu', new Map([['a', remote('a', 'old-a')]]));
    const fresh = new FakeSession('sfu', new Map([['a', remote('a', 'new-a')]]));
    old.held = true;
    const transports = new ModeSwitch({ pollMs: 10, settleMs: 0, timeoutMs: 5000, releaseTimeoutMs: 5000 });
    transports.reset(old);
    transports.switchTo(fresh, () => ['a']);
    expect(transports.swapped()).toBe(false);
    fresh.frames.set('a', 5);
    await wait(60);
    expect(transports.swapped()).toBe(true);
    expect(transports.media('a')?.camera?.id).toBe('new-a');
    expect(old.closed).toBe(false);
    old.held = false;
    await wait(40);
    expect(old.closed).toBe(true);
    expect(transports.swapped()).toBe(true);
  });

  it('newestLive shows the newest feed of a source that carries media, else the oldest', () => {
    const feed = (name: string, muted: boolean) => ({ name, consumer: { track: { muted } } });
    expect(newestLive([feed('old', false), feed('new', true)])?.name).toBe('old');
    expect(newestLive([feed('old', false), feed('new', false)])?.name).toBe('new');
    expect(newestLive([feed('old', true), feed('new', true)])?.name).toBe('old');
    expect(newestLive([])).toBeUndefined();
  });

  it('SfuFeeds.producerIds: every consumed producer, or only the shown one of each source', () => {
    const feeds = new SfuFeeds();
    const feed = (producerId: string, muted: boolean) =>
      ({
        consumer: {
          on: () => undefined,
          closed: false,
          track: { id: producerId, muted, addEventListener: () => undefined },
        },
        info: { producerId, peerId: 'a', source: 'camera', kind: 'video' },
        producerPaused: false,
      }) as unknown as Feed;
    feeds.add(feed('old', false));
    feeds.add(feed('new', true));
    expect([...feeds.producerIds(false)]).toEqual(['old', 'new']);
    expect([...feeds.producerIds(true)]).toEqual(['old']);
  });
});
