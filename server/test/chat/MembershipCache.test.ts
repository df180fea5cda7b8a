import { describe, expect, it } from 'vitest';
import { MembershipCache, type InvalidationBus } from '../../src/chat/MembershipCache.js';

/** A loader over an in-memory table that counts its calls. */
function table(initial: Record<string, string[]>) {
  const rows = new Map(Object.entries(initial));
  const calls: string[] = [];
  let gate: Promise<void> | null = null;
  return {
    rows,
    calls,
    hold(): () => void {
      let release = () => {};
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
    load: async (id: string) => {
      calls.push(id);
      const snapshot = [...(rows.get(id) ?? [])];
      if (gate) await gate;
      return snapshot;
    },
  };
}

/** Two caches joined like two instances on one Redis channel. */
function linkedBus(): { a: InvalidationBus; b: InvalidationBus } {
  const listeners: Array<(id: string) => void> = [];
  const bus = (): InvalidationBus => ({
    publish: (id) => {
      listeners.forEach((listener) => listener(id));
      return Promise.resolve();
    },
    subscribe: (listener) => void listeners.push(listener),
  });
  return { a: bus(), b: bus() };
}

describe('MembershipCache', () => {
  it('loads once, serves from memory, and coalesces concurrent loads', async () => {
    const t = table({ c1: ['u1', 'u2'] });
    const cache = new MembershipCache(t.load);
    const [a, b] = await Promise.all([cache.members('c1'), cache.members('c1')]);
    expect([...(a ?? [])]).toEqual(['u1', 'u2']);
    expect(b).toBe(a);
    expect(await cache.isMember('c1', 'u2')).toBe(true);
    expect(await cache.isMember('c1', 'u3')).toBe(false);
    expect(t.calls).toEqual(['c1']);
  });

  it('does not cache unknown conversations', async () => {
    const t = table({});
    const cache = new MembershipCache(t.load);
    expect(await cache.members('c9')).toBeNull();
    t.rows.set('c9', ['u1']);
    expect(await cache.isMember('c9', 'u1')).toBe(true);
  });

  it('invalidates on every instance through the bus', async () => {
    const t = table({ c1: ['u1'] });
    const { a, b } = linkedBus();
    const cacheA = new MembershipCache(t.load, a);
    const cacheB = new MembershipCache(t.load, b);
    expect(await cacheB.isMember('c1', 'u2')).toBe(false);
    t.rows.set('c1', ['u1', 'u2']);
    expect(await cacheB.isMember('c1', 'u2')).toBe(false); // still cached
    await cacheA.invalidate('c1');
    expect(await cacheB.isMember('c1', 'u2')).toBe(true);
  });

  it('does not store a load that was running when the entry was invalidated', async () => {
    const t = table({ c1: ['u1'] });
    const cache = new MembershipCache(t.load);
    const release = t.hold();
    const stale = cache.members('c1');
    t.rows.set('c1', ['u1', 'u2']);
    await cache.invalidate('c1');
    release();
    expect((await stale)?.has('u2')).toBe(false);
    expect(await cache.isMember('c1', 'u2')).toBe(true);
  });

  it('expires entries and evicts the least recently used', async () => {
    let now = 0;
    const t = table({ c1: ['u1'], c2: ['u1'], c3: ['u1'] });
    const cache = new MembershipCache(t.load, null, { ttlMs: 1000, maxEntries: 2, now: () => now });
    await cache.members('c1');
    await cache.members('c2');
    await cache.members('c1'); // c1 is now the most recently used
    await cache.members('c3'); // evicts c2
    expect(cache.size).toBe(2);
    t.calls.length = 0;
    await cache.members('c1');
    await cache.members('c2');
    expect(t.calls).toEqual(['c2']);
    now = 5000;
    await cache.members('c2');
    expect(t.calls).toEqual(['c2', 'c2']);
  });
});
