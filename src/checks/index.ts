// Runs every check over a captured result and derives the verdict: OK when connected and nothing failed.
import type { CheckResult, ProbeResult } from '../probe/result.js';
import type { CheckInput, Check, CheckId } from './types.js';
import { chainCheck } from './chain.js';
import { expiryCheck } from './expiry.js';
import { ekuCheck } from './eku.js';
import { nameCheck } from './name.js';
import { expectedCheck } from './expected.js';
import { starttlsCheck } from './starttls.js';
import { protocolCheck } from './protocol.js';
import { crlCheck } from './crl.js';

/** In the order they appear in results; the first failure is the one the table shows. */
export const CHECKS = {
  starttls: starttlsCheck,
  expected: expectedCheck,
  chain: chainCheck,
  expiry: expiryCheck,
  name: nameCheck,
  eku: ekuCheck,
  protocol: protocolCheck,
  crl: crlCheck,
} satisfies Record<CheckId, Check>;

const ALL: readonly Check[] = Object.values(CHECKS);

export function runChecks(input: CheckInput): CheckResult[] {
  const out: CheckResult[] = [];
  for (const check of ALL) {
    const r = check(input);
    if (r) out.push(r);
  }
  return out;
}

/** Fills `checks` and `ok` of a result. `strict` makes warnings fail too. */
export function applyChecks(input: CheckInput, strict = false): ProbeResult {
  const checks = runChecks(input);
  const bad = checks.some((c) => c.status === 'fail' || (strict && c.status === 'warn'));
  return { ...input.result, checks, ok: input.result.error === null && !bad };
}

export type { CheckInput } from './types.js';
export { trustStore } from './trust.js';
