// The --json output: ProbeResult objects as they are, minus bulky fields a reader does not need.
import type { ProbeResult } from '../probe/result.js';

export interface JsonOptions {
  /** Keep each certificate's base64 DER and the stapled OCSP response (large; off by default). */
  includeDer?: boolean;
}

function shape(r: ProbeResult, opts: JsonOptions): unknown {
  if (opts.includeDer) return r;
  const tls = r.tls ? (({ ocspResponse: _o, ...rest }) => rest)(r.tls) : null;
  return { ...r, tls, chain: r.chain.map(({ der: _der, ...c }) => c) };
}

/** One object for `probe`, an array for `check`. */
export function toJson(results: ProbeResult | ProbeResult[], opts: JsonOptions = {}): string {
  const value = Array.isArray(results) ? results.map((r) => shape(r, opts)) : shape(results, opts);
  return JSON.stringify(value, null, 2);
}
