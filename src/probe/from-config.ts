// Turns a resolved config target into what the runner needs.
import { hostname } from 'node:os';
import type { ResolvedTarget } from '../config/index.js';
import { defaultTimeouts, DEFAULT_LIMITS } from './limits.js';
import type { ProbeTarget } from './target.js';

/** The EHLO name when none is configured: the machine's name (RFC 5321 wants an FQDN; set `ehlo` if it is not one). */
export function defaultEhloName(): string {
  return hostname() || 'localhost';
}

// Made once per resolved target and address, not per probe: a reload resolves new targets, and
// nothing downstream writes to a ProbeTarget (workers get a copy).
const made = new WeakMap<ResolvedTarget, Map<string, ProbeTarget>>();

export function toProbeTarget(t: ResolvedTarget, address?: string): ProbeTarget {
  let byAddress = made.get(t);
  if (!byAddress) made.set(t, (byAddress = new Map()));
  let target = byAddress.get(address ?? '');
  if (!target) {
    // `addresses: all` behind a rotating DNS answer keeps meeting new addresses: stay bounded.
    if (byAddress.size >= 64) byAddress.clear();
    byAddress.set(address ?? '', (target = build(t, address)));
  }
  return target;
}

function build(t: ResolvedTarget, address?: string): ProbeTarget {
  return {
    name: t.name,
    url: t.parsedUrl,
    servername: t.servername,
    ehlo: t.ehlo ?? defaultEhloName(),
    timeouts: defaultTimeouts(t.timeoutMs, t.connectTimeoutMs),
    limits: DEFAULT_LIMITS,
    expectHttpStatus: t.expect.httpStatus ?? [200],
    ...(address ? { address } : {}),
  };
}
