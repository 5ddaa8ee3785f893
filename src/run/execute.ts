// Probes resolved targets with bounded concurrency and judges each result: the path `check` and `probe` share.
import type { ResolvedExpect, ResolvedTarget } from '../config/index.js';
import type { ProbeResult } from '../probe/result.js';
import { runProbe } from '../probe/runner.js';
import { toProbeTarget } from '../probe/from-config.js';
import { resolveAll, type Resolver } from '../probe/connect.js';
import { applyChecks, trustStore } from '../checks/index.js';
import { mapLimit } from './pool.js';
import type { ProbePool } from './worker-pool.js';
import { gatherRevocation } from '../revocation/gather.js';
import { defaultCrlCache, type CrlCache } from '../revocation/cache.js';

export interface RunOptions {
  concurrency: number;
  /** Warnings fail the probe too. */
  strict?: boolean;
  resolver?: Resolver;
  /** Expectations applied on top of every target's own (e.g. `--expect-thumbprint`). */
  expectOverride?: Partial<ResolvedExpect>;
  /** CRL cache to use instead of the process-wide one (tests). */
  crlCache?: CrlCache;
  /** Worker threads for the captures (the agent's); without one, captures run on this thread. */
  pool?: ProbePool;
}

interface Job {
  target: ResolvedTarget;
  address?: string;
}

export async function runTargets(targets: ResolvedTarget[], opts: RunOptions): Promise<ProbeResult[]> {
  const jobs = (await mapLimit(targets, opts.concurrency, (t) => expand(t, opts.resolver))).flat();
  return mapLimit(jobs, opts.concurrency, (job) => runTarget(job.target, opts, job.address));
}

/** One target, every address it asks for (one result unless `addresses: all`). */
export async function runTargetAddresses(t: ResolvedTarget, opts: Omit<RunOptions, 'concurrency'> = {}): Promise<ProbeResult[]> {
  const jobs = await expand(t, opts.resolver);
  return Promise.all(jobs.map((job) => runTarget(job.target, opts, job.address)));
}

/** `addresses: all` probes every address behind the name (each node behind a load balancer or round robin). */
async function expand(target: ResolvedTarget, resolver?: Resolver): Promise<Job[]> {
  if (target.addresses !== 'all') return [{ target }];
  try {
    const addresses = await resolveAll(target.parsedUrl.host, resolver);
    return addresses.map((address) => ({ target, address }));
  } catch {
    return [{ target }]; // the probe itself then reports dns_failed
  }
}

export async function runTarget(t: ResolvedTarget, opts: Omit<RunOptions, 'concurrency'> = {}, address?: string): Promise<ProbeResult> {
  const target = toProbeTarget(t, address);
  // An injected resolver is a function and cannot cross to a worker: such probes stay here.
  const result = opts.pool && !opts.resolver ? await opts.pool.probe(target) : await runProbe(target, opts.resolver ? { resolver: opts.resolver } : {});
  const trust = trustStore(t.ca, t.systemCa);
  const now = Date.now();
  // Revocation needs the network again (CDPs, OCSP responders), so it is a stage of its own
  // between capture and the pure checks; it never throws.
  if (result.chain.length > 0) {
    const settings = { crl: t.crl, ocsp: t.ocsp, ldap: t.ldap };
    result.revocation = await gatherRevocation(result, { trust, settings, cache: opts.crlCache ?? defaultCrlCache, now });
  }
  return applyChecks(
    {
      result,
      protocol: t.parsedUrl.protocol,
      implicitTls: t.parsedUrl.implicitTls,
      expect: { ...t.expect, ...opts.expectOverride },
      expiry: t.expiry,
      trust,
      now,
      crl: { check: t.crl.check, required: t.crl.required },
    },
    opts.strict,
  );
}
