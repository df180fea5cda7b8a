/**
 * Decides which `typing` updates are relayed: a change of value always is, a repeat of the same
 * value at most once per `intervalMs` per user and conversation. Entries idle for longer than
 * `forgetAfterMs` are dropped as calls go by, so the map stays as small as the set of typists.
 */
export interface TypingThrottleOptions {
  intervalMs?: number;
  forgetAfterMs?: number;
}

interface LastRelay {
  isTyping: boolean;
  at: number;
}

export class TypingThrottle {
  private readonly last = new Map<string, LastRelay>();
  private readonly intervalMs: number;
  private readonly forgetAfterMs: number;
  private lastSweep = 0;

  constructor(options: TypingThrottleOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.forgetAfterMs = Math.max(options.forgetAfterMs ?? 10_000, this.intervalMs);
  }

  shouldRelay(userId: string, conversationId: string, isTyping: boolean, now: number): boolean {
    this.sweep(now);
    const key = `${userId}\u0000${conversationId}`;
    const previous = this.last.get(key);
    if (previous && previous.isTyping === isTyping && now - previous.at < this.intervalMs) return false;
    this.last.set(key, { isTyping, at: now });
    return true;
  }

  get size(): number {
    return this.last.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.forgetAfterMs) return;
    this.lastSweep = now;
    for (const [key, relay] of this.last) {
      if (now - relay.at >= this.forgetAfterMs) this.last.delete(key);
    }
  }
}
