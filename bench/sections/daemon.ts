// Section 4, the daemon at scale: N targets, one start-up cycle of `new Daemon().start()` in a fresh process, then /metrics scrapes.
import { join } from 'node:path';
import { writeFileMode } from '../../test/harness/tmp.js';
import { runChild } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';
import type { BenchServers } from '../lib/servers.js';
import { targetsYaml } from '../lib/targets.js';

/** The agent's node flags in systemd/tlsprobe.service: a small young generation (the README says why). */
export const AGENT_NODE_FLAGS = ['--max-semi-space-size=2'];

export interface DaemonResult {
  targets: number;
  concurrency: number;
  /** Daemon.start(): config load, listener, every target once. */
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** The same CPU time by thread (from /proc; null elsewhere): the main thread, the capture workers, V8's GC/compiler and libuv's threads. */
  cpuByThread: { mainMs: number; workersMs: number; runtimeMs: number } | null;
  /** The whole machine during the cycle: share of all cores busy, and busy core-time (agent, servers, kernel). */
  machine: { busyShare: number; busyCoreMs: number } | null;
  /** Peak RSS of the same agent with 2 targets: what modules, listener and capture workers cost before any scale. */
  floorRssBytes?: number;
  /** Peak RSS of the process over the cycle and the scrapes (VmHWM, else the 50 ms sampling). */
  peakRssBytes: number;
  /** Peak RSS at the end of the cycle, before any scrape (VmHWM). */
  cycleRssBytes: number;
  /** Highest RSS sampled every 50 ms during the cycle. */
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
}

export async function measureDaemon(servers: BenchServers, o: BenchOptions, concurrency: number): Promise<DaemonResult> {
  const configPath = join(servers.dir, `daemon-${o.daemonTargets}.yaml`);
  await writeFileMode(configPath, targetsYaml(servers, { count: o.daemonTargets, concurrency }));
  // 10,000 probes at a few hundred per second, plus scrapes: bounded well above the expected minute.
  const limitMs = o.quick ? 120_000 : 480_000;
  // With the V8 flag the shipped systemd unit runs the agent with (see systemd/tlsprobe.service).
  const child = new URL('./daemon-child.js', import.meta.url);
  const floorPath = join(servers.dir, 'daemon-floor.yaml');
  await writeFileMode(floorPath, targetsYaml(servers, { count: 2, concurrency }));
  const floor = await runChild<DaemonResult>(child, [floorPath, String(concurrency)], 60_000, AGENT_NODE_FLAGS);
  const result = await runChild<DaemonResult>(child, [configPath, String(concurrency)], limitMs, AGENT_NODE_FLAGS);
  return { ...result, floorRssBytes: floor.peakRssBytes };
}
