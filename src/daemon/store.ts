// The latest results per target: what /metrics shows. Replaced whole per run, pruned on reload.
import type { ProbeResult } from '../probe/result.js';

export interface StoredTarget {
  name: string;
  /** The target probes every address behind its name: results are told apart by address. */
  perAddress: boolean;
  results: ProbeResult[];
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
