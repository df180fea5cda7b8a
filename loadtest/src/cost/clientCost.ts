/**
 * What a client costs: CPU of the load-test process (the bots run in it, and so does the
 * runner), of the Chromium process trees (browser clients) and of the embedded Parley (server,
 * media node, mediasoup workers), measured over the hold only and turned into "% of one core".
 */
import type { RunCost } from '../reportTypes.js';
import { treeCpuSeconds } from './processCpu.js';

interface Mark {
  wallMs: number;
  self: NodeJS.CpuUsage;
  trees: Map<number, number | null>;
}

export interface CostCounts {
  bots: number;
  browserSenders: number;
  browserReceivers: number;
}

export class CostMeter {
  private start: Mark | null = null;
  private end: Mark | null = null;

  constructor(
    private readonly browserPids: () => number[],
    private readonly parleyPid: number | null,
  ) {}

  private mark(): Mark {
    const roots = [...this.browserPids(), ...(this.parleyPid !== null ? [this.parleyPid] : [])];
    return { wallMs: performance.now(), self: process.cpuUsage(), trees: treeCpuSeconds(roots) };
  }

  /** At the start of the hold. */
  begin(): void {
    this.start = this.mark();
  }

  /** At the end of the hold (before any client closes). */
  finish(): void {
    if (this.start) this.end = this.mark();
  }

  result(counts: CostCounts): RunCost | null {
    const { start, end } = this;
    if (!start || !end) return null;
    const wallSec = (end.wallMs - start.wallMs) / 1000;
    if (wallSec <= 0) return null;
    const pct = (cpuSec: number) => (cpuSec / wallSec) * 100;
    const selfSec = (end.self.user - start.self.user + end.self.system - start.self.system) / 1e6;
    const treeDelta = (pid: number): number | null => {
      const a = start.trees.get(pid);
      const b = end.trees.get(pid);
      return a === null || a === undefined || b === null || b === undefined ? null : Math.max(0, b - a);
    };
    const browserPids = [...start.trees.keys()].filter((pid) => pid !== this.parleyPid);
    const browserDeltas = browserPids.map(treeDelta).filter((d): d is number => d !== null);
    const browserSec = browserDeltas.length ? browserDeltas.reduce((x, y) => x + y, 0) : null;
    const browsers = counts.browserSenders + counts.browserReceivers;
    const parleySec = this.parleyPid !== null ? treeDelta(this.parleyPid) : null;
    return {
      holdSec: Math.round(wallSec * 10) / 10,
      loadtestProcessCpuPct: pct(selfSec),
      bots: counts.bots,
      botCpuPct: counts.bots > 0 ? pct(selfSec) / counts.bots : null,
      browserProcesses: browserPids.length,
      browserClients: browsers,
      browsersCpuPct: browserSec === null ? null : pct(browserSec),
      browserCpuPct: browserSec !== null && browsers > 0 ? pct(browserSec) / browsers : null,
      parleyCpuPct: parleySec === null ? null : pct(parleySec),
    };
  }
}
