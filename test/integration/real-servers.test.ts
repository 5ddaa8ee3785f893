// Probes real Postfix, Dovecot and nginx on loopback, started from generated config with a generated PKI.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempFiles } from '../helpers/cli.js';
import { startPostfix, type PostfixInstance } from '../harness/postfix.js';
import { startDovecot, type DovecotInstance } from '../harness/dovecot.js';
import { startNginx, type NginxInstance } from '../harness/nginx.js';
import { testChain } from '../helpers/certs.js';
import { probe, testTarget } from '../helpers/probe.js';
import { runProbe } from '../../src/probe/runner.js';
import type { Chain } from '../../src/pki/index.js';

let chain: Chain;
let postfix: PostfixInstance;
let dovecot: DovecotInstance;
let nginx: NginxInstance;
let leafThumbprint: string;

beforeAll(async () => {
  chain = await testChain();
  leafThumbprint = createHash('sha1').update(new X509Certificate(chain.leaf.certPem).raw).digest('hex').toUpperCase();
  [postfix, dovecot, nginx] = await Promise.all([
    startPostfix({ chainPem: chain.chainPem, keyPem: chain.leaf.keyPem, hostname: 'mail.example.test' }),
    startDovecot({ chainPem: chain.chainPem, keyPem: chain.leaf.keyPem }),
    startNginx({ chainPem: chain.chainPem, keyPem: chain.leaf.keyPem }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([postfix?.stop(), dovecot?.stop(), nginx?.stop()]);
}, 60_000);

function expectGoodChain(r: Awaited<ReturnType<typeof probe>>): void {
  expect(r.error).toBeNull();
  expect(r.chain.map((c) => c.subject)).toEqual(['CN=mail.example.test', 'CN=tlsprobe Test Intermediate CA, O=tlsprobe']);
  expect(r.chain[0]!.thumbprint).toBe(leafThumbprint);
  expect(r.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
  expect(r.tls?.cipher.standardName).toMatch(/^TLS_/);
}

describe('Postfix', () => {
  it('SMTP STARTTLS: banner, EHLO before and after TLS, chain, protocol, cipher', async () => {
    const r = await probe(`smtp://127.0.0.1:${postfix.smtpPort}`);
    expectGoodChain(r);
    expect(r.smtp?.banner[0]).toMatch(/^mail\.example\.test ESMTP/);
    expect(r.smtp?.bannerHost).toBe('mail.example.test');
    expect(r.smtp?.ehlo?.host).toBe('mail.example.test');
    expect(r.smtp?.ehlo?.capabilities).toHaveProperty('STARTTLS');
    expect(r.smtp?.ehloTls?.capabilities).not.toHaveProperty('STARTTLS');
    expect(r.smtp?.ehloTls?.capabilities).toHaveProperty('PIPELINING');
    expect(r.smtp?.transcript).toEqual(['EHLO probe.example.test', 'STARTTLS', 'EHLO probe.example.test', 'QUIT']);
    expect(r.timings.greeting).toBeGreaterThan(0);
    expect(r.timings.starttls).toBeGreaterThan(0);
  });

  it('SMTPS (implicit TLS): handshake first, then banner and EHLO', async () => {
    const r = await probe(`smtps://127.0.0.1:${postfix.smtpsPort}`);
    expectGoodChain(r);
    expect(r.smtp?.bannerHost).toBe('mail.example.test');
    expect(r.smtp?.ehloTls?.host).toBe('mail.example.test');
  });
});

describe('Dovecot', () => {
  it('IMAP STARTTLS', async () => {
    const r = await probe(`imap://127.0.0.1:${dovecot.imapPort}`);
    expectGoodChain(r);
    expect(r.imap?.greeting).toMatch(/^\* OK/);
    expect(r.imap?.capabilities).toContain('STARTTLS');
    expect(r.imap?.capabilitiesTls.length).toBeGreaterThan(0);
    expect(r.imap?.transcript).toEqual(['a1 CAPABILITY', 'a2 STARTTLS', 'a3 CAPABILITY', 'a4 LOGOUT']);
  });

  it('IMAPS', async () => {
    const r = await probe(`imaps://127.0.0.1:${dovecot.imapsPort}`);
    expectGoodChain(r);
    expect(r.imap?.greeting).toMatch(/^\* OK/);
  });

  it('POP3 STLS', async () => {
    const r = await probe(`pop3://127.0.0.1:${dovecot.pop3Port}`);
    expectGoodChain(r);
    expect(r.pop3?.greeting).toMatch(/^\+OK/);
    expect(r.pop3?.capabilities).toContain('STLS');
    expect(r.pop3?.transcript).toEqual(['CAPA', 'STLS', 'CAPA', 'QUIT']);
  });

  it('POP3S', async () => {
    const r = await probe(`pop3s://127.0.0.1:${dovecot.pop3sPort}`);
    expectGoodChain(r);
  });
});

describe('nginx', () => {
  it('HTTPS health check: status, timing and body over the captured connection', async () => {
    const r = await probe(`https://127.0.0.1:${nginx.httpsPort}/owa/healthcheck.htm`);
    expectGoodChain(r);
    expect(r.http?.status).toBe(200);
    expect(r.http?.body).toBe('200 OK<br/>mail.example.test');
    expect(r.timings.http).toBeGreaterThan(0);
    const log = await nginx.accessLog();
    expect(log.some((l) => l.includes('GET /owa/healthcheck.htm'))).toBe(true);
  });

  it('plain TLS (no path): handshake only', async () => {
    const r = await probe(`https://127.0.0.1:${nginx.httpsPort}`);
    expectGoodChain(r);
    expect(r.http).toBeUndefined();
  });
});

describe('without the exact-chain tap (TLS straight on the TCP socket)', () => {
  it('SMTP, IMAP, POP3 and HTTPS still complete their dialogues after TLS 1.3 session tickets', async () => {
    for (const url of [`smtp://127.0.0.1:${postfix.smtpPort}`, `imap://127.0.0.1:${dovecot.imapPort}`, `pop3://127.0.0.1:${dovecot.pop3Port}`, `https://127.0.0.1:${nginx.httpsPort}/owa/healthcheck.htm`]) {
      for (let i = 0; i < 3; i++) {
        const r = await runProbe({ ...testTarget(url), exactChain: false });
        expect(r.error, url).toBeNull();
        expect(r.tls?.chainSource).toBe('reconstructed');
      }
    }
  });
});

describe('the tlsprobe bin', () => {
  it('probe smtp://... --json shows banner, capabilities, chain with thumbprints, protocol and cipher', () => {
    const dir = tempFiles({ 'root.pem': chain.root.certPem });
    const out = spawnSync(process.execPath, ['bin/tlsprobe.js', 'probe', `smtp://127.0.0.1:${postfix.smtpPort}`, '--json', '--servername', 'mail.example.test', '--ehlo', 'probe.example.test', '--ca', join(dir, 'root.pem')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r.ok).toBe(true);
    expect(r.smtp.banner[0]).toMatch(/^mail\.example\.test ESMTP/);
    expect(Object.keys(r.smtp.ehlo.capabilities)).toContain('STARTTLS');
    expect(r.smtp.ehloTls.capabilities).toBeTruthy();
    expect(r.chain.map((c: { thumbprint: string }) => c.thumbprint)[0]).toBe(leafThumbprint);
    expect(r.tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(r.tls.cipher.name).toBeTruthy();
    expect(r.checks.find((c: { id: string }) => c.id === 'chain').status).toBe('pass');
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 with a reason when the probe fails', () => {
    const out = spawnSync(process.execPath, ['bin/tlsprobe.js', 'probe', `imap://127.0.0.1:${postfix.smtpPort}`], { encoding: 'utf8', timeout: 30_000 });
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('protocol_mismatch');
  });

  it('exits 2 on a usage error', () => {
    const out = spawnSync(process.execPath, ['bin/tlsprobe.js', 'probe', 'gopher://x'], { encoding: 'utf8', timeout: 30_000 });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown scheme');
  });
});
