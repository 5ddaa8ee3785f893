// Section 2, the peer: Debian's prometheus-blackbox-exporter on loopback, driven through /probe by an undici Pool.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { freePort } from '../../test/harness/ports.js';
import { ServerProcess } from '../../test/harness/servers.js';
import { run } from '../../test/harness/system.js';
import { makeTempDir, writeFileMode } from '../../test/harness/tmp.js';
import { opContender, type Contender, type LoadResult } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { SERVERNAME, type BenchServers } from '../lib/servers.js';
import type { Kind } from '../lib/targets.js';
import { processCpuMs } from '../lib/cpu.js';

export const BLACKBOX_BIN = '/usr/bin/prometheus-blackbox-exporter';
const HOST = '127.0.0.1';

export interface BlackboxResult {
  version: string;
  https: LoadResult[];
  smtp: LoadResult[];
  /** At the judged level: the SMTP module given tlsprobe's dialogue (EHLO after STARTTLS, QUIT answered by 221). */
  smtpSameDialogue: LoadResult[];
}

export interface Blackbox {
  version: string;
  /** Key `blackbox`; with `sameDialogue` (SMTP only) key `blackboxSameDialogue`. */
  contender(kind: Kind, concurrency: number, sameDialogue?: boolean): Contender;
  stop(): Promise<void>;
}

export function blackboxConfig(caFile: string): string {
  const tlsConfig = ['      tls_config:', `        ca_file: ${JSON.stringify(caFile)}`, `        server_name: ${SERVERNAME}`];
  const module = (name: string, body: string[]): string[] => [`  ${name}:`, '    prober: tcp', '    timeout: 10s', '    tcp:', '      preferred_ip_protocol: ip4', ...body, ...tlsConfig];
  return [
    'modules:',
    ...module('tls_nginx', ['      tls: true']),
    ...module('smtp_starttls', smtpSteps(['send: "QUIT"'])),
    // What tlsprobe's SMTP probe does after the handshake (the capabilities inside TLS, a polite QUIT):
    // the same work on both sides, for a like-for-like comparison.
    ...module('smtp_starttls_tlsprobe_dialogue', smtpSteps(['send: "EHLO bench"', 'expect: "^250 "', 'send: "QUIT"', 'expect: "^221"'])),
    '',
  ].join('\n');
}

function smtpSteps(afterTls: string[]): string[] {
  const steps = ['expect: "^220"', 'send: "EHLO bench"', 'expect: "^250 "', 'send: "STARTTLS"', 'expect: "^220"', 'starttls: true', ...afterTls];
  return ['      query_response:', ...steps.map((x) => `        - ${x}`)];
}

/** null when the exporter is not installed (scripts/install-test-deps.sh installs it). */
export async function startBlackbox(servers: BenchServers, o: BenchOptions): Promise<Blackbox | null> {
  if (!existsSync(BLACKBOX_BIN)) return null;
  const dir = await makeTempDir('blackbox');
  await writeFileMode(join(dir, 'blackbox.yml'), blackboxConfig(servers.rootFile));
  const port = await freePort(HOST);
  const sp = ServerProcess.start({
    name: 'blackbox_exporter',
    command: BLACKBOX_BIN,
    args: [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=${HOST}:${port}`, '--log.level=error'],
    dir,
    stopTimeoutMs: 5_000,
  });
  let pool: Pool | null = null;
  const stop = async (): Promise<void> => {
    await pool?.close();
    await sp.stop();
  };
  try {
    await sp.waitReady(HOST, [port]);
    const p = (pool = new Pool(`http://${HOST}:${port}`, { connections: Math.max(...o.levels), pipelining: 1 }));
    const probe = (kind: Kind, sameDialogue = false) => async (): Promise<boolean> => {
      const module = kind === 'https' ? 'tls_nginx' : sameDialogue ? 'smtp_starttls_tlsprobe_dialogue' : 'smtp_starttls';
      const target = kind === 'https' ? servers.httpsPort : servers.smtpPort;
      const res = await p.request({ method: 'GET', path: `/probe?module=${module}&target=${HOST}:${target}`, headersTimeout: 15_000, bodyTimeout: 15_000 });
      const body = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`blackbox_exporter answered HTTP ${res.statusCode}`);
      return /^probe_success 1$/m.test(body);
    };
    for (const [kind, same] of [['https', false], ['smtp', false], ['smtp', true]] as const) {
      if (!(await probe(kind, same)())) throw new Error(`blackbox_exporter: the ${kind}${same ? ' (same dialogue)' : ''} probe does not succeed; check the module config`);
    }
    const version = (await run(BLACKBOX_BIN, ['--version'], 10_000).catch(() => '')).split('\n')[0]!.replace(/\s*\(.*$/, '');
    const exporterCpu = (): number | null => (sp.pid === undefined ? null : processCpuMs(sp.pid));
    const contender = (kind: Kind, c: number, sameDialogue = false): Contender => {
      const inner = opContender(sameDialogue ? 'blackboxSameDialogue' : 'blackbox', probe(kind, sameDialogue), c, o.maxOps);
      return {
        ...inner,
        // The exporter's own CPU time, not that of this process's client driving /probe.
        async run(ms) {
          const before = exporterCpu();
          const { cpuMs: _client, ...r } = await inner.run(ms);
          const after = exporterCpu();
          return before !== null && after !== null ? { ...r, cpuMs: after - before } : r;
        },
      };
    };
    return { version: version || 'blackbox_exporter', contender, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
