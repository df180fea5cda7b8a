import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { lateSeconds, registerEventLoopDelay } from '../../src/eventLoopDelay.js';

describe('the event loop delay metric', () => {
  it("takes the timer's interval out: Node's histogram reads an idle loop as the resolution", async () => {
    const raw = monitorEventLoopDelay({ resolution: 10 });
    raw.enable();
    await new Promise((resolve) => setTimeout(resolve, 300));
    raw.disable();
    // What prom-client reports as nodejs_eventloop_lag_p50_seconds for an idle loop: ≥ 10 ms.
    expect(raw.percentile(50) / 1e6).toBeGreaterThanOrEqual(9);
    expect(lateSeconds(10_000_000)).toBe(0);
    expect(lateSeconds(9_200_000)).toBe(0);
    expect(lateSeconds(35_000_000)).toBeCloseTo(0.025);
    expect(lateSeconds(Number.NaN)).toBe(0);
  });

  it('is scraped as parley_event_loop_delay_seconds with the 0.5, 0.99 and max quantiles', async () => {
    const registry = new Registry();
    registerEventLoopDelay(registry);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = await registry.metrics();
    for (const quantile of ['0.5', '0.99', 'max']) {
      expect(text).toMatch(new RegExp(`parley_event_loop_delay_seconds\\{quantile="${quantile}"\\} [0-9.e-]+`));
    }
  });
});
