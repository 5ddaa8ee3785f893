// Runs one probe's capture end to end and always returns a result: it owns the deadline, timings and
// error mapping. The presented certificates stay DER here (see runner.ts): capture workers load no
// certificate parser, and what crosses back to the main thread is the raw chain, not parsed objects.
import { Deadline } from './deadline.js';
import { connectTcp, resolveAll, type Resolver } from './connect.js';
import { toProbeError } from './errors.js';
import { ProbeError, type Phase } from './reasons.js';
import type { CapturedProbe, Timings } from './result.js';
import type { ProbeTarget } from './target.js';
import { Session } from './session.js';
import { DRIVERS, RESULT_KEY } from '../protocols/registry.js';
import type { Driver } from '../protocols/driver.js';

export interface ProbeEnv {
  resolver?: Resolver;
}

export async function captureProbe(target: ProbeTarget, env: ProbeEnv = {}): Promise<CapturedProbe> {
  const started = performance.now();
  const result = emptyResult(target);
  const timings = result.timings;
  const driver = DRIVERS[target.url.protocol] as Driver<unknown>;
  const details = driver.newDetails(target);
  const key = RESULT_KEY[target.url.protocol];
  if (key && details !== null) Object.assign(result, { [key]: details });

  const deadline = new Deadline(target.timeouts.totalMs);
  let session: Session | null = null;
  let phase: Phase = 'dns';
  try {
    const address = target.address ?? (await timed(timings, 'dns', () =>
      deadline.within(resolveAll(target.url.host, env.resolver), target.timeouts.totalMs, 'dns_failed', `DNS lookup of ${target.url.host} did not finish`, 'dns'),
    ))[0]!;
    result.address = address;
    phase = 'connect';
    const socket = await timed(timings, 'connect', () =>
      connectTcp(address, target.url.port, deadline.bound(target.timeouts.connectMs)),
    );
    session = new Session(target, socket, deadline, timings);
    const s = session;
    const dialogue = async (): Promise<void> => {
      if (target.url.implicitTls) await s.startTls(driver.alpn, driver.clientFirstPhase?.(target) ?? null);
      await driver.run(s, details);
    };
    // Every read is already bounded by the deadline; this race is the backstop.
    const backstop = aborted(deadline.signal, target.timeouts.totalMs);
    try {
      await Promise.race([dialogue(), backstop.promise]);
    } finally {
      backstop.cancel();
    }
  } catch (err) {
    const e = toProbeError(err, session?.phaseName ?? phase);
    result.error = { reason: e.reason, message: e.message, phase: e.phase ?? session?.phaseName ?? phase };
  } finally {
    session?.close();
    deadline.clear();
    if (session?.captured) {
      result.tls = session.captured.tls;
      result.chainDer = session.captured.chainDer;
    }
    timings.total = performance.now() - started;
    for (const k of Object.keys(timings) as Array<keyof Timings>) timings[k] = round(timings[k]!);
  }
  result.ok = result.error === null;
  return result;
}

/** A result with nothing captured yet (also what a probe that never ran reports, with its error set). */
export function emptyResult(target: ProbeTarget, error: ProbeError | null = null): CapturedProbe {
  return {
    name: target.name,
    url: target.url.href,
    address: target.address ?? null,
    servername: target.servername,
    ok: false,
    error: error && { reason: error.reason, message: error.message, phase: error.phase ?? null },
    startedAt: new Date().toISOString(),
    tls: null,
    chain: [],
    timings: {},
    checks: [],
    chainDer: [],
  };
}

async function timed<T>(timings: Timings, phase: 'dns' | 'connect', fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[phase] = performance.now() - start;
  }
}

/** The backstop: rejects when the deadline's signal fires. `cancel` drops the listener once the race is over. */
function aborted(signal: AbortSignal, totalMs: number): { promise: Promise<never>; cancel(): void } {
  let fire = (): void => {};
  const promise = new Promise<never>((_, reject) => {
    fire = (): void => reject(new ProbeError('deadline_exceeded', `probe did not finish within its ${totalMs / 1000}s deadline`));
    if (signal.aborted) fire();
    else signal.addEventListener('abort', fire, { once: true });
  });
  return { promise, cancel: () => signal.removeEventListener('abort', fire) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
