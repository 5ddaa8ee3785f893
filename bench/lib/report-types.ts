// The shape of bench/results/latest.json: every section's raw figures, the verdicts, and what went wrong.
import type { BlackboxResult } from '../sections/blackbox.js';
import type { CertsResult } from '../sections/certs.js';
import type { ColdWarmResult } from '../sections/coldwarm.js';
import type { CrlResult } from '../sections/crl.js';
import type { DaemonResult } from '../sections/daemon.js';
import type { LimitResult } from '../sections/limit.js';
import type { BenchOptions } from './options.js';
import type { TlsprobeResult } from '../sections/tlsprobe.js';

export interface Verdict {
  name: string;
  /** Measured value, in `unit`. */
  value: number;
  /** The target, in `unit`: value must be >= it (`atLeast`) or <= it. */
  target: number;
  atLeast: boolean;
  unit: string;
  pass: boolean;
}

export interface Report {
  meta: Pick<BenchOptions, 'quick' | 'levels' | 'judgeLevel' | 'warmupMs' | 'durationMs' | 'rounds' | 'cores'> & {
    date: string;
    node: string;
    /** The node flags the bench ran with (the systemd unit's); absent in runs before they were recorded. */
    nodeFlags?: string[];
    cpu: string;
    totalMs?: number;
  };
  limit?: { https: LimitResult; smtp: LimitResult };
  blackbox?: BlackboxResult;
  /** Why section 2 did not run. */
  blackboxSkipped?: string;
  tlsprobe?: TlsprobeResult;
  daemon?: DaemonResult;
  crl?: CrlResult;
  coldWarm?: ColdWarmResult;
  certs?: CertsResult;
  verdicts: Verdict[];
  /** Section -> error message, for sections that failed. */
  errors: Record<string, string>;
}
