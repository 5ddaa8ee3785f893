// Child process of section 4's skeleton: the agent's design with nothing of its work. Node with the
// agent's modules loaded (not started), one capture thread per core doing the bare client's
// captures with tlsprobe's dialogue, every result posted to the main thread, which keeps 2.6 kB per
// target (the size of a target's rendered series). No config, checks, CRLs or metrics: what the
// design itself costs in time and memory, against which the agent's cycle and peak RSS compare.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { childMain } from '../lib/child.js';
import { vmHwm } from '../lib/monitor.js';
import type { Kind } from '../lib/targets.js';
import type { SkeletonReply, SkeletonWorkerData } from '../lib/skeleton-worker.js';

export interface SkeletonResult {
  targets: number;
  wallMs: number;
  /** The process's CPU time over the cycle (user + system, every thread). */
  cpuMs: number;
  peakRssBytes: number;
  ok: number;
  failed: number;
}

const SERIES_BYTES = 2600;

childMain(async (): Promise<SkeletonResult> => {
  const [count, concurrency, workerJson] = process.argv.slice(2) as [string, string, string];
  await import('../../src/daemon/daemon.js');
  const n = Number(count);
  const data = JSON.parse(workerJson) as SkeletonWorkerData;
  const workers = Array.from({ length: availableParallelism() }, () => new Worker(new URL('../lib/skeleton-worker.js', import.meta.url), { workerData: data }));
  const kinds: Kind[] = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'https' : 'smtp'));
  const kept = new Map<number, { ok: boolean; series: Buffer }>();
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (w: Worker): void => {
        if (next < n) w.postMessage({ i: next, kind: kinds[next++]! });
      };
      for (const w of workers) {
        w.on('error', reject);
        // Before the end only by accident (terminate() comes after resolve): fail now, not at runChild's bound.
        w.on('exit', (code) => reject(new Error(`skeleton capture thread exited (${code}) with ${n - kept.size} targets to go`)));
        w.on('message', (m: SkeletonReply) => {
          if (!m.ok) failed++;
          kept.set(m.i, { ok: m.ok, series: Buffer.allocUnsafeSlow(SERIES_BYTES).fill(0x61) });
          if (kept.size === n) resolve();
          else send(w);
        });
      }
      for (let k = 0; k < Math.min(Number(concurrency), n); k++) send(workers[k % workers.length]!);
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { targets: n, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes: vmHwm() ?? 0, ok: n - failed, failed };
});
