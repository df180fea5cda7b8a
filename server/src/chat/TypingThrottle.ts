/**
 * Decides which `typing` updates are relayed: at most one per `intervalMs` per user and
 * conversation, whatever the value (toggling true/false does not pass more often). A value that
 * differs from the last relayed one and arrives within the interval is held and relayed when the
 * interval ends (the latest held value wins; going back to the relayed value cancels it), so the
 * others always end on the typist's last state. Entries idle for longer than `forgetAfterMs` are
 * dropped as calls go by, so the map stays as small as the set of typists.
 */
export interface TypingThrottleOptions {
  intervalMs?: number;
  forgetAfterMs?: number;
}

interface LastRelay {
  isTyping: boolean;
  at: number;
  /** A later value waiting for the end of the interval. */
  held?: { isTyping: boolean; timer: NodeJS.Timeout };
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

  /**
   * true: relay this update now. false: not now; when `relayLater` is given and the value
   * differs from the last relayed one, `relayLater` is called at the end of the interval.
   */
  shouldRelay(
    userId: string,
    conversationId: string,
    isTyping: boolean,
    now: number,
    relayLater?: () => void,
  ): boolean {
    this.sweep(now);
    const key = `${userId}\u0000${conversationId}`;
    const previous = this.last.get(key);
    if (!previous || now - previous.at >= this.intervalMs) {
      if (previous?.held) clearTimeout(previous.held.timer);
      this.last.set(key, { isTyping, at: now });
      return true;
    }
    if (previous.held) {
      clearTimeout(previous.held.timer);
      delete previous.held;
    }
    if (isTyping !== previous.isTyping && relayLater) {
      const timer = setTimeout(
        () => {
          if (this.last.get(key) !== previous || previous.held?.timer !== timer) return;
          delete previous.held;
          this.last.set(key, { isTyping, at: previous.at + this.intervalMs });
          relayLater();
        },
        previous.at + this.intervalMs - now,
      );
      timer.unref();
      previous.held = { isTyping, timer };
    }
    return false;
  }

  /**
   * The user sent a message in the conversation: every client clears their indicator on it, so
   * the last relayed state is `false` now (a `true` that follows within the interval is relayed
   * at its end instead of being taken for a repeat).
   */
  messageSent(userId: string, conversationId: string): void {
    const previous = this.last.get(`${userId}\u0000${conversationId}`);
    if (!previous) return;
    previous.isTyping = false;
    if (previous.held && !previous.held.isTyping) {
      clearTimeout(previous.held.timer);
      delete previous.held;
    }
  }

  get size(): number {
    return this.last.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.forgetAfterMs) return;
    this.lastSweep = now;
    for (const [key, relay] of this.last) {
      if (!relay.held && now - relay.at >= this.forgetAfterMs) this.last.delete(key);
    }
  }
}
