/** How often a continuing `typing` true is repeated (the others drop it after 5 s of silence). */
export const TYPING_REFRESH_MS = 2000;

/**
 * The outgoing side of the typing indicator for one conversation: `typing` true on the first
 * keystroke and again at most every 2 s while typing goes on; false once, on send, on blur or
 * when the text is cleared.
 */
export class TypingEmitter {
  private typing = false;
  private lastTrueAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly emit: (isTyping: boolean) => void,
    private readonly now: () => number = Date.now,
    private readonly refreshMs: number = TYPING_REFRESH_MS,
  ) {}

  /** After each edit of the draft; an empty draft counts as stopping. */
  input(hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    const now = this.now();
    if (this.typing && now - this.lastTrueAt < this.refreshMs) return;
    this.typing = true;
    this.lastTrueAt = now;
    this.emit(true);
  }

  /** On send, blur, leaving the conversation: false, once, if true was the last thing said. */
  stop(): void {
    if (!this.typing) return;
    this.typing = false;
    this.lastTrueAt = Number.NEGATIVE_INFINITY;
    this.emit(false);
  }

  get isTyping(): boolean {
    return this.typing;
  }
}
