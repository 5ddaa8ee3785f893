// Section 7, distinct certificates: what a certificate the agent has not seen before costs the main
// thread (section 4 presents one chain, so its cycles never pay it) and what a cached one keeps.
import { runChild } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';

export interface CertsResult {
  /** Distinct leaves, each presented with the same intermediate (as an estate's CA issues them). */
  chains: number;
  derBytes: number;
  /** The baseline, measured in the same process: OpenSSL's parse of each leaf (new X509Certificate). */
  opensslUs: number;
  /** chainInfos() of a chain not seen before: the leaf's first parse, the intermediate from the cache. */
  firstUs: number;
  /** chainInfos() of the same chains again, as every later probe of a target. */
  repeatUs: number;
  /** Heap + external kept per cached leaf (after GC; the input DER is held before and after). OpenSSL's own allocations are not in it. */
  retainedBytes: number;
  /** RSS growth per cached leaf: OpenSSL's allocations included, and V8's heap growth from the parse's garbage. */
  rssBytes: number;
}

export function measureCerts(o: BenchOptions): Promise<CertsResult> {
  return runChild<CertsResult>(new URL('./certs-child.js', import.meta.url), [String(o.distinctCerts)], o.quick ? 60_000 : 300_000);
}
