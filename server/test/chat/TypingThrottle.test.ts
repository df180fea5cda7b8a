import { describe, expect, it } from 'vitest';
import { TypingThrottle } from '../../src/chat/TypingThrottle.js';

describe('TypingThrottle', () => {
  it('relays a repeated value at most once per interval, a changed value at once', () => {
    const throttle = new TypingThrottle({ intervalMs: 1000 });
    expect(throttle.shouldRelay('u', 'c', true, 0)).toBe(true);
    expect(throttle.shouldRelay('u', 'c', true, 500)).toBe(false);
    expect(throttle.shouldRelay('u', 'c', true, 999)).toBe(false);
    expect(throttle.shouldRelay('u', 'c', false, 1000)).toBe(true);
    expect(throttle.shouldRelay('u', 'c', true, 1001)).toBe(true);
    expect(throttle.shouldRelay('u', 'c', true, 2000)).toBe(false);
    expect(throttle.shouldRelay('u', 'c', true, 2001)).toBe(true);
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
});
