import { createRoot, createSignal } from 'solid-js';

/**
 * The current time, refreshed at the start of every minute, for relative timestamps ("5 min").
 * One timer for the whole page however many timestamps are shown.
 */
const [now, setNow] = createSignal(Date.now());

createRoot(() => {
  const tick = () => {
    setNow(Date.now());
    setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
  };
  setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
});

/** Milliseconds since the epoch, as of the last minute boundary (a solid signal). */
export function minuteClock(): number {
  return now();
}

/** Forces a refresh (after a tab comes back from the background, when timers may have slept). */
export function refreshClock(): void {
  setNow(Date.now());
}

if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refreshClock();
  });
}
