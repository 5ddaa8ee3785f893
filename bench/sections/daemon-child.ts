// Child process of section 4: runs the daemon's start-up cycle on the generated config, then its
// steady cycles (every target again, in the same process), and measures them.
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/log.js';
import { defaultCrlCache } from '../../src/revocation/cache.js';
import { childMain, runChild } from '../lib/child.js';
import type { Scrape } from './scrape-child.js';
import { gc, startMonitor, vmHwm } from '../lib/monitor.js';
import type { DaemonResult } from './daemon.js';
import { requireAgentThreads } from '../lib/agent-threads.js';
import { bornSince, machineBusy, machineTicks, splitThreads, threadCpuMs } from '../lib/cpu.js';
import { measureCycle, type CycleFigures } from '../lib/cycle.js';
import { readFile } from 'node:fs/promises';

const SCRAPES = 3;

childMain(async (): Promise<DaemonResult> => {
  const [configPath, concurrency, steadyCycles = '0'] = process.argv.slice(2) as [string, string, string?];
  requireAgentThreads();
  let errors = 0;
  const log = createLogger('error', () => void errors++);
  // Starts libuv's thread pool now, so that the threads born during the cycle are the capture workers
  // and the config loader (which has ended by the last snapshot: the report counts it as the rest).
  await readFile(configPath);
  gc();
  const threads0 = threadCpuMs();
  const machine0 = machineTicks();
  const monitor = startMonitor();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const daemon = new Daemon({ configPath, listen: { host: '127.0.0.1', port: 0 }, shard: null, log });
  try {
    // Not keepResults: holding 10,000 results would be measured as the agent's memory.
    await daemon.start();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const threads1 = threadCpuMs();
    const cpuByThread = splitThreads(threads0, threads1);
    const machine = machineBusy(machine0, machineTicks());
    const loop = monitor.stop();
    // The next cycles, as every cycle after start-up runs: config loaded, V8 warmed up, CRLs cached.
    const workerTids = bornSince(threads0, threads1);
    const steady: CycleFigures[] = [];
    for (let k = 0; k < Number(steadyCycles); k++) steady.push(await measureCycle(() => daemon.probeAll(), workerTids));
    const cycleHwm = vmHwm() ?? Math.max(loop.rssPeakSampled, ...steady.map((c) => c.rssPeakSampled));
    gc();
    const heapAfterGc = process.memoryUsage().heapUsed;
    const verdicts = daemon.store.all().flatMap((t) => t.ok);
    // Reasons are in the agent's log and tlsprobe_probes_total; the bench only counts.
    const failures: Record<string, number> = {};
    const failed = verdicts.filter((ok) => !ok).length;
    if (failed) failures['see tlsprobe_probes_total{result="failure"}'] = failed;
    const addr = daemon.address;
    if (!addr) throw new Error('daemon.address is null after start()');
    // From another process, as Prometheus scrapes: only the agent's side is measured here.
    const scrapes = await runChild<Scrape[]>(new URL('./scrape-child.js', import.meta.url), [`http://${addr.host}:${addr.port}/metrics`, String(SCRAPES)], 120_000);
    const mid = [...scrapes].sort((a, b) => a.ms - b.ms)[Math.floor(SCRAPES / 2)]!;
    // Before the bench's own config load below, which is not the agent's.
    const peakRss = vmHwm() ?? loop.rssPeakSampled;
    const c0 = performance.now();
    // Imported here: the agent's main thread does not load the parser (zod, yaml), and neither may its measurement.
    const { loadConfigFile } = await import('../../src/config/load.js');
    await loadConfigFile(configPath);
    const configLoadMs = performance.now() - c0;
    return {
      targets: verdicts.length,
      concurrency: Number(concurrency),
      wallMs,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      cpuByThread,
      machine,
      steady,
      peakRssBytes: peakRss,
      cycleRssBytes: cycleHwm,
      rssPeakSampled: loop.rssPeakSampled,
      heapAfterGcBytes: heapAfterGc,
      loopP99Ms: loop.loopP99Ms,
      loopMaxMs: loop.loopMaxMs,
      ok: verdicts.length - failed,
      failed,
      failures,
      crlDownloads: defaultCrlCache.stats().downloads,
      scrapes,
      scrapeMs: mid.ms,
      scrapeBytes: mid.bytes,
      configLoadMs,
    };
  } finally {
    await daemon.stop();
    if (errors > 0) console.error(`bench daemon: ${errors} error log line(s)`);
  }
});
