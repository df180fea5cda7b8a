/**
 * Receive-side accounting of one RTP stream (one consumer, by SSRC): packets, bytes, frames
 * (the RTP marker ends a video frame), sequence gaps → loss, RFC 3550 interarrival jitter and
 * freezes of video (no new frame for more than FREEZE_MS after the first). Pure: the caller passes arrival times (ms).
 */

export const FREEZE_MS = 500;

export interface StreamDelta {
  kind: 'audio' | 'video';
  /** Frames (video) since the previous delta, over `seconds`. */
  frames: number;
  seconds: number;
  bytes: number;
  /** Packets expected (from sequence numbers) and received since the previous delta. */
  expected: number;
  received: number;
  /** Current jitter, ms. */
  jitterMs: number;
  freezes: number;
  freezeMs: number;
}

export class StreamStats {
  packets = 0;
  bytes = 0;
  frames = 0;
  firstFrameAt: number | null = null;
  private baseSeq = -1;
  private maxSeq = 0;
  private cycles = 0;
  private jitter = 0;
  private lastTransit: number | null = null;
  private lastFrameAt: number | null = null;
  /** Up to when the current freeze has been counted (null: no freeze counted now). */
  private freezeCountedTo: number | null = null;
  private freezes = 0;
  private freezeMs = 0;
  private mark: { at: number; frames: number; bytes: number; expected: number; packets: number };

  constructor(
    readonly kind: 'audio' | 'video',
    readonly clockRate: number,
    startedAt: number,
  ) {
    this.mark = { at: startedAt, frames: 0, bytes: 0, expected: 0, packets: 0 };
  }

  /** One RTP packet arrived at `now` (ms). */
  onPacket(now: number, seq: number, timestamp: number, marker: boolean, size: number): void {
    this.packets++;
    this.bytes += size;
    if (this.baseSeq < 0) {
      this.baseSeq = seq;
      this.maxSeq = seq;
    } else {
      const delta = (seq - this.maxSeq) & 0xffff;
      if (delta > 0 && delta < 0x8000) {
        if (seq < this.maxSeq) this.cycles += 0x10000;
        this.maxSeq = seq;
      }
    }
    // RFC 3550 A.8: transit in clock units; J += (|D| - J) / 16.
    const transit = (now * this.clockRate) / 1000 - timestamp;
    if (this.lastTransit !== null) {
      let d = Math.abs(transit - this.lastTransit);
      // A timestamp that wrapped (2^32) shows as a huge jump: ignore that one.
      if (d > 0x7fffffff) d = 0;
      this.jitter += (d - this.jitter) / 16;
    }
    this.lastTransit = transit;
    if (this.kind === 'video' ? marker : true) this.onFrame(now);
  }

  private onFrame(now: number): void {
    this.frames++;
    if (this.firstFrameAt === null) this.firstFrameAt = now;
    if (this.lastFrameAt !== null && this.kind === 'video') {
      const gap = now - this.lastFrameAt;
      if (this.freezeCountedTo !== null) this.freezeMs += now - this.freezeCountedTo;
      else if (gap > FREEZE_MS) {
        this.freezes++;
        this.freezeMs += gap;
      }
    }
    this.freezeCountedTo = null;
    this.lastFrameAt = now;
  }

  /** Packets expected from the sequence numbers seen so far. */
  get expected(): number {
    return this.baseSeq < 0 ? 0 : this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  /** What happened since the previous call; an ongoing freeze is counted (once) up to `now`. */
  delta(now: number): StreamDelta {
    const since = this.lastFrameAt;
    if (this.kind === 'video' && since !== null && now - since > FREEZE_MS) {
      if (this.freezeCountedTo === null) {
        this.freezes++;
        this.freezeMs += now - since;
      } else this.freezeMs += now - this.freezeCountedTo;
      this.freezeCountedTo = now;
    }
    const expected = this.expected;
    const d: StreamDelta = {
      kind: this.kind,
      frames: this.frames - this.mark.frames,
      seconds: Math.max(0.001, (now - this.mark.at) / 1000),
      bytes: this.bytes - this.mark.bytes,
      expected: expected - this.mark.expected,
      received: this.packets - this.mark.packets,
      jitterMs: (this.jitter / this.clockRate) * 1000,
      freezes: this.freezes,
      freezeMs: this.freezeMs,
    };
    this.freezes = 0;
    this.freezeMs = 0;
    this.mark = { at: now, frames: this.frames, bytes: this.bytes, expected, packets: this.packets };
    return d;
  }
}
