/**
 * Polls `check` every 50 ms until it holds (true), `timeoutMs` passed or `stopped()` says the
 * caller is gone (then whatever `check` says last).
 */
export async function pollUntil(check: () => boolean, timeoutMs: number, stopped: () => boolean): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (stopped() || Date.now() >= until) return check();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
