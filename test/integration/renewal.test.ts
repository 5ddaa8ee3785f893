// End to end through real servers: a missing intermediate (nginx), an expired leaf (Postfix), and post-renewal verification.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { startPostfix, type PostfixInstance } from '../harness/postfix.js';
import { startNginx, type NginxInstance } from '../harness/nginx.js';
import { startDovecot, type DovecotInstance } from '../harness/dovecot.js';
import { createChain, issueLeaf, type Chain, type Issued } from '../../src/pki/index.js';
import { certInfoFromDer } from '../../src/x509/cert-info.js';
import { runCli, tempFiles } from '../helpers/cli.js';

const DAY = 86_400_000;
const NAMES = ['mail.example.test', 'localhost', '127.0.0.1'];
let pki: Chain;
let renewed: Issued;
let expired: Issued;
let nginxLeafOnly: NginxInstance;
let postfixExpired: PostfixInstance;
let postfixNew: PostfixInstance;
let dovecotOld: DovecotInstance;
let dir: string;

beforeAll(async () => {
  pki = await createChain({ names: NAMES, reuseKeys: true });
  renewed = await issueLeaf(pki.intermediate, { subject: 'CN=mail.example.test', names: NAMES, reuseKeys: true });
  expired = await issueLeaf(pki.intermediate, { subject: 'CN=mail.example.test', names: NAMES, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 3 * DAY), reuseKeys: true });
  [nginxLeafOnly, postfixExpired, postfixNew, dovecotOld] = await Promise.all([
    startNginx({ chainPem: pki.leafPem, keyPem: pki.leaf.keyPem }),
    startPostfix({ chainPem: expired.certPem + pki.intermediate.certPem, keyPem: expired.keyPem }),
    startPostfix({ chainPem: renewed.certPem + pki.intermediate.certPem, keyPem: renewed.keyPem }),
    // The IMAP binding kept the certificate from before the renewal.
    startDovecot({ chainPem: pki.chainPem, keyPem: pki.leaf.keyPem }),
  ]);
  dir = tempFiles({ 'root.pem': pki.root.certPem });
}, 90_000);

afterAll(async () => {
  await Promise.all([nginxLeafOnly?.stop(), postfixExpired?.stop(), postfixNew?.stop(), dovecotOld?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

function config(targets: string[]): string {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  // The test PKI publishes no CRL; revocation has its own tests.
  const text = ['defaults:', '  servername: mail.example.test', '  ehlo: probe.example.test', '  ca: root.pem', '  system_ca: false', '  crl: { check: false }', 'targets:', ...targets].join('\n');
  writeFileSync(file, text); // beside the CA file it names
  return file;
}

describe('broken endpoints, one line each', () => {
  it('nginx without its intermediate: chain fails naming the missing issuer', async () => {
    const cfg = config(['  - name: owa', `    url: https://127.0.0.1:${nginxLeafOnly.httpsPort}/owa/healthcheck.htm`]);
    const r = await runCli(['check', '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/owa: chain: missing intermediate: no certificate for issuer "CN=tlsprobe Test Intermediate CA, O=tlsprobe"/);
    const json = JSON.parse((await runCli(['check', '--config', cfg, '--json'])).out);
    const chain = json[0].checks.find((c: { id: string }) => c.id === 'chain');
    expect(chain.details.missingIssuer).toBe('CN=tlsprobe Test Intermediate CA, O=tlsprobe');
    expect(json[0].tls.chainSource).toBe('presented');
  });

  it('Postfix with an expired leaf still offers STARTTLS (as Exchange does) and fails expiry', async () => {
    const cfg = config(['  - name: smtp', `    url: smtp://127.0.0.1:${postfixExpired.smtpPort}`]);
    const r = await runCli(['check', '--config', cfg, '--json']);
    expect(r.code).toBe(1);
    const [res] = JSON.parse(r.out);
    expect(res.error).toBeNull();
    const byId = Object.fromEntries(res.checks.map((c: { id: string; status: string }) => [c.id, c]));
    expect(byId.starttls.status).toBe('pass');
    expect(byId.expiry.status).toBe('fail');
    expect(byId.expiry.message).toMatch(/leaf expired 3 day\(s\) ago/);
  });
});

describe('post-renewal verification', () => {
  it('--expect-thumbprint names the endpoint that still presents the old certificate and exits 1', async () => {
    const cfg = config([
      '  - name: smtp-new',
      `    url: smtp://127.0.0.1:${postfixNew.smtpPort}`,
      '    group: renewal-2026',
      '  - name: imap-old',
      `    url: imap://127.0.0.1:${dovecotOld.imapPort}`,
      '    group: renewal-2026',
      '  - name: unrelated',
      `    url: https://127.0.0.1:${nginxLeafOnly.httpsPort}`,
    ]);
    const newThumb = certInfoFromDer(renewed.der, 0).thumbprint;
    const oldInfo = certInfoFromDer(pki.leaf.der, 0);
    const r = await runCli(['check', '--config', cfg, '--target-group', 'renewal-2026', '--expect-thumbprint', newThumb.toLowerCase().replace(/(..)/g, '$1:').slice(0, -1)]);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('unrelated');
    expect(r.out).toContain(`1 of 2 endpoint(s) still present another certificate than ${newThumb}`);
    expect(r.out).toContain(`imap-old: presents ${oldInfo.thumbprint} (notAfter ${oldInfo.notAfter.slice(0, 10)}`);
    expect(r.out).toMatch(/smtp-new +OK/);
  });
});
