import { describe, expect, it, vi } from 'vitest';
import { TypingThrottle } from '../../src/chat/TypingThrottle.js';

describe('TypingThrottle', () => {
  it('relays at most one update per interval, whatever the value', () => {
    const throttle = new TypingThrottle({ intervalMs: 1000 });
    expect(throttle.shouldRelay('u', 'c', true, 0)).toBe(true);
    expect(throttle.shouldRelay('u', 'c', true, 500)).toBe(false);
    expect(throttle.shouldRelay('u', 'c', false, 600)).toBe(false);
    expect(throttle.shouldRelay('u', 'c', true, 999)).toBe(false);
    expect(throttle.shouldRelay('u', 'c', false, 1000)).toBe(true);
    expect(throttle.shouldRelay('u', 'c', true, 1001)).toBe(false);
    expect(throttle.shouldRelay('u', 'c', true, 2000)).toBe(true);
    expect(throttle.shouldRelay('u', 'c', true, 2001)).toBe(false);
  });

  it('relays a change held within the interval at its end, the latest value only', () => {
    vi.useFakeTimers();
    try {
      const throttle = new TypingThrottle({ intervalMs: 1000 });
      const later: string[] = [];
      const relay = (label: string) => () => later.push(label);
      expect(throttle.shouldRelay('u', 'c', true, Date.now(), relay('a'))).toBe(true);
      vi.advanceTimersByTime(100);
      // A flood of toggles: nothing now, one relay at the end (the last change wins).
      for (let i = 0; i < 50; i++) throttle.shouldRelay('u', 'c', i % 2 === 0, Date.now(), relay(`t${i}`));
      throttle.shouldRelay('u', 'c', false, Date.now(), relay('last'));
      vi.advanceTimersByTime(899);
      expect(later).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(later).toEqual(['last']);
      // Back to the relayed value within the interval: nothing is held.
      throttle.shouldRelay('u', 'c', true, Date.now(), relay('undo'));
      throttle.shouldRelay('u', 'c', false, Date.now(), relay('same'));
      vi.advanceTimersByTime(2000);
      expect(later).toEqual(['last']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps users and conversations apart', () => {
    const throttle = new TypingThrottle({ intervalMs: 1000 });
    expect(throttle.shouldRelay('u', 'c1', true, 0)).toBe(true);
    expect(throttle.shouldRelay('u', 'c2', true, 1)).toBe(true);
    expect(throttle.shouldRelay('v', 'c1', true, 2)).toBe(true);
    expect(throttle.shouldRelay('u', 'c1', true, 3)).toBe(false);
  });

  it('forgets idle typists so the map does not grow without bound', () => {
    const throttle = new TypingThrottle({ intervalMs: 1000, forgetAfterMs: 5000 });
    for (let i = 0; i < 100; i++) throttle.shouldRelay(`u${i}`, 'c', true, 0);
    expect(throttle.size).toBe(100);
    throttle.shouldRelay('late', 'c', true, 6000);
    expect(throttle.size).toBe(1);
  });
  it('takes a message as the end of typing: a new true within the interval is relayed at its end', () => {
    vi.useFakeTimers();
    try {
      const throttle = new TypingThrottle({ intervalMs: 1000 });
      const later: string[] = [];
      expect(throttle.shouldRelay('u', 'c', true, Date.now())).toBe(true);
      vi.advanceTimersByTime(200);
      // The message clears the indicator at every client; the typist starts again at once.
      throttle.messageSent('u', 'c');
      expect(throttle.shouldRelay('u', 'c', true, Date.now(), () => later.push('again'))).toBe(false);
      vi.advanceTimersByTime(800);
      expect(later).toEqual(['again']);
    } finally {
      vi.useRealTimers();
    }
  });
});
