// One probe on the calling thread: the capture, then the presented certificates parsed into CertInfo
// (once per distinct certificate, cached). Capture workers run captureProbe() alone and the main
// thread finishes their results with withChain().
import { captureProbe, type ProbeEnv } from './capture-probe.js';
import type { CapturedProbe, CertInfo, ProbeResult } from './result.js';
import type { ProbeTarget } from './target.js';
import { chainInfos } from '../x509/cert-info.js';
import { toProbeError } from './errors.js';

export type { ProbeEnv } from './capture-probe.js';

export async function runProbe(target: ProbeTarget, env: ProbeEnv = {}): Promise<ProbeResult> {
  return withChain(await captureProbe(target, env));
}

/**
 * The result with `chain` filled in from the captured DER (key order kept: `chain` stays where it
 * was). Never throws: a certificate the parser refuses (OpenSSL accepted it) fails the probe as a
 * handshake failure, as it did when parsing ran inside the handshake phase.
 */
export function withChain(captured: CapturedProbe): ProbeResult {
  const { chainDer, ...result } = captured;
  try {
    // Shared with other results of the same chain (frozen): results only read their chain.
    result.chain = chainInfos(chainDer) as CertInfo[];
  } catch (err) {
    const e = toProbeError(new Error(`a presented certificate could not be parsed: ${(err as Error).message}`), 'handshake');
    result.chain = [];
    if (result.error === null) result.error = { reason: e.reason, message: e.message, phase: 'handshake' };
    result.ok = false;
  }
  return result;
}
