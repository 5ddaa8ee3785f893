// A real Prometheus server scrapes the agent, and its query API sees a real Postfix target as up.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startPostfix, type PostfixInstance } from '../harness/postfix.js';
import { freePort } from '../harness/ports.js';
import { createChain, type Chain } from '../../src/pki/index.js';
import { startAgent, type Agent } from '../helpers/agent.js';
import { tempFiles } from '../helpers/cli.js';

let pki: Chain;
let postfix: PostfixInstance;
let agent: Agent;
let prometheus: ChildProcess;
let promPort: number;
let dir: string;
let promLog = '';

beforeAll(async () => {
  pki = await createChain({ names: ['mail.example.test'], reuseKeys: true });
  postfix = await startPostfix({ chainPem: pki.chainPem, keyPem: pki.leaf.keyPem });
  dir = tempFiles({
    'root.pem': pki.root.certPem,
    'targets.yaml': ['defaults:', '  servername: mail.example.test', '  ca: root.pem', '  system_ca: false', '  schedule: "*/2 * * * * *"', 'targets:', '  - name: postfix-smtp', `    url: smtp://127.0.0.1:${postfix.smtpPort}`].join('\n'),
  });
  agent = await startAgent(['--config', join(dir, 'targets.yaml')]);
  promPort = await freePort();
  mkdirSync(join(dir, 'tsdb'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: tlsprobe', '    static_configs:', `      - targets: ['127.0.0.1:${agent.port}']`].join('\n'),
  );
  prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  prometheus.on('error', (e) => (promLog += `spawn error: ${e.message} (run scripts/install-test-deps.sh)\n`));
  prometheus.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-20_000)));
}, 90_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await agent?.stop();
  await postfix?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function query(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result;
}

describe('Prometheus scraping the agent', () => {
  it('sees tlsprobe_probe_success == 1 for the Postfix target', async () => {
    const end = Date.now() + 60_000;
    let result: Awaited<ReturnType<typeof query>> = [];
    while (Date.now() < end) {
      result = await query('tlsprobe_probe_success{target="postfix-smtp"} == 1').catch(() => []);
      if (result.length > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(result, `prometheus log:\n${promLog}`).toHaveLength(1);
    expect(result[0]!.metric.job).toBe('tlsprobe');
    const up = await query('up{job="tlsprobe"}');
    expect(up[0]!.value[1]).toBe('1');
    const days = await query('(tlsprobe_cert_not_after_timestamp_seconds{target="postfix-smtp",position="leaf"} - time()) / 86400');
    expect(Number(days[0]!.value[1])).toBeGreaterThan(80);
  }, 90_000);
});
