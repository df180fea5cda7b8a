/**
 * What the operator sees while a run goes: a live bar on a terminal (cli-progress), a plain
 * line every few seconds when stdout is not a TTY (CI logs), or nothing.
 */
import cliProgress from 'cli-progress';

export interface ProgressState {
  phase: string;
  total: number;
  joined: number;
  failed: number;
  fps: number | null;
  /** Seconds left in the hold phase, when known. */
  remainingSec: number | null;
}

export interface Progress {
  update(state: ProgressState): void;
  /** Stops drawing until the next update(), so other output can be written (no garbled bar). */
  pause(): void;
  stop(): void;
}

const fpsText = (fps: number | null) => (fps === null ? '-' : fps.toFixed(1));

export function describe(state: ProgressState): string {
  const left = state.remainingSec === null ? '' : ` | ${Math.max(0, Math.round(state.remainingSec))} s left`;
  return `[${state.phase}] joined ${state.joined}/${state.total} | failed ${state.failed} | rx fps ${fpsText(state.fps)}${left}`;
}

export function createProgress(
  mode: 'auto' | 'bar' | 'lines' | 'none',
  out: NodeJS.WriteStream = process.stdout,
): Progress {
  const chosen = mode === 'auto' ? (out.isTTY ? 'bar' : 'lines') : mode;
  if (chosen === 'none') return { update() {}, pause() {}, stop() {} };
  if (chosen === 'lines') {
    let lastAt = 0;
    let last = '';
    return {
      update(state) {
        const line = describe(state);
        if (Date.now() - lastAt < 5000 || line === last) return;
        lastAt = Date.now();
        last = line;
        out.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      },
      pause() {},
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} |{bar}| joined {value}/{total} | failed {failed} | rx fps {fps}{left}',
      hideCursor: true,
      clearOnComplete: false,
      stream: out,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(state) {
      const payload = {
        phase: state.phase.padEnd(7),
        failed: state.failed,
        fps: fpsText(state.fps),
        left: state.remainingSec === null ? '' : ` | ${Math.max(0, Math.round(state.remainingSec))} s left`,
      };
      if (!started) {
        bar.start(Math.max(1, state.total), state.joined, payload);
        started = true;
      } else {
        bar.setTotal(Math.max(1, state.total));
        bar.update(state.joined, payload);
      }
    },
    pause() {
      if (started) bar.stop();
      started = false;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
