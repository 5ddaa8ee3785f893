// The contract every protocol driver passes against a well-behaved server: capture chain, protocol, cipher, timings.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, X509Certificate } from 'node:crypto';
import { startMailServer, startHttpsServer, type RunningServer } from '../src/demo/mail-server.js';
import { testChain } from './helpers/certs.js';
import { probe } from './helpers/probe.js';
import type { Chain } from '../src/pki/index.js';

const CASES = [
  { scheme: 'smtp', start: (c: Chain) => startMailServer({ protocol: 'smtp', cert: c.chainPem, key: c.leaf.keyPem }) },
  { scheme: 'smtps', start: (c: Chain) => startMailServer({ protocol: 'smtp', cert: c.chainPem, key: c.leaf.keyPem, implicit: true }) },
  { scheme: 'imap', start: (c: Chain) => startMailServer({ protocol: 'imap', cert: c.chainPem, key: c.leaf.keyPem }) },
  { scheme: 'imaps', start: (c: Chain) => startMailServer({ protocol: 'imap', cert: c.chainPem, key: c.leaf.keyPem, implicit: true }) },
  { scheme: 'pop3', start: (c: Chain) => startMailServer({ protocol: 'pop3', cert: c.chainPem, key: c.leaf.keyPem }) },
  { scheme: 'pop3s', start: (c: Chain) => startMailServer({ protocol: 'pop3', cert: c.chainPem, key: c.leaf.keyPem, implicit: true }) },
  { scheme: 'https', start: (c: Chain) => startHttpsServer({ cert: c.chainPem, key: c.leaf.keyPem }) },
  { scheme: 'tls', start: (c: Chain) => startHttpsServer({ cert: c.chainPem, key: c.leaf.keyPem }) },
] as const;

describe.each(CASES)('$scheme driver contract', ({ scheme, start }) => {
  let chain: Chain;
  let server: RunningServer;
  beforeAll(async () => {
    chain = await testChain();
    server = await start(chain);
  });
  afterAll(() => server.close());

  it('captures the presented chain, protocol, cipher and timings', async () => {
    const r = await probe(`${scheme}://127.0.0.1:${server.port}`, { servername: 'mail.example.test' });
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.address).toBe('127.0.0.1');
    expect(r.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(r.tls?.cipher.name).toBeTruthy();
    expect(r.tls?.cipher.standardName).toMatch(/^TLS_/);
    expect(r.chain).toHaveLength(2);
    const leafDer = new X509Certificate(chain.leaf.certPem).raw;
    expect(r.chain[0]!.thumbprint).toBe(createHash('sha1').update(leafDer).digest('hex').toUpperCase());
    expect(r.chain[0]!.sha256).toBe(createHash('sha256').update(leafDer).digest('hex').toUpperCase());
    expect(r.chain[0]!.subject).toBe('CN=mail.example.test');
    expect(r.chain[0]!.san.dns).toContain('mail.example.test');
    expect(r.chain[0]!.san.ip).toContain('127.0.0.1');
    expect(r.chain[0]!.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(r.chain[0]!.version).toBe(3);
    expect(r.chain[0]!.selfSigned).toBe(false);
    expect(r.chain[1]!.subject).toBe('CN=tlsprobe Test Intermediate CA, O=tlsprobe');
    expect(r.chain[1]!.basicConstraints?.ca).toBe(true);
    expect(r.timings.connect).toBeGreaterThanOrEqual(0);
    expect(r.timings.handshake).toBeGreaterThan(0);
    expect(r.timings.total).toBeGreaterThanOrEqual(r.timings.handshake!);
  });

  it('fails with a stable reason when nothing listens', async () => {
    await server.close();
    const r = await probe(`${scheme}://127.0.0.1:${server.port}`);
    expect(r.ok).toBe(false);
    expect(r.error?.reason).toBe('connect_refused');
    server = await start(chain);
  });
});
