// Verdicts that depend only on the leaf and a few settings, remembered per leaf: repeat probes of a
// target present the same frozen CertInfo (see chainInfos), so the check runs once per leaf and key.
import type { CertInfo, CheckResult } from '../probe/result.js';
import type { Check, CheckInput } from './types.js';

/** Distinct settings remembered per leaf (targets with different expected names, say). */
const KEYS_PER_LEAF = 64;

/**
 * `check` must read nothing of the input but the leaf and what `key` encodes. Leaves that are not
 * frozen (built by hand, not shared) are judged every time.
 */
export function perLeaf(check: Check, key: (input: CheckInput) => string): Check {
  const memo = new WeakMap<CertInfo, Map<string, CheckResult | null>>();
  return (input) => {
    const leaf = input.result.chain[0];
    if (!leaf || !Object.isFrozen(leaf)) return check(input);
    let byKey = memo.get(leaf);
    if (!byKey) memo.set(leaf, (byKey = new Map()));
    const k = key(input);
    let verdict = byKey.get(k);
    if (verdict === undefined) {
      verdict = check(input);
      if (byKey.size >= KEYS_PER_LEAF) byKey.clear();
      byKey.set(k, verdict && Object.freeze(verdict));
    }
    return verdict;
  };
}
