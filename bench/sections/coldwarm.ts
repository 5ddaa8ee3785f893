// Section 6, cold vs warm CRL cache: one cycle of N targets with an empty CrlCache, then the same cycle again with it warm.
import { mapLimit } from '../../src/run/pool.js';
import { runTargetAddresses } from '../../src/run/execute.js';
import { CrlCache } from '../../src/revocation/cache.js';
import type { BenchOptions } from '../lib/options.js';
import type { BenchServers } from '../lib/servers.js';
import { resolvedTargets } from '../lib/targets.js';
import { whyNot } from './tlsprobe.js';

export interface CycleResult {
  wallMs: number;
  ok: number;
  failed: number;
  /** CRL downloads during the cycle (CrlCache.stats()). */
  downloads: number;
  downloadedBytes: number;
  /** Slowest single target (probe + revocation + checks): the cold cycle's first probes wait for the CRLs. */
  slowestMs: number;
  failures: Record<string, number>;
}

export interface ColdWarmResult {
  targets: number;
  concurrency: number;
  distinctCrlUrls: number;
  issuingCrlBytes: number;
  cold: CycleResult;
  warm: CycleResult;
}

export async function measureColdWarm(servers: BenchServers, o: BenchOptions, concurrency: number): Promise<ColdWarmResult> {
  const targets = resolvedTargets(servers, { count: o.cycleTargets, concurrency });
  const cache = new CrlCache();
  const cycle = async (): Promise<CycleResult> => {
    const before = cache.stats();
    const t0 = performance.now();
    let slowestMs = 0;
    const one = async (t: (typeof targets)[number]): ReturnType<typeof runTargetAddresses> => {
      const s0 = performance.now();
      const r = await runTargetAddresses(t, { crlCache: cache });
      slowestMs = Math.max(slowestMs, performance.now() - s0);
      return r;
    };
    const results = (await mapLimit(targets, concurrency, one)).flat();
    const wallMs = performance.now() - t0;
    const after = cache.stats();
    const failures: Record<string, number> = {};
    for (const r of results.filter((x) => !x.ok)) {
      const k = whyNot(r).slice(0, 120);
      failures[k] = (failures[k] ?? 0) + 1;
    }
    return {
      wallMs,
      ok: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      downloads: after.downloads - before.downloads,
      downloadedBytes: after.bytes - before.bytes,
      slowestMs,
      failures,
    };
  };
  const cold = await cycle();
  const warm = await cycle();
  return { targets: targets.length, concurrency, distinctCrlUrls: servers.crlUrls.length, issuingCrlBytes: servers.issuingCrlBytes, cold, warm };
}
