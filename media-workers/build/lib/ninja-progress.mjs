// Turns ninja's "[n/N] Compiling ..." lines into a compact progress report: one
// line each time another `stepPercent` is done, and a heartbeat line when
// nothing was printed for `heartbeatMs` (a long link step must not look hung).
import { formatDuration, info } from './log.mjs';

const STEP_RE = /^\[(\d+)\/(\d+)\]/;

export function createNinjaProgress({ label = 'compiling', stepPercent = 5, heartbeatMs = 30_000 } = {}) {
  const startedAt = Date.now();
  let done = 0;
  let total = 0;
  let nextPercent = stepPercent;
  let lastPrint = Date.now();

  function report() {
    const elapsed = Date.now() - startedAt;
    const pct = total ? Math.floor((done / total) * 100) : 0;
    let eta = '';
    // ETA from the rate so far; only once there is enough of it to mean something.
    if (total && done >= total * 0.1 && done < total) {
      eta = `, about ${formatDuration((elapsed / done) * (total - done))} left`;
    }
    info(`  ${label} ${String(pct).padStart(3)}% (${done}/${total}), ${formatDuration(elapsed)} elapsed${eta}`);
    lastPrint = Date.now();
  }

  const heartbeat = setInterval(() => {
    if (Date.now() - lastPrint >= heartbeatMs) report();
  }, 1_000);
  heartbeat.unref();

  return {
    /** Feed one line of ninja output. */
    line(text) {
      const m = STEP_RE.exec(text);
      if (!m) return;
      done = Number(m[1]);
      total = Number(m[2]);
      const pct = (done / total) * 100;
      if (pct >= nextPercent || done === total) {
        report();
        while (nextPercent <= pct) nextPercent += stepPercent;
      }
    },
    stop() {
      clearInterval(heartbeat);
    },
  };
}
