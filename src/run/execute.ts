// Probes a list of resolved targets with bounded concurrency: the path `check` (and later the daemon) share.
import type { ResolvedTarget } from '../config/index.js';
import type { ProbeResult } from '../probe/result.js';
import { runProbe } from '../probe/runner.js';
import { toProbeTarget } from '../probe/from-config.js';
import { mapLimit } from './pool.js';

export interface RunOptions {
  concurrency: number;
}

export async function runTargets(targets: ResolvedTarget[], opts: RunOptions): Promise<ProbeResult[]> {
  return mapLimit(targets, opts.concurrency, (t) => runTarget(t));
}

export async function runTarget(t: ResolvedTarget): Promise<ProbeResult> {
  return runProbe(toProbeTarget(t));
}
