import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Resident set size of a process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** User + system CPU seconds a process has used. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** CPU seconds of a process, or null when it is gone. */
function cpuSecondsIfAlive(pid: number): number | null {
  try {
    return cpuSeconds(pid);
  } catch {
    return null;
  }
}

/**
 * CPU used by a changing set of processes (a database's backends) between start() and end():
 * processes found at both ends count their difference, processes found only at the end count
 * their whole life (they started in between), processes gone by the end count nothing.
 */
export class ProcessGroupCpu {
  private startCpu = new Map<number, number>();

  constructor(private readonly listPids: () => Promise<number[]>) {}

  async start(): Promise<void> {
    for (const pid of await this.listPids()) {
      const cpu = cpuSecondsIfAlive(pid);
      if (cpu !== null) this.startCpu.set(pid, cpu);
    }
  }

  async end(): Promise<number> {
    let total = 0;
    for (const pid of await this.listPids()) total += (cpuSecondsIfAlive(pid) ?? 0) - (this.startCpu.get(pid) ?? 0);
    return Math.max(0, total);
  }
}
