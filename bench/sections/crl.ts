// Section 5, CRL cost, run in a fresh process: parse+index time, retained memory, lookups, event-loop stalls for generated CRLs.
import { runChild } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';

export interface CrlSizeResult {
  entries: number;
  derBytes: number;
  generateMs: number;
  /** Parse and index (first run in the process for this size). */
  parseMs: number;
  /** Signature verification of the TBSCertList (node:crypto). */
  verifyMs: number;
  /** Heap + external growth after parse, GC'd, with the DER itself excluded (it is held before and after). */
  retainedBytes: number;
  indexBytes: number;
  /** Mean time of one lookup, alternating revoked and unknown serials. */
  lookupNs: number;
}

export interface CrlResult {
  sizes: CrlSizeResult[];
  /** Event loop while the largest CRL is parsed, indexed and verified again (a second pass, with monitors on). */
  stall: { entries: number; ms: number; loopP99Ms: number; loopMaxMs: number; stallMaxMs: number };
}

export function measureCrl(o: BenchOptions): Promise<CrlResult> {
  return runChild<CrlResult>(new URL('./crl-child.js', import.meta.url), o.crlSizes.map(String), o.quick ? 60_000 : 300_000);
}
