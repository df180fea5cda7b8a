import { ServerEvents, type PresenceEvent } from '@parley/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryPresenceStore } from '../../src/presence/MemoryPresenceStore.js';
import { PresenceNotifier } from '../../src/presence/PresenceNotifier.js';
import { PresenceService } from '../../src/presence/PresenceService.js';
import { RecordingClientRooms } from '../support/recordingClientRooms.js';

const logger = pino({ level: 'silent' });
const AT = new Date('2026-01-02T03:04:05.000Z');

/** alice's contacts are bob and carol; bob's is alice; dave has none. */
const contacts: Record<string, string[]> = { alice: ['bob', 'carol'], bob: ['alice'], dave: [] };

function presence(offlineGraceMs = 0) {
  const io = new RecordingClientRooms();
  const store = new MemoryPresenceStore();
  const contactIdsOf = (userId: string) =>
    userId === 'broken' ? Promise.reject(new Error('db down')) : Promise.resolve(contacts[userId] ?? []);
  const service = new PresenceService(store, new PresenceNotifier(io), contactIdsOf, logger, offlineGraceMs, () => AT);
  const sent = () =>
    io.of(ServerEvents.presence).map(({ to, payload }) => {
      const { userId, status } = payload as PresenceEvent;
      return { to, userId, status };
    });
  return { io, service, sent };
}

describe('PresenceService on MemoryPresenceStore', () => {
  afterEach(() => vi.useRealTimers());

  it("announces online at a user's first socket and offline at their last, to their contacts", async () => {
    const { io, service, sent } = presence();
    await service.connected('alice', 's1');
    await service.connected('alice', 's2');
    await service.disconnected('alice', 's1');
    expect(sent()).toEqual([{ to: ['user:bob', 'user:carol'], userId: 'alice', status: 'online' }]);
    await service.disconnected('alice', 's2');
    expect(sent()).toEqual([
      { to: ['user:bob', 'user:carol'], userId: 'alice', status: 'online' },
      { to: ['user:bob', 'user:carol'], userId: 'alice', status: 'offline' },
    ]);
    expect(io.of(ServerEvents.presence)[0]?.payload).toEqual({
      userId: 'alice',
      status: 'online',
      lastSeenAt: AT.toISOString(),
    });
  });

  it('sends nothing for a user without contacts, for an unknown socket, or when the contacts cannot be read', async () => {
    const { service, sent } = presence();
    await service.connected('dave', 's1');
    await service.disconnected('alice', 'never-connected');
    await service.connected('broken', 's2');
    expect(sent()).toEqual([]);
    expect(await service.onlineAmong(['dave', 'alice', 'broken'])).toEqual(new Set(['dave', 'broken']));
  });

  it('with a grace period: a reload within it announces nothing; staying away past it announces offline once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { service, sent } = presence(5000);
    await service.connected('bob', 'tab1');
    await service.disconnected('bob', 'tab1');
    await vi.advanceTimersByTimeAsync(4000);
    await service.connected('bob', 'tab2');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent().map(({ status }) => status)).toEqual(['online']);

    await service.disconnected('bob', 'tab2');
    await vi.advanceTimersByTimeAsync(4999);
    expect(sent().map(({ status }) => status)).toEqual(['online']);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent()).toEqual([
      { to: ['user:alice'], userId: 'bob', status: 'online' },
      { to: ['user:alice'], userId: 'bob', status: 'offline' },
    ]);
  });

  it('stop(): everyone of this instance goes offline, leaving users included, and nothing is tracked after', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { service, sent } = presence(5000);
    await service.connected('alice', 's1');
    await service.connected('bob', 's2');
    await service.disconnected('bob', 's2');
    await service.stop();
    expect(
      sent()
        .filter(({ status }) => status === 'offline')
        .map(({ userId }) => userId)
        .sort(),
    ).toEqual(['alice', 'bob']);
    const before = sent().length;
    await service.connected('alice', 's3');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent()).toHaveLength(before);
    expect(await service.onlineAmong(['alice'])).toEqual(new Set());
  });
});
