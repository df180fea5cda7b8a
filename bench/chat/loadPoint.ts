import type { Fleet, Target } from './fleet.js';
import { cpuSeconds, ProcessGroupCpu } from './procStats.js';
import { Samples } from './stats.js';
import type { Topology } from './topology.js';

export interface LoadPointOptions {
  rate: number;
  durationS: number;
  warmupS: number;
  senders: number;
  textLength: number;
}

export interface LoadPointResult {
  rate: number;
  /** Messages sent per second in the measured window. */
  sentPerS: number;
  /** Measured messages that reached every socket of every member, per second. */
  deliveredPerS: number;
  /** Socket receives of measured messages, per second. */
  receivesPerS: number;
  /** send → receive, every receiving socket, ms. */
  latency: { p50: number; p95: number; p99: number; max: number };
  /** send → acknowledgement (Parley: after commit), ms. */
  ack: { p50: number; p99: number };
  /** Expected receives that never came (measured messages). */
  lost: number;
  ackErrors: number;
  /** How late the load generator sent, p99 ms (a high value means it was the bottleneck). */
  sendLagP99: number;
  clientCpuPercent: number;
  serverCpuPercent: number[];
  /** CPU of the target's PostgreSQL backends (percent of one core), NaN without a database. */
  databaseCpuPercent: number;
  /**
   * Latency by the second the message was sent in (measured window): p99 and max, ms. A tail
   * from one stall (a few seconds high) reads differently from a saturated machine (all high).
   */
  timeline: { p99: number; max: number }[];
}

interface InFlight {
  sentAt: number;
  expected: number;
  received: number;
  measured: boolean;
}

const TICK_MS = 2;
const DRAIN_MS = 3000;

/** One open-loop load point: sends on a fixed schedule whatever the answers, then drains. */
export async function runLoadPoint(
  fleet: Fleet,
  target: Target,
  topology: Topology,
  options: LoadPointOptions,
): Promise<LoadPointResult> {
  const inFlight = new Map<string, InFlight>();
  const latency = new Samples();
  const bySecond = Array.from({ length: Math.ceil(options.durationS) }, () => new Samples());
  const ack = new Samples();
  const lag = new Samples();
  let delivered = 0;
  let receives = 0;
  let ackErrors = 0;
  let sentMeasured = 0;

  let measureFrom = Number.POSITIVE_INFINITY;
  const expectedOf = topology.groups.map((members) => members.reduce((n, u) => n + topology.socketsOf(u), 0));
  fleet.listener = (clientId, receivedAt) => {
    const entry = inFlight.get(clientId);
    if (!entry) return;
    entry.received++;
    if (entry.measured) {
      latency.add(receivedAt - entry.sentAt);
      bySecond[Math.min(bySecond.length - 1, Math.floor((entry.sentAt - measureFrom) / 1000))]?.add(
        receivedAt - entry.sentAt,
      );
      receives++;
    }
    if (entry.received === entry.expected) {
      inFlight.delete(clientId);
      if (entry.measured) delivered++;
    }
  };

  const text = 'Parley benchmark message: the quick brown fox jumps over the lazy dog. '
    .repeat(64)
    .slice(0, options.textLength);
  const senders = Array.from({ length: options.senders }, (_, u) => u);
  const start = performance.now();
  measureFrom = start + options.warmupS * 1000;
  const end = measureFrom + options.durationS * 1000;
  let sent = 0;
  let cpuAtStart: { client: NodeJS.CpuUsage; servers: number[] } | null = null;
  let cpuUsed: { client: number; servers: number[] } | null = null;

  const sendOne = (scheduledAt: number) => {
    const user = senders[sent % senders.length]!;
    const group = topology.groupOf[user]!;
    const clientId = `r${options.rate}-${sent}`;
    const now = performance.now();
    const measured = now >= measureFrom && now < end;
    if (measured) {
      sentMeasured++;
      lag.add(now - scheduledAt);
    }
    inFlight.set(clientId, { sentAt: now, expected: expectedOf[group]!, received: 0, measured });
    const socket = fleet.sockets[topology.senderSocket(user)]!;
    socket.emit('message', { conversationId: target.conversationIds[group], clientId, text }, (response) => {
      if (!(response as { ok?: unknown } | undefined)?.ok) ackErrors++;
      else if (measured) ack.add(performance.now() - now);
    });
    sent++;
  };

  const databaseCpu = target.databasePids ? new ProcessGroupCpu(target.databasePids) : null;
  const databaseCpuStarted = new Promise<void>((resolve) => setTimeout(resolve, options.warmupS * 1000)).then(() =>
    databaseCpu?.start(),
  );
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (!cpuAtStart && now >= measureFrom) {
        cpuAtStart = { client: process.cpuUsage(), servers: target.pids.map(cpuSeconds) };
      }
      if (now >= end) {
        clearInterval(timer);
        if (cpuAtStart) {
          const client = process.cpuUsage(cpuAtStart.client);
          cpuUsed = {
            client: (client.user + client.system) / 1e6,
            servers: target.pids.map((pid, i) => cpuSeconds(pid) - cpuAtStart!.servers[i]!),
          };
        }
        resolve();
        return;
      }
      const due = Math.floor(((now - start) * options.rate) / 1000);
      while (sent < due) sendOne(start + (sent * 1000) / options.rate);
    }, TICK_MS);
  });

  await databaseCpuStarted;
  const databaseCpuSeconds = databaseCpu ? await databaseCpu.end() : Number.NaN;
  const drainUntil = performance.now() + DRAIN_MS;
  while (performance.now() < drainUntil && [...inFlight.values()].some((e) => e.measured)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let lost = 0;
  for (const entry of inFlight.values()) if (entry.measured) lost += entry.expected - entry.received;
  inFlight.clear();

  const seconds = options.durationS;
  const [p50, p95, p99] = latency.percentiles([50, 95, 99]);
  const [a50, a99] = ack.percentiles([50, 99]);
  const used = cpuUsed as { client: number; servers: number[] } | null;
  return {
    rate: options.rate,
    sentPerS: sentMeasured / seconds,
    deliveredPerS: delivered / seconds,
    receivesPerS: receives / seconds,
    latency: { p50: p50!, p95: p95!, p99: p99!, max: latency.max() },
    ack: { p50: a50!, p99: a99! },
    lost,
    ackErrors,
    sendLagP99: lag.percentiles([99])[0]!,
    clientCpuPercent: used ? (100 * used.client) / seconds : Number.NaN,
    serverCpuPercent: used ? used.servers.map((s) => (100 * s) / seconds) : [],
    databaseCpuPercent: (100 * databaseCpuSeconds) / seconds,
    timeline: bySecond.map((s) => ({ p99: s.percentiles([99])[0]!, max: s.max() })),
  };
}
