/**
 * LazySession (the SFU session's wrapper while mediasoup-client loads) passes the optional parts
 * of a switch on to the loaded session: a drain move's hold of the old session (retain,
 * holding) and the producers it consumed. With stand-in sessions; no browser.
 */
import { describe, expect, it } from 'vitest';
import { LazySession } from '../src/meeting/session/LazySession.js';
import type { MeetingSession } from '../src/meeting/session/MeetingSession.js';

/** A loaded session that counts its holds and consumes two producers (one shown). */
function standIn(): MeetingSession & { holds: () => number } {
  let holds = 0;
  return {
    mode: 'sfu',
    addPeer: () => undefined,
    removePeer: () => undefined,
    media: () => null,
    stats: () => Promise.resolve([]),
    close: () => undefined,
    holding: () => holds > 0,
    retain: () => {
      holds++;
      return () => holds--;
    },
    consumedProducers: (shownOnly) => new Set(shownOnly ? ['new'] : ['old', 'new']),
    holds: () => holds,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LazySession', () => {
  it('holds the loaded session while retained and reports the producers it consumes', async () => {
    const inner = standIn();
    const lazy = new LazySession('sfu', () => Promise.resolve(inner));
    await settle();
    const release = lazy.retain();
    expect(lazy.holding()).toBe(true);
    expect([...lazy.consumedProducers(false)]).toEqual(['old', 'new']);
    expect([...lazy.consumedProducers(true)]).toEqual(['new']);
    release();
    release();
    expect(inner.holds()).toBe(0);
    expect(lazy.holding()).toBe(false);
  });

  it('applies a hold taken before the load once the session is there, unless released first', async () => {
    const inner = standIn();
    let load: (session: MeetingSession) => void = () => undefined;
    const lazy = new LazySession('sfu', () => new Promise<MeetingSession>((resolve) => (load = resolve)));
    expect(lazy.holding()).toBe(false);
    expect(lazy.consumedProducers(false).size).toBe(0);
    const release = lazy.retain();
    const droppedEarly = lazy.retain();
    droppedEarly();
    load(inner);
    await settle();
    expect(inner.holds()).toBe(1);
    expect(lazy.holding()).toBe(true);
    release();
    expect(lazy.holding()).toBe(false);
  });
});
