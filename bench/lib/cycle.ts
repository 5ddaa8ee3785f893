// One timed cycle of probes in a process that has already run one: wall time, CPU by thread,
// event-loop delay and the RSS reached. The agent's and the skeleton's steady cycles use it alike.
import { machineBusy, machineTicks, splitThreads, threadCpuMs, type ThreadSplit } from './cpu.js';
import { startMonitor } from './monitor.js';

export interface CycleFigures {
  wallMs: number;
  /** This process's CPU time over the cycle (user + system, every thread). */
  cpuMs: number;
  cpuByThread: ThreadSplit | null;
  /** The whole machine during the cycle: share of all cores busy, and busy core-time. */
  machine: { busyShare: number; busyCoreMs: number } | null;
  loopP99Ms: number;
  loopMaxMs: number;
  /** Highest RSS sampled every 50 ms during the cycle. */
  rssPeakSampled: number;
}

/** Runs `cycle` once and measures it; `workerTids` are the capture threads (born in the first cycle). */
export async function measureCycle(cycle: () => Promise<void>, workerTids: ReadonlySet<number>): Promise<CycleFigures> {
  const threads0 = threadCpuMs();
  const machine0 = machineTicks();
  const monitor = startMonitor();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await cycle();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuByThread = splitThreads(threads0, threadCpuMs(), workerTids);
  const machine = machineBusy(machine0, machineTicks());
  const m = monitor.stop();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, cpuByThread, machine, loopP99Ms: m.loopP99Ms, loopMaxMs: m.loopMaxMs, rssPeakSampled: m.rssPeakSampled };
}
