// Generated targets.yaml text for the bench: N targets alternating between the local nginx (HTTPS) and Postfix (SMTP STARTTLS).
import { parseConfig, resolveTargets, type ResolvedTarget } from '../../src/config/index.js';
import { SERVERNAME, type BenchServers } from './servers.js';

export type Kind = 'https' | 'smtp';

export interface TargetsSpec {
  count: number;
  concurrency: number;
  /** Only this kind; default: alternate, HTTPS first. */
  kind?: Kind;
}

export function targetUrl(servers: BenchServers, kind: Kind): string {
  return kind === 'https' ? `https://127.0.0.1:${servers.httpsPort}` : `smtp://127.0.0.1:${servers.smtpPort}`;
}

/** A config like an operator's: every check on, the test root as the only extra CA, a far-away schedule. */
export function targetsYaml(servers: BenchServers, spec: TargetsSpec): string {
  const lines = [
    `concurrency: ${spec.concurrency}`,
    'defaults:',
    '  timeout: 10s',
    '  ehlo: bench.example.test',
    `  servername: ${SERVERNAME}`,
    `  ca: [${JSON.stringify(servers.rootFile)}]`,
    // Only the start-up cycle runs: the next tick is on 1 January.
    '  schedule: "0 0 1 1 *"',
    'targets:',
  ];
  const width = String(spec.count).length;
  for (let i = 0; i < spec.count; i++) {
    const kind: Kind = spec.kind ?? (i % 2 === 0 ? 'https' : 'smtp');
    lines.push(`  - { name: bench-${String(i).padStart(width, '0')}-${kind}, url: "${targetUrl(servers, kind)}" }`);
  }
  return lines.join('\n') + '\n';
}

export function resolvedTargets(servers: BenchServers, spec: TargetsSpec): ResolvedTarget[] {
  return resolveTargets(parseConfig(targetsYaml(servers, spec), 'bench-targets.yaml'));
}
