// Builds a ProbeTarget for a URL with test-sized bounds, and runs it.
import { parseTargetUrl, defaultServername } from '../../src/target/url.js';
import { defaultTimeouts, DEFAULT_LIMITS, type SizeLimits } from '../../src/probe/limits.js';
import { runProbe, type ProbeEnv } from '../../src/probe/runner.js';
import type { ProbeTarget } from '../../src/probe/target.js';
import type { ProbeResult } from '../../src/probe/result.js';

export interface TestProbeOptions {
  timeoutMs?: number;
  servername?: string | null;
  limits?: Partial<SizeLimits>;
  env?: ProbeEnv;
  expectHttpStatus?: number[];
}

export function testTarget(url: string, o: TestProbeOptions = {}): ProbeTarget {
  const parsed = parseTargetUrl(url);
  return {
    name: 'test',
    url: parsed,
    servername: o.servername === undefined ? (defaultServername(parsed.host) ?? 'mail.example.test') : o.servername,
    ehlo: 'probe.example.test',
    timeouts: defaultTimeouts(o.timeoutMs ?? 3000),
    limits: { ...DEFAULT_LIMITS, ...o.limits },
    expectHttpStatus: o.expectHttpStatus ?? [200],
  };
}

export function probe(url: string, o: TestProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(testTarget(url, o), o.env);
}
