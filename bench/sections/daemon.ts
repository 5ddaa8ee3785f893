// Section 4, the daemon at scale: N targets, the start-up cycle of `new Daemon().start()` in a fresh
// process, then steady cycles (every target again, as each later cycle runs), then /metrics scrapes.
import { join } from 'node:path';
import { writeFileMode } from '../../test/harness/tmp.js';
import { agentNodeFlags } from '../lib/agent-flags.js';
import { runChild } from '../lib/child.js';
import { interleave } from '../lib/load.js';
import { allCoresContender } from './limit.js';
import type { BenchOptions } from '../lib/options.js';
import type { BenchServers } from '../lib/servers.js';
import { targetsYaml } from '../lib/targets.js';
import type { SkeletonWorkerData } from '../lib/skeleton-worker.js';
import type { SkeletonResult } from './skeleton-child.js';
import type { CycleFigures } from '../lib/cycle.js';
import { SERVERNAME } from '../lib/servers.js';

export interface DaemonResult {
  targets: number;
  concurrency: number;
  /** Daemon.start(): config load, listener, every target once (V8 compiling the agent's code as it goes). */
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** The same CPU time by thread (from /proc; null elsewhere): the main thread, the capture workers, V8's GC/compiler and libuv's threads. */
  cpuByThread: { mainMs: number; workersMs: number; runtimeMs: number } | null;
  /** The whole machine during the cycle: share of all cores busy, and busy core-time (agent, servers, kernel). */
  machine: { busyShare: number; busyCoreMs: number } | null;
  /** The cycles after start-up (Daemon.probeAll(), same process): what every later cycle costs. The last one is judged. */
  steady: CycleFigures[];
  /** Peak RSS of the same agent with 2 targets: what modules, listener and capture workers cost before any scale. */
  floorRssBytes?: number;
  /** Peak RSS of the process over the cycle and the scrapes (VmHWM, else the 50 ms sampling). */
  peakRssBytes: number;
  /** Peak RSS at the end of the cycles, before any scrape (VmHWM). */
  cycleRssBytes: number;
  /** Highest RSS sampled every 50 ms during the start-up cycle. */
  rssPeakSampled: number;
  /** The main thread's live heap after the cycle (after a full GC): what the agent keeps. */
  heapAfterGcBytes: number;
  loopP99Ms: number;
  loopMaxMs: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  crlDownloads: number;
  scrapes: Array<{ ms: number; bytes: number; series: number }>;
  /** Median of the scrapes. */
  scrapeMs: number;
  scrapeBytes: number;
  configLoadMs: number;
  /** The design without the agent's work (skeleton-child.ts), same targets, concurrency and node flags. */
  skeleton?: SkeletonResult;
  /** The all-cores limit's rates at this concurrency, measured right before and right after the cycles. */
  limitNearby?: { before: { https: number; smtp: number }; after: { https: number; smtp: number } };
}

/**
 * The all-cores limit at the cycle's concurrency, measured right before and right after the cycles:
 * section 1's figure is minutes old by then, and the machine's speed drifts by up to 2× in that time
 * (SMTP at c=64: 258-561 handshakes per second across four runs of one day).
 */
async function limitNearby(servers: BenchServers, o: BenchOptions, concurrency: number): Promise<{ https: number; smtp: number }> {
  const contenders = await Promise.all(
    (['https', 'smtp'] as const).map(async (kind) => ({
      ...(await allCoresContender({ kind, port: kind === 'https' ? servers.httpsPort : servers.smtpPort, servername: SERVERNAME }, servers.rootPem, o, concurrency)),
      key: kind,
    })),
  );
  const got = await interleave(contenders, { warmupMs: o.warmupMs, durationMs: o.durationMs, rounds: NEARBY_ROUNDS });
  return { https: got.get('https')!.rate, smtp: got.get('smtp')!.rate };
}

const NEARBY_ROUNDS = 3;

export async function measureDaemon(servers: BenchServers, o: BenchOptions, concurrency: number): Promise<DaemonResult> {
  const configPath = join(servers.dir, `daemon-${o.daemonTargets}.yaml`);
  await writeFileMode(configPath, targetsYaml(servers, { count: o.daemonTargets, concurrency }));
  // 10,000 probes at a few hundred per second, plus scrapes: bounded well above the expected minute.
  const limitMs = o.quick ? 120_000 : 480_000;
  // With the node flags the shipped systemd unit runs the agent with.
  const flags = agentNodeFlags();
  const child = new URL('./daemon-child.js', import.meta.url);
  const floorPath = join(servers.dir, 'daemon-floor.yaml');
  await writeFileMode(floorPath, targetsYaml(servers, { count: 2, concurrency }));
  const floor = await runChild<DaemonResult>(child, [floorPath, String(concurrency)], 60_000, flags);
  const cycles = String(o.steadyCycles);
  const before = await limitNearby(servers, o, concurrency);
  const result = await runChild<DaemonResult>(child, [configPath, String(concurrency), cycles], limitMs, flags);
  const skeletonData: SkeletonWorkerData = { rootPem: servers.rootPem, httpsPort: servers.httpsPort, smtpPort: servers.smtpPort, servername: SERVERNAME };
  const skeleton = await runChild<SkeletonResult>(new URL('./skeleton-child.js', import.meta.url), [String(o.daemonTargets), String(concurrency), JSON.stringify(skeletonData), configPath, cycles], limitMs, flags);
  const after = await limitNearby(servers, o, concurrency);
  return { ...result, floorRssBytes: floor.peakRssBytes, skeleton, limitNearby: { before, after } };
}
