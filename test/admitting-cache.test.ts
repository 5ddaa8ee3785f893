// The certificate and chain caches' admission: more distinct certificates than fit must still hit
// on part of them, and a new one (a renewal) must still get in.
import { describe, it, expect } from 'vitest';
import { AdmittingCache } from '../src/x509/admitting-cache.js';

/** Hit rate over `cycles` passes through `n` keys in order (the agent's cycle), after one warm-up pass. */
function hitRate(cache: AdmittingCache<number>, n: number, cycles: number): number {
  let hits = 0;
  for (let c = 0; c <= cycles; c++) {
    for (let i = 0; i < n; i++) {
      const key = `k${i}`;
      if (cache.get(key) !== undefined) {
        if (c > 0) hits++;
      } else cache.add(key, i);
    }
  }
  return hits / (n * cycles);
}

describe('AdmittingCache', () => {
  it('keeps hitting on most of an estate half again as large as the cache, where first-in first-out never hits', () => {
    expect(hitRate(new AdmittingCache<number>(200), 300, 20)).toBeGreaterThan(0.5);
    expect(hitRate(new AdmittingCache<number>(200), 150, 20)).toBe(1);
  });

  it('never holds more than its limit, and a new key gets in within a few misses once full', () => {
    const cache = new AdmittingCache<number>(4);
    for (let i = 0; i < 4; i++) cache.add(`old${i}`, i);
    let misses = 0;
    while (cache.get('renewed') === undefined) {
      expect(cache.add('renewed', 9)).toBe(9); // the value is handed back whether kept or not
      misses++;
    }
    expect(misses).toBeLessThanOrEqual(8);
    expect(cache.size).toBe(4);
    expect(cache.get('old0')).toBeUndefined(); // the oldest made room
  });
});
