// Section 3, tlsprobe: full probes (capture, revocation, every check) through runTargetAddresses, the daemon's code path.
import type { ResolvedTarget } from '../../src/config/index.js';
import type { ProbeResult } from '../../src/probe/result.js';
import { runTargetAddresses } from '../../src/run/execute.js';
import { runProbe } from '../../src/probe/runner.js';
import { toProbeTarget } from '../../src/probe/from-config.js';
import { ProbePool } from '../../src/run/worker-pool.js';
import { requireAgentThreads } from '../lib/agent-threads.js';

/** The daemon's capture workers (one per core), shared by every tlsprobe contender of the run. */
let pool: ProbePool | null = null;
export function benchPool(): ProbePool {
  if (pool) return pool;
  // Once, not per probe: the check looks for the workers' scripts on disk.
  requireAgentThreads();
  return (pool = new ProbePool());
}
export async function closeBenchPool(): Promise<void> {
  await pool?.close();
  pool = null;
}
import { opContender, type Contender, type LoadResult } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import type { BenchServers } from '../lib/servers.js';
import { resolvedTargets, type Kind } from '../lib/targets.js';

interface PerServer {
  https: LoadResult[];
  smtp: LoadResult[];
}

export interface TlsprobeResult extends PerServer {
  /** Where the cost goes, at the judged level only: runProbe alone (no revocation, no checks)... */
  captureOnly: PerServer;
  /** ...and runProbe without the exact-chain tap (exactChain: false, which the config cannot set today). */
  captureNoTap: PerServer;
}

/** Why a result is not OK, for the failure tally. */
export function whyNot(r: ProbeResult): string {
  if (r.error) return `${r.error.reason}: ${r.error.message}`;
  const c = r.checks.find((x) => x.status === 'fail');
  return c ? `check ${c.id}: ${c.message}` : 'not ok';
}

/** One full probe of `t`, as the daemon runs it; throws with the reason when it is not OK. */
export function probeOp(t: ResolvedTarget): () => Promise<boolean> {
  return async () => {
    const results = await runTargetAddresses(t, { pool: benchPool() });
    const bad = results.find((r) => !r.ok);
    if (bad) throw new Error(whyNot(bad));
    return results.length > 0;
  };
}

/** The probe alone: connect, dialogue, handshake, capture; no revocation stage, no checks. */
function captureOp(t: ResolvedTarget, exactChain: boolean): () => Promise<boolean> {
  const target = { ...toProbeTarget(t), exactChain };
  return async () => {
    const r = await runProbe(target);
    if (!r.ok) throw new Error(whyNot(r));
    return true;
  };
}

export function tlsprobeTarget(servers: BenchServers, kind: Kind): ResolvedTarget {
  return resolvedTargets(servers, { count: 1, concurrency: 1, kind })[0]!;
}

/** Key `tlsprobe`; at the judged level also `captureOnly` and `captureNoTap`. */
export async function tlsprobeContenders(servers: BenchServers, kind: Kind, concurrency: number, o: BenchOptions): Promise<Contender[]> {
  const t = tlsprobeTarget(servers, kind);
  await probeOp(t)(); // a broken setup fails loudly here instead of measuring failures
  const out = [opContender('tlsprobe', probeOp(t), concurrency, o.maxOps)];
  if (concurrency === o.judgeLevel) {
    out.push(opContender('captureOnly', captureOp(t, true), concurrency, o.maxOps));
    out.push(opContender('captureNoTap', captureOp(t, false), concurrency, o.maxOps));
  }
  return out;
}
