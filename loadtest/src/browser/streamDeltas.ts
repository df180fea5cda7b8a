/**
 * Turns two getStats() snapshots of a page (totals, collected in the page by pageScripts.ts)
 * into one ClientSample (rates over the interval). Pure, so it is unit-tested.
 */
import type { ClientSample } from '../clientTypes.js';

/** Totals of one inbound RTP stream; `key` is unique in the page (connection + stats id). */
export interface InboundTotals {
  key: string;
  kind: 'audio' | 'video';
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  /** Video only. */
  framesDecoded: number;
  freezeCount: number;
  totalFreezesDuration: number;
  /** Seconds (as getStats reports it). */
  jitter: number | null;
}

export interface PageSnapshot {
  /** Epoch ms when the snapshot was taken (page clock). */
  at: number;
  mode: string | null;
  inbound: InboundTotals[];
  bytesSent: number;
  /** Seconds, mean over the selected candidate pairs; null when unknown. */
  rtt: number | null;
}

export function emptySample(clientId: string, t: number, mode: string | null = null): ClientSample {
  return {
    t,
    clientId,
    videoStreams: 0,
    fps: null,
    minFps: null,
    freezes: 0,
    freezeMs: 0,
    packetLoss: null,
    jitterMs: null,
    rttMs: null,
    bitrateIn: null,
    bitrateOut: null,
    mode,
  };
}

const nonNegative = (value: number) => (Number.isFinite(value) && value > 0 ? value : 0);

/**
 * The sample between `previous` and `current`. A stream is counted when it exists in both and
 * received bytes in between (a stream that stopped receiving counts with 0 fps as long as it
 * received before: that is a freeze, not a departure). Without `previous` only totals-free
 * figures (RTT, stream count) are given.
 */
export function deriveSample(
  clientId: string,
  t: number,
  previous: PageSnapshot | null,
  current: PageSnapshot,
): ClientSample {
  const sample = emptySample(clientId, t, current.mode);
  sample.rttMs = current.rtt === null ? null : current.rtt * 1000;
  const jitters = current.inbound.filter((s) => s.kind === 'video' && s.jitter !== null).map((s) => s.jitter! * 1000);
  sample.jitterMs = jitters.length ? jitters.reduce((a, b) => a + b, 0) / jitters.length : null;
  if (!previous) {
    sample.videoStreams = current.inbound.filter((s) => s.kind === 'video' && s.bytesReceived > 0).length;
    return sample;
  }
  const seconds = (current.at - previous.at) / 1000;
  if (!(seconds > 0)) return sample;
  const before = new Map(previous.inbound.map((s) => [s.key, s]));

  const fpsList: number[] = [];
  let lost = 0;
  let received = 0;
  let bytesIn = 0;
  for (const stream of current.inbound) {
    const old = before.get(stream.key);
    if (!old) {
      // Appeared during the interval: its whole total is new.
      bytesIn += nonNegative(stream.bytesReceived);
      continue;
    }
    const bytes = nonNegative(stream.bytesReceived - old.bytesReceived);
    bytesIn += bytes;
    lost += nonNegative(stream.packetsLost - old.packetsLost);
    received += nonNegative(stream.packetsReceived - old.packetsReceived);
    if (stream.kind !== 'video') continue;
    if (bytes === 0 && old.bytesReceived === 0) continue; // never received anything: not a stream yet
    fpsList.push(nonNegative(stream.framesDecoded - old.framesDecoded) / seconds);
    sample.freezes += nonNegative(stream.freezeCount - old.freezeCount);
    sample.freezeMs += nonNegative(stream.totalFreezesDuration - old.totalFreezesDuration) * 1000;
  }
  sample.videoStreams = fpsList.length;
  sample.fps = fpsList.length ? fpsList.reduce((a, b) => a + b, 0) / fpsList.length : null;
  sample.minFps = fpsList.length ? Math.min(...fpsList) : null;
  sample.packetLoss = lost + received > 0 ? lost / (lost + received) : null;
  sample.bitrateIn = (bytesIn * 8) / seconds;
  sample.bitrateOut = (nonNegative(current.bytesSent - previous.bytesSent) * 8) / seconds;
  return sample;
}
