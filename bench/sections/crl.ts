// Section 5, CRL cost, run in fresh processes: parse+index time, retained memory, lookups, event-loop stalls for generated CRLs.
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

/** One fresh process per size (so no size's baseline holds another's leftovers), and one for the stall pass. */
export async function measureCrl(o: BenchOptions): Promise<CrlResult> {
  const child = new URL('./crl-child.js', import.meta.url);
  const timeoutMs = o.quick ? 60_000 : 300_000;
  const sizes: CrlSizeResult[] = [];
  for (const entries of o.crlSizes) sizes.push(await runChild<CrlSizeResult>(child, ['size', String(entries)], timeoutMs));
  const stall = await runChild<CrlResult['stall']>(child, ['stall', String(Math.max(...o.crlSizes))], timeoutMs);
  return { sizes, stall };
}
