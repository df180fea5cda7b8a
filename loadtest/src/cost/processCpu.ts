/**
 * CPU time of process trees, read from /proc (Linux): a root pid and every descendant alive at
 * the moment of reading. Used to say what a client costs (browsers, the embedded Parley).
 * Elsewhere than Linux every read answers null.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux in practice). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, seconds. */
  cpuSec: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return { pid, ppid, cpuSec: (utime + stime) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

function allStats(): ProcStat[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const stats: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** Per root pid: CPU seconds used so far by it and its live descendants (null: not running / no /proc). */
export function treeCpuSeconds(roots: readonly number[]): Map<number, number | null> {
  const result = new Map<number, number | null>();
  const stats = allStats();
  if (!stats) {
    for (const root of roots) result.set(root, null);
    return result;
  }
  const children = new Map<number, ProcStat[]>();
  const byPid = new Map<number, ProcStat>();
  for (const stat of stats) {
    byPid.set(stat.pid, stat);
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  for (const root of roots) {
    const top = byPid.get(root);
    if (!top) {
      result.set(root, null);
      continue;
    }
    let total = 0;
    const stack = [top];
    const seen = new Set<number>();
    while (stack.length) {
      const stat = stack.pop()!;
      if (seen.has(stat.pid)) continue;
      seen.add(stat.pid);
      total += stat.cpuSec;
      stack.push(...(children.get(stat.pid) ?? []));
    }
    result.set(root, total);
  }
  return result;
}
