// CPU time from /proc (Linux): per process, per thread, and the whole machine's busy share. Where
// /proc is missing these return null/empty and the report leaves the figures out.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc counts in clock ticks, 100 per second on every Linux the bench targets. */
const TICK_MS = 10;

/** utime + stime of a /proc stat line, in ms (fields 14 and 15; the command name may hold spaces). */
function statCpuMs(line: string): number {
  const f = line.slice(line.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** CPU time (user + system) a process has used so far, all its threads; null when unreadable. */
export function processCpuMs(pid: number): number | null {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** CPU time of each thread of this process so far, by thread id. */
export function threadCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      out.set(Number(tid), statCpuMs(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** Busy and total time of all cores since boot, in ms (first line of /proc/stat). */
export interface MachineTicks {
  busyMs: number;
  totalMs: number;
}

/** null without /proc. */
export function machineTicks(): MachineTicks | null {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busyMs: busy * TICK_MS, totalMs: (busy + idle! + iowait!) * TICK_MS };
  } catch {
    return null;
  }
}

/** How busy every core was between two snapshots: the busy share, and busy core-time in ms. */
export function machineBusy(before: MachineTicks | null, after: MachineTicks | null): { busyShare: number; busyCoreMs: number } | null {
  if (!before || !after || after.totalMs <= before.totalMs) return null;
  const busyCoreMs = after.busyMs - before.busyMs;
  return { busyShare: busyCoreMs / (after.totalMs - before.totalMs), busyCoreMs };
}

export interface ThreadSplit {
  mainMs: number;
  workersMs: number;
  runtimeMs: number;
}

/**
 * Where this process's CPU went between two snapshots: the main thread, the capture threads, and the
 * rest (V8's platform threads for GC and compilation, libuv's pool). Capture threads are `workers`
 * when given (a later cycle, when they already existed), else the threads born since `before`.
 * Threads that ended in between are not counted; null without /proc.
 */
export function splitThreads(before: Map<number, number>, after: Map<number, number>, workers?: ReadonlySet<number>): ThreadSplit | null {
  if (before.size === 0 || after.size === 0) return null;
  let mainMs = 0;
  let workersMs = 0;
  let runtimeMs = 0;
  for (const [tid, ms] of after) {
    const d = ms - (before.get(tid) ?? 0);
    if (tid === process.pid) mainMs += d;
    else if (workers ? workers.has(tid) : !before.has(tid)) workersMs += d;
    else runtimeMs += d;
  }
  return { mainMs, workersMs, runtimeMs };
}

/** The threads born between two snapshots and still alive: the capture threads after a first cycle. */
export function bornSince(before: Map<number, number>, after: Map<number, number>): Set<number> {
  return new Set([...after.keys()].filter((tid) => !before.has(tid)));
}
