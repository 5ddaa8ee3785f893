// Child process of section 4's skeleton: the agent's design with nothing of its work. Node with the
// agent's modules loaded (not started), one capture thread per core doing the bare client's
// captures with tlsprobe's dialogue, every result posted to the main thread, which keeps 2.6 kB per
// target (the size of a target's rendered series). No checks, CRLs or metrics: what the design
// itself costs in time and memory, against which the agent's cycle and peak RSS compare. It loads
// and keeps the agent's targets.yaml first, through the agent's loader thread, as any agent must
// before its first probe: the config load and the first cycle are the floor of a start-up cycle.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { childMain } from '../lib/child.js';
import { vmHwm } from '../lib/monitor.js';
import { bornSince, splitThreads, threadCpuMs, type ThreadSplit } from '../lib/cpu.js';
import { measureCycle, type CycleFigures } from '../lib/cycle.js';
import type { Kind } from '../lib/targets.js';
import type { SkeletonReply, SkeletonWorkerData } from '../lib/skeleton-worker.js';
import { loadConfigOffThread } from '../../src/config/load-off-thread.js';
import { requireAgentThreads } from '../lib/agent-threads.js';

export interface SkeletonResult {
  targets: number;
  /** The agent's config load (loader thread, parse, validation, the config posted back), before the first cycle. */
  configLoadMs: number;
  /** The first cycle, without the config load. */
  wallMs: number;
  /** The process's CPU time over the cycle (user + system, every thread). */
  cpuMs: number;
  /** The same CPU time by thread, as the agent's (null without /proc). */
  cpuByThread: ThreadSplit | null;
  /** The cycles after the first, in the same process, as the agent's steady cycles. */
  steady: CycleFigures[];
  peakRssBytes: number;
  ok: number;
  failed: number;
}

const SERIES_BYTES = 2600;

childMain(async (): Promise<SkeletonResult> => {
  const [count, concurrency, workerJson, configPath, steadyCycles = '0'] = process.argv.slice(2) as [string, string, string, string, string?];
  requireAgentThreads();
  await import('../../src/daemon/daemon.js');
  const n = Number(count);
  const c0 = performance.now();
  // Kept to the end, as the agent keeps its targets.
  const config = await loadConfigOffThread(configPath);
  const configLoadMs = performance.now() - c0;
  if (config.targets.length !== n) throw new Error(`skeleton: ${configPath} holds ${config.targets.length} targets, not ${n}`);
  const threads0 = threadCpuMs();
  const data = JSON.parse(workerJson) as SkeletonWorkerData;
  const workers = Array.from({ length: availableParallelism() }, () => new Worker(new URL('../lib/skeleton-worker.js', import.meta.url), { workerData: data }));
  const kinds: Kind[] = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'https' : 'smtp'));
  const kept = new Map<number, { ok: boolean; series: Buffer }>();
  let cycle: { next: number; done: number; resolve: () => void } | null = null;
  let lost: Error | null = null;
  let fail: (e: Error) => void = () => {};
  const send = (w: Worker): void => {
    if (cycle && cycle.next < n) w.postMessage({ i: cycle.next, kind: kinds[cycle.next++]! });
  };
  for (const w of workers) {
    const onLost = (e: Error): void => {
      lost ??= e;
      fail(e);
    };
    w.on('error', onLost);
    // Before the end only by accident (terminate() comes after the cycles): fail now, not at runChild's bound.
    w.on('exit', (code) => onLost(new Error(`skeleton capture thread exited (${code}) with ${cycle ? n - cycle.done : 0} targets of the cycle to go`)));
    w.on('message', (m: SkeletonReply) => {
      // A target's series are replaced each cycle, as the agent's store does.
      kept.set(m.i, { ok: m.ok, series: Buffer.allocUnsafeSlow(SERIES_BYTES).fill(0x61) });
      if (!cycle) return;
      if (++cycle.done === n) cycle.resolve();
      else send(w);
    });
  }
  /** Every target once, `concurrency` in flight. */
  const runCycle = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (lost) return reject(lost);
      fail = reject;
      cycle = { next: 0, done: 0, resolve };
      for (let k = 0; k < Math.min(Number(concurrency), n); k++) send(workers[k % workers.length]!);
    });
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await runCycle();
    const threads1 = threadCpuMs();
    // Read before the capture threads end: the split counts only threads still alive.
    const cpuByThread = splitThreads(threads0, threads1);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const workerTids = bornSince(threads0, threads1);
    const steady: CycleFigures[] = [];
    for (let k = 0; k < Number(steadyCycles); k++) steady.push(await measureCycle(runCycle, workerTids));
    const ok = [...kept.values()].filter((k) => k.ok).length;
    return { targets: n, configLoadMs, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, cpuByThread, steady, peakRssBytes: vmHwm() ?? 0, ok, failed: n - ok };
  } finally {
    cycle = null;
    await Promise.all(workers.map((w) => w.terminate()));
    void config; // held until here
  }
});
