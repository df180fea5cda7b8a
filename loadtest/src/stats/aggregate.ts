/**
 * From raw samples to the report's figures: per-client summaries, the run timeline, the run
 * summary and the worst clients. Pure.
 */
import type { ClientSample, ClientSpec, JoinResult } from '../clientTypes.js';
import type { ClientSummary, RunSummary, ServerSample, TimelinePoint, WorstClient } from '../reportTypes.js';
import { distribution, finite, mean, percentile } from './percentile.js';

export interface ClientRecord {
  spec: ClientSpec;
  browser: number | null;
  join: JoinResult | null;
  /** Run time (ms) when the join resolved. */
  joinedAt: number | null;
}

const sum = (values: readonly (number | null)[]) => finite(values).reduce((a, b) => a + b, 0);

/** `targetFps`: the senders' configured fps (the base of fpsRatio); omitted: fpsRatio null. */
export function summarizeClient(
  record: ClientRecord,
  samples: readonly ClientSample[],
  targetFps?: number,
): ClientSummary {
  const own = samples.filter((s) => s.clientId === record.spec.id).sort((a, b) => a.t - b.t);
  // The first sample after the join still covers set-up time: left out of rates.
  const steady = own.filter((s) => record.joinedAt !== null && s.t > record.joinedAt).slice(1);
  const fps = finite(steady.map((s) => s.fps));
  const freezes = sum(steady.map((s) => s.freezes));
  const spanMs = steady.length >= 2 ? steady[steady.length - 1]!.t - own[own.indexOf(steady[0]!) - 1]!.t : null;
  return {
    id: record.spec.id,
    kind: record.spec.kind,
    role: record.spec.role,
    meetingId: record.spec.meetingId,
    browser: record.browser,
    join: record.join ?? { ok: false, stage: 'not-started', reason: 'the run ended before this client started' },
    fpsMean: mean(fps),
    fpsMin: fps.length ? Math.min(...fps) : null,
    fpsRatio: fps.length && targetFps && targetFps > 0 ? mean(fps)! / targetFps : null,
    freezes,
    freezeMs: sum(steady.map((s) => s.freezeMs)),
    freezesPerMinute: spanMs && spanMs > 0 && fps.length ? (freezes * 60_000) / spanMs : null,
    observedMs: spanMs,
    packetLossMean: mean(steady.map((s) => s.packetLoss)),
    jitterMsMean: mean(steady.map((s) => s.jitterMs)),
    rttMsMean: mean(steady.map((s) => s.rttMs)),
    bitrateInMean: mean(steady.map((s) => s.bitrateIn)),
    bitrateOutMean: mean(steady.map((s) => s.bitrateOut)),
    videoStreamsMax: Math.max(0, ...own.map((s) => s.videoStreams)),
    lastMode: own[own.length - 1]?.mode ?? (record.join?.ok ? record.join.mode : null),
  };
}

/** One point per sampling tick (samples grouped by their `t`). */
export function buildTimeline(records: readonly ClientRecord[], samples: readonly ClientSample[]): TimelinePoint[] {
  const byTick = new Map<number, ClientSample[]>();
  for (const sample of samples) {
    const list = byTick.get(sample.t) ?? [];
    list.push(sample);
    byTick.set(sample.t, list);
  }
  return [...byTick.keys()]
    .sort((a, b) => a - b)
    .map((t) => {
      const tick = byTick.get(t)!;
      const fps = finite(tick.filter((s) => s.videoStreams > 0).map((s) => s.fps));
      return {
        t,
        joined: records.filter((r) => r.join?.ok && r.joinedAt !== null && r.joinedAt <= t).length,
        failed: records.filter((r) => r.join && !r.join.ok && r.joinedAt !== null && r.joinedAt <= t).length,
        fpsMean: mean(fps),
        fpsP5: percentile(fps, 5),
        bitrateInTotal: sum(tick.map((s) => s.bitrateIn)),
        bitrateOutTotal: sum(tick.map((s) => s.bitrateOut)),
        packetLossMean: mean(tick.map((s) => s.packetLoss)),
        jitterMsP95: percentile(finite(tick.map((s) => s.jitterMs)), 95),
        rttMsP95: percentile(finite(tick.map((s) => s.rttMs)), 95),
        freezes: sum(tick.map((s) => s.freezes)),
      };
    });
}

export function summarizeRun(clients: readonly ClientSummary[], server: readonly ServerSample[]): RunSummary {
  const joined = clients.filter((c) => c.join.ok);
  const failures = clients.flatMap((c) =>
    c.join.ok ? [] : [{ id: c.id, stage: c.join.stage, reason: c.join.reason }],
  );
  const scraped = server.filter((s) => s.ok);
  const cpuMax = finite(scraped.map((s) => s.workerCpuMax));
  const cpuTotal = finite(scraped.map((s) => s.workerCpuTotal));
  const consumers = finite(scraped.map((s) => s.consumers));
  return {
    clients: clients.length,
    joined: joined.length,
    failed: failures.length,
    failures,
    joinMs: distribution(joined.map((c) => (c.join.ok ? c.join.joinMs : null))),
    firstFrameMs: distribution(joined.map((c) => (c.join.ok ? c.join.firstFrameMs : null))),
    fps: distribution(joined.map((c) => c.fpsMean)),
    fpsRatio: distribution(joined.map((c) => c.fpsRatio ?? null)),
    freezesPerMinute: distribution(joined.map((c) => c.freezesPerMinute)),
    packetLoss: distribution(joined.map((c) => c.packetLossMean)),
    jitterMs: distribution(joined.map((c) => c.jitterMsMean)),
    rttMs: distribution(joined.map((c) => c.rttMsMean)),
    bitrateIn: distribution(joined.map((c) => c.bitrateInMean)),
    workerCpu: {
      max: cpuMax.length ? Math.max(...cpuMax) : null,
      mean: mean(cpuMax),
      totalMax: cpuTotal.length ? Math.max(...cpuTotal) : null,
      totalMean: mean(cpuTotal),
    },
    consumersMax: consumers.length ? Math.max(...consumers) : null,
    eventLoopLagMs: distribution(scraped.map((s) => s.eventLoopLagMs)),
  };
}

/**
 * The clients that had it worst, with the reasons in words: failed joins first, then low fps
 * against the target, freezes, packet loss, slow joins.
 */
export function worstClients(clients: readonly ClientSummary[], targetFps: number, limit = 10): WorstClient[] {
  const joinP50 = distribution(clients.map((c) => (c.join.ok ? c.join.joinMs : null))).p50;
  const scored = clients.map((client): WorstClient => {
    if (!client.join.ok) {
      return { id: client.id, score: 100, problems: [`join failed at ${client.join.stage}: ${client.join.reason}`] };
    }
    const problems: string[] = [];
    let score = 0;
    if (client.fpsMean !== null && targetFps > 0) {
      const shortfall = Math.max(0, 1 - client.fpsMean / targetFps);
      score += shortfall * 10;
      if (shortfall > 0.2) problems.push(`received ${client.fpsMean.toFixed(1)} fps of ${targetFps}`);
    }
    if (client.freezes > 0) {
      // Time spent frozen counts, not only how often: 50 % of the time frozen scores 10.
      const frozen = client.observedMs ? Math.min(1, client.freezeMs / client.observedMs) : 0;
      score += Math.min(10, frozen * 20 + client.freezes / 10);
      problems.push(
        `${client.freezes} freezes (${Math.round(client.freezeMs)} ms${client.observedMs ? `, ${Math.round(frozen * 100)} % of the time` : ''})`,
      );
    }
    if (client.packetLossMean !== null && client.packetLossMean > 0.005) {
      score += client.packetLossMean * 100;
      problems.push(`${(client.packetLossMean * 100).toFixed(1)} % packet loss`);
    }
    if (joinP50 !== null && client.join.joinMs > 2 * joinP50 && client.join.joinMs > 1000) {
      score += 1;
      problems.push(`slow join: ${Math.round(client.join.joinMs)} ms (median ${Math.round(joinP50)} ms)`);
    }
    if (client.join.firstFrameMs === null && client.role === 'receiver')
      problems.push('no remote frame yet when its join finished');
    return { id: client.id, score: Math.round(score * 100) / 100, problems };
  });
  return scored
    .filter((c) => c.problems.length > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** The receiving clients with the lowest fpsRatio, lowest first. */
export function lowestFpsRatio(
  clients: readonly ClientSummary[],
  limit = 10,
): { id: string; kind: ClientSummary['kind']; role: ClientSummary['role']; fpsRatio: number }[] {
  return clients
    .flatMap((c) =>
      c.join.ok && c.fpsRatio !== null ? [{ id: c.id, kind: c.kind, role: c.role, fpsRatio: c.fpsRatio }] : [],
    )
    .sort((a, b) => a.fpsRatio - b.fpsRatio)
    .slice(0, limit);
}
