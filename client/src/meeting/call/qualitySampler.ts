import { createSignal, type Accessor } from 'solid-js';
import { connectionQuality, type ConnectionQuality } from '../layout/quality.js';
import type { PeerStats } from '../session/MeetingSession.js';

/**
 * Samples the shown transport's stats every `intervalMs` and keeps each participant's
 * connection quality (loss and jitter over the interval, decoded fps) as a signal.
 */
export function createQualitySampler(
  sample: () => Promise<PeerStats[]> | null,
  intervalMs = 2000,
): { qualities: Accessor<ReadonlyMap<string, ConnectionQuality>>; stop: () => void } {
  const [qualities, setQualities] = createSignal<ReadonlyMap<string, ConnectionQuality>>(new Map());
  let last = new Map<string, PeerStats>();
  const update = async () => {
    const stats = (await sample()?.catch(() => [])) ?? [];
    const next = new Map<string, ConnectionQuality>();
    const seen = new Map<string, PeerStats>();
    for (const entry of stats) {
      next.set(entry.peerId, connectionQuality(last.get(entry.peerId), entry));
      seen.set(entry.peerId, entry);
    }
    last = seen;
    setQualities(next);
  };
  const timer = setInterval(() => void update(), intervalMs);
  return { qualities, stop: () => clearInterval(timer) };
}
