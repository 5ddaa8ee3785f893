// The latest state per target: what /metrics shows. Replaced whole per run, pruned on reload.
import type { ProbeResult } from '../probe/result.js';
import { crlObservations, renderTargetSeries, type CrlObservation, type RenderedSeries } from '../metrics/results.js';

export interface StoredTarget {
  name: string;
  /** Rendered sample lines of every per-target metric family. */
  series: RenderedSeries;
  /** What the per-URL CRL series need. */
  crls: CrlObservation[];
  /** Verdict per probed address, for the status page. */
  ok: boolean[];
}

/** Keeps what metrics and status need of a run, not the results themselves (they are large). */
export function storedTarget(name: string, perAddress: boolean, results: ProbeResult[]): StoredTarget {
  return { name, series: renderTargetSeries(name, perAddress, results), crls: crlObservations(results), ok: results.map((r) => r.ok) };
}

export class ResultStore {
  private readonly targets = new Map<string, StoredTarget>();

  set(entry: StoredTarget): void {
    this.targets.set(entry.name, entry);
  }

  get(name: string): StoredTarget | undefined {
    return this.targets.get(name);
  }

  /** Forgets targets that are no longer configured, so their series disappear. */
  retain(names: ReadonlySet<string>): void {
    for (const name of this.targets.keys()) if (!names.has(name)) this.targets.delete(name);
  }

  all(): StoredTarget[] {
    return [...this.targets.values()];
  }

  get size(): number {
    return this.targets.size;
  }
}
