/**
 * One timer for every bot of the process: tasks with a period (audio every 20 ms, video every
 * 1000/fps ms) run from a single setInterval, so hundreds of bots cost one wake-up per tick.
 * A task that fell more than `maxLagMs` behind (the event loop was blocked) is re-phased instead
 * of sending a burst.
 */
import { performance } from 'node:perf_hooks';

export interface ClockTask {
  readonly periodMs: number;
  next: number;
  run(now: number): void;
}

export interface MediaClockOptions {
  /** Timer resolution; default 5 ms. */
  tickMs?: number;
  maxLagMs?: number;
  now?: () => number;
}

export class MediaClock {
  private readonly tasks = new Set<ClockTask>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;
  private readonly maxLagMs: number;
  readonly now: () => number;

  constructor(options: MediaClockOptions = {}) {
    this.tickMs = options.tickMs ?? 5;
    this.maxLagMs = options.maxLagMs ?? 500;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Runs `run` every `periodMs`, first after a random part of the period (bots do not all send
   * in the same tick). Returns the function that stops it.
   */
  every(periodMs: number, run: (now: number) => void, firstIn = Math.random() * periodMs): () => void {
    if (!(periodMs > 0)) throw new RangeError('periodMs must be > 0');
    const task: ClockTask = { periodMs, next: this.now() + firstIn, run };
    this.tasks.add(task);
    this.timer ??= setInterval(() => this.tick(this.now()), this.tickMs);
    return () => {
      this.tasks.delete(task);
      if (this.tasks.size === 0) this.stop();
    };
  }

  /** Runs what is due at `now` (the timer calls it; tests may call it directly). */
  tick(now: number): void {
    for (const task of this.tasks) {
      if (now - task.next > this.maxLagMs) task.next = now;
      while (task.next <= now) {
        task.next += task.periodMs;
        try {
          task.run(now);
        } catch {
          // A task's failure (a closed socket) must not stop the others.
        }
      }
    }
  }

  get size(): number {
    return this.tasks.size;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
