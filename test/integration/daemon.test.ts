// `tlsprobe run` end to end: real Postfix/Dovecot/nginx, /metrics and /probe, SIGHUP, SIGTERM, replaced certificates.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startPostfix, type PostfixInstance } from '../harness/postfix.js';
import { startDovecot, type DovecotInstance } from '../harness/dovecot.js';
import { startNginx, type NginxInstance } from '../harness/nginx.js';
import { startMailServer, type RunningServer } from '../../src/demo/mail-server.js';
import { createChain, issueLeaf, type Chain, type Issued } from '../../src/pki/index.js';
import { certInfoFromDer } from '../../src/x509/cert-info.js';
import { startAgent, sample, type Agent } from '../helpers/agent.js';
import { tempFiles } from '../helpers/cli.js';

let pki: Chain;
let second: Issued;
let postfix: PostfixInstance;
let dovecot: DovecotInstance;
let nginx: NginxInstance;
let swappable: RunningServer;
let dir: string;
let agent: Agent;

const thumb = (i: Issued): string => certInfoFromDer(i.der, 0).thumbprint;

function config(targets: string[]): string {
  return ['defaults:', '  servername: mail.example.test', '  ehlo: probe.example.test', '  ca: root.pem', '  system_ca: false', '  schedule: "* * * * * *"', '  timeout: 5s', 'targets:', ...targets].join('\n');
}
function baseTargets(): string[] {
  return [
    '  - name: smtp',
    `    url: smtp://127.0.0.1:${postfix.smtpPort}`,
    '  - name: imap',
    `    url: imap://127.0.0.1:${dovecot.imapPort}`,
    '  - name: owa',
    `    url: https://127.0.0.1:${nginx.httpsPort}/owa/healthcheck.htm`,
    '  - name: swap',
    `    url: smtps://127.0.0.1:${swappable.port}`,
  ];
}

beforeAll(async () => {
  pki = await createChain({ names: ['mail.example.test'], reuseKeys: true });
  second = await issueLeaf(pki.intermediate, { subject: 'CN=mail.example.test', names: ['mail.example.test'], reuseKeys: true });
  [postfix, dovecot, nginx, swappable] = await Promise.all([
    startPostfix({ chainPem: pki.chainPem, keyPem: pki.leaf.keyPem }),
    startDovecot({ chainPem: pki.chainPem, keyPem: pki.leaf.keyPem }),
    startNginx({ chainPem: pki.chainPem, keyPem: pki.leaf.keyPem }),
    startMailServer({ protocol: 'smtp', implicit: true, cert: pki.chainPem, key: pki.leaf.keyPem }),
  ]);
  dir = tempFiles({ 'root.pem': pki.root.certPem });
  writeFileSync(join(dir, 'targets.yaml'), config(baseTargets()));
  agent = await startAgent(['--config', join(dir, 'targets.yaml')]);
}, 90_000);

afterAll(async () => {
  await agent?.stop('SIGKILL');
  await Promise.all([postfix?.stop(), dovecot?.stop(), nginx?.stop(), swappable?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('tlsprobe run', () => {
  it('exports every target after the first cycle, with values from the real servers', async () => {
    // Targets appear as their probes finish, in any order: wait for all four.
    const all = ['smtp', 'imap', 'owa', 'swap'];
    const body = await agent.waitForMetrics((b) => all.every((target) => sample(b, 'tlsprobe_probe_success', { target }) !== undefined));
    for (const target of all) expect(sample(body, 'tlsprobe_probe_success', { target }), target).toBe(1);
    expect(sample(body, 'tlsprobe_starttls_advertised', { target: 'smtp' })).toBe(1);
    expect(sample(body, 'tlsprobe_http_status_code', { target: 'owa' })).toBe(200);
    expect(sample(body, 'tlsprobe_check_status', { target: 'imap', check: 'chain' })).toBe(1);
    expect(sample(body, 'tlsprobe_cert_not_after_timestamp_seconds', { target: 'smtp', position: 'leaf', thumbprint: thumb(pki.leaf) })).toBe(pki.leaf.cert.notAfter.getTime() / 1000);
    expect(sample(body, 'tlsprobe_cert_not_after_timestamp_seconds', { target: 'smtp', position: 'intermediate' })).toBeGreaterThan(0);
    expect(body).toMatch(/tlsprobe_tls_info\{target="smtp",address="",version="TLSv1\.[23]",cipher="TLS_[A-Z0-9_]+"\} 1/);
    expect(sample(body, 'tlsprobe_probes_total', { result: 'success' })).toBeGreaterThanOrEqual(4);
    expect(body).toContain('process_start_time_seconds');
    expect(body).not.toContain('tlsprobe_cert_expiry_days');
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 30_000 });
    expect(promtool.error, 'promtool missing: run scripts/install-test-deps.sh').toBeUndefined();
    expect(`${promtool.stdout}${promtool.stderr}`.trim()).toBe('');
    expect(promtool.status).toBe(0);
  });

  it('/probe?target= probes now and returns only that target; unknown targets are a 404', async () => {
    const r = await agent.get('/probe?target=imap');
    expect(r.status).toBe(200);
    expect(sample(r.body, 'tlsprobe_probe_success', { target: 'imap' })).toBe(1);
    expect(r.body).not.toContain('target="smtp"');
    expect(r.body).not.toContain('process_start_time_seconds');
    const missing = await agent.get('/probe?target=nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('unknown target "nope"');
  });

  it('serves health, readiness and an index page', async () => {
    expect((await agent.get('/-/healthy')).status).toBe(200);
    expect((await agent.get('/-/ready')).status).toBe(200);
    const index = await agent.get('/');
    expect(index.body).toContain('/metrics');
    expect((await agent.get('/nothing')).status).toBe(404);
  });

  it('a replaced certificate leaves no series of the old one behind', async () => {
    const port = swappable.port;
    await swappable.close();
    swappable = await startMailServer({ protocol: 'smtp', implicit: true, cert: second.certPem + pki.intermediate.certPem, key: second.keyPem, port });
    const body = await agent.waitForMetrics((b) => sample(b, 'tlsprobe_cert_not_after_timestamp_seconds', { target: 'swap', thumbprint: thumb(second) }) !== undefined);
    expect(body.split('\n').filter((l) => l.includes('target="swap"') && l.includes(thumb(pki.leaf)))).toEqual([]);
  });

  it('SIGHUP: an invalid config is refused (old targets keep running), a valid one replaces targets', async () => {
    const file = join(dir, 'targets.yaml');
    writeFileSync(file, config([...baseTargets(), '    schedul: "* * * * *"']));
    agent.child.kill('SIGHUP');
    const refused = await agent.waitForLog((l) => l.msg === 'config reload refused; keeping the previous configuration');
    expect(JSON.stringify(refused.issues)).toMatch(/"line":17.*schedul.*did you mean/);
    const kept = await agent.waitForMetrics((b) => (sample(b, 'tlsprobe_config_reloads_total', { result: 'failure' }) ?? 0) >= 1);
    expect(sample(kept, 'tlsprobe_probe_success', { target: 'imap' })).toBe(1);

    const targets = baseTargets().filter((l, i, all) => !(l.includes('name: imap') || all[i - 1]?.includes('name: imap')));
    writeFileSync(file, config([...targets, '  - name: pop3s', `    url: pop3s://127.0.0.1:${dovecot.pop3sPort}`]));
    agent.child.kill('SIGHUP');
    const body = await agent.waitForMetrics((b) => sample(b, 'tlsprobe_probe_success', { target: 'pop3s' }) === 1 && !b.includes('target="imap"'));
    expect(sample(body, 'tlsprobe_config_reloads_total', { result: 'success' })).toBeGreaterThanOrEqual(2);
    expect(sample(body, 'tlsprobe_targets')).toBe(4);
  });

  it('logs one line per failed probe and none per successful one', async () => {
    const port = swappable.port;
    await swappable.close();
    await agent.waitForLog((l) => l.msg === 'probe failed' && l.target === 'swap' && l.reason === 'connect_refused');
    expect(agent.logs().some((l) => l.msg === 'probe failed' && l.target === 'smtp')).toBe(false);
    expect(agent.logs().filter((l) => l.level === 'info').every((l) => l.msg !== 'probe succeeded')).toBe(true);
    swappable = await startMailServer({ protocol: 'smtp', implicit: true, cert: second.certPem + pki.intermediate.certPem, key: second.keyPem, port });
  });

  it('SIGTERM stops gracefully with exit code 0', async () => {
    const code = await agent.stop('SIGTERM');
    expect(code).toBe(0);
    expect(agent.logs().some((l) => l.msg === 'tlsprobe agent stopped')).toBe(true);
  });
});
