import { describe, expect, it } from 'vitest';
import { normaliseParticipants, removeParticipant, upsertParticipant } from '../src/meeting/call/participants.js';
import { DEFAULT_VIDEO, parseSwitch, parseVideoProfile } from '../src/meeting/media/mediaProfile.js';
import { parsePeerMessage } from '../src/meeting/session/peerMessages.js';
import { classifyStreams, isPolite } from '../src/meeting/session/remoteSources.js';
import { bestGrid } from '../src/meeting/ui/gridLayout.js';

const user = (id: string) => ({ id, username: id, displayName: id.toUpperCase() });

describe('participants', () => {
  it('keeps one peer per user: a rejoin replaces the old peer', () => {
    const first = upsertParticipant([], { peerId: 'p1', user: user('ada') }).list;
    const second = upsertParticipant(first, { peerId: 'p2', user: user('bob') }).list;
    const rejoined = upsertParticipant(second, { peerId: 'p3', user: user('ada') });
    expect(rejoined.list.map((entry) => entry.peerId)).toEqual(['p2', 'p3']);
    expect(rejoined.replaced).toEqual(['p1']);
    expect(upsertParticipant(rejoined.list, { peerId: 'p3', user: user('ada') }).replaced).toEqual([]);
    expect(removeParticipant(rejoined.list, 'p2').map((entry) => entry.peerId)).toEqual(['p3']);
  });

  it('drops this page and its own user from a server list', () => {
    const list = [
      { peerId: 'a1', user: user('ada') },
      { peerId: 'me-old', user: user('me') },
      { peerId: 'a2', user: user('ada') },
      { peerId: 'me', user: user('me') },
    ];
    expect(normaliseParticipants(list, { peerId: 'me', userId: 'me' })).toEqual([{ peerId: 'a2', user: user('ada') }]);
  });
});

describe('grid layout', () => {
  it('grows 1, 2, 4, 9 tiles into 1, 2, 2 and 3 columns on a wide screen', () => {
    expect(bestGrid(1, 1280, 700).columns).toBe(1);
    expect(bestGrid(2, 1280, 700).columns).toBe(2);
    expect(bestGrid(4, 1280, 700)).toMatchObject({ columns: 2, rows: 2 });
    expect(bestGrid(9, 1280, 700)).toMatchObject({ columns: 3, rows: 3 });
  });

  it('stacks on a phone and keeps tiles inside the box', () => {
    const layout = bestGrid(2, 370, 600, 8, 1);
    expect(layout.columns).toBe(1);
    expect(layout.tileWidth).toBeLessThanOrEqual(370);
    expect(layout.rows * layout.tileHeight + (layout.rows - 1) * 8).toBeLessThanOrEqual(600);
    expect(bestGrid(3, 0, 0).tileWidth).toBe(0);
  });
});

describe('remote sources', () => {
  it('uses the sender state, and only a camera before it arrives', () => {
    const streams = [
      { id: 'cam', live: true },
      { id: 'scr', live: true },
    ];
    expect(classifyStreams(streams, null)).toEqual({ camera: 'cam', screen: null });
    const state = { type: 'state' as const, camera: 'cam', screen: 'scr', micMuted: false, cameraOff: false };
    expect(classifyStreams(streams, state)).toEqual({ camera: 'cam', screen: 'scr' });
    expect(classifyStreams(streams, { ...state, screen: null })).toEqual({ camera: 'cam', screen: null });
    expect(classifyStreams([{ id: 'cam', live: false }], state)).toEqual({ camera: null, screen: null });
  });

  it('makes exactly one side of a pair polite', () => {
    expect(isPolite('a', 'b')).toBe(true);
    expect(isPolite('b', 'a')).toBe(false);
  });

  it('accepts only well-formed peer messages', () => {
    const good = { type: 'state', camera: 'x', screen: null, micMuted: true, cameraOff: false };
    expect(parsePeerMessage(JSON.stringify(good))).toEqual(good);
    for (const bad of ['{', '{"type":"state"}', JSON.stringify({ ...good, type: 'other' }), 'x'.repeat(5000), 42]) {
      expect(parsePeerMessage(bad)).toBeNull();
    }
    expect(parsePeerMessage('{"type":"moved"}')).toEqual({ type: 'moved' });
    expect(parsePeerMessage('{"type":"shown"}')).toEqual({ type: 'shown' });
  });
});

describe('media profile', () => {
  it('reads WxH@fps and switches, refusing nonsense', () => {
    expect(parseVideoProfile('640x360@24')).toEqual({ width: 640, height: 360, frameRate: 24 });
    expect(parseVideoProfile('320x180')).toEqual({ ...DEFAULT_VIDEO, width: 320, height: 180 });
    expect(parseVideoProfile('1x1@99')).toBeNull();
    expect(parseVideoProfile(null)).toBeNull();
    expect(parseSwitch('0')).toBe(false);
    expect(parseSwitch('on')).toBe(true);
    expect(parseSwitch('maybe')).toBeNull();
  });
});
