// What every check sees, and what it returns. Checks are pure functions of this.
import type { CheckResult, ProbeResult } from '../probe/result.js';
import type { ResolvedExpect } from '../config/index.js';
import type { Protocol } from '../target/url.js';
import type { TrustStore } from './trust.js';

export type CheckId = 'chain' | 'expiry' | 'eku' | 'name' | 'expected' | 'starttls' | 'protocol' | 'crl';

export interface CheckInput {
  result: ProbeResult;
  protocol: Protocol;
  implicitTls: boolean;
  expect: ResolvedExpect;
  expiry: { warnDays: number; criticalDays: number };
  trust: TrustStore;
  /** Epoch ms the checks judge validity against. */
  now: number;
  /** `crl.check` / `crl.required` of the target; default both true. Data comes from `result.revocation`. */
  crl?: { check: boolean; required: boolean };
}

/** A check returns its verdict, or null when it does not apply to this probe. */
export type Check = (input: CheckInput) => CheckResult | null;

export function pass(id: CheckId, message: string, details: Record<string, unknown> = {}): CheckResult {
  return { id, status: 'pass', message, details };
}
export function warn(id: CheckId, message: string, details: Record<string, unknown> = {}): CheckResult {
  return { id, status: 'warn', message, details };
}
export function fail(id: CheckId, message: string, details: Record<string, unknown> = {}): CheckResult {
  return { id, status: 'fail', message, details };
}
