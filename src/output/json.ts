// The --json output: ProbeResult objects as they are, minus bulky fields a reader does not need.
import type { ProbeResult } from '../probe/result.js';

export interface JsonOptions {
  /** Keep each certificate's base64 DER (large; off by default). */
  includeDer?: boolean;
}

function shape(r: ProbeResult, opts: JsonOptions): unknown {
  return opts.includeDer ? r : { ...r, chain: r.chain.map(({ der: _der, ...c }) => c) };
}

/** One object for `probe`, an array for `check`. */
export function toJson(results: ProbeResult | ProbeResult[], opts: JsonOptions = {}): string {
  const value = Array.isArray(results) ? results.map((r) => shape(r, opts)) : shape(results, opts);
  return JSON.stringify(value, null, 2);
}
