// A bounded map for what probes meet again and again (certificates, chains), that stays useful when
// an estate has more distinct entries than fit.

/** When full, one miss in this many replaces the oldest entry; the others are not kept. */
const ADMIT_EVERY = 8;

/**
 * First in, first out would evict every entry before its next use once the entries cycled through
 * outnumber the limit (a cycle over 3,000 certificates with room for 2,048: no hits at all). Admitting
 * only some misses when full keeps most of the kept entries in place: ~60% hits at 1.5× the limit,
 * ~35% at 2.5× (simulated, with 1% of entries replaced per cycle), while new entries still get in
 * after a few misses (a renewed certificate: within about 8 probes).
 */
export class AdmittingCache<V> {
  private readonly entries = new Map<string, V>();
  private misses = 0;

  constructor(readonly limit: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Keeps `value` under `key` unless the cache is full and this miss is not admitted; returns `value`. */
  add(key: string, value: V): V {
    if (this.entries.size >= this.limit) {
      if (++this.misses % ADMIT_EVERY !== 0) return value;
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
