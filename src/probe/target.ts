// What a driver needs to know about one probe: the resolved, validated target.
import type { TargetUrl } from '../target/url.js';
import type { SizeLimits, Timeouts } from './limits.js';

export interface ProbeTarget {
  name: string;
  url: TargetUrl;
  /** SNI to send; null for none (IP literal hosts). */
  servername: string | null;
  /** Name sent in SMTP EHLO. */
  ehlo: string;
  timeouts: Timeouts;
  limits: SizeLimits;
  /** Connect to this address instead of resolving url.host (used for `addresses: all`). */
  address?: string;
  /** Read the presented certificate list off the wire (default true); see tls-upgrade. */
  exactChain?: boolean;
  /** HTTP status codes that count as healthy for an https target with a path. */
  expectHttpStatus: number[];
}
