// Hostile TLS behaviour: a stalled handshake, an over-long chain, alerts and failures after the STARTTLS go-ahead.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { issueLeaf, type Chain } from '../../src/pki/index.js';
import { DEFAULT_LIMITS } from '../../src/probe/limits.js';
import { testChain } from '../helpers/certs.js';
import { probe } from '../helpers/probe.js';
import { hostileSuite, expectReason, smtpScript, imapScript, pop3Script } from './harness.js';
import { stallAfterServerHello } from './stall-proxy.js';

const { serve, cleanup } = hostileSuite();
let chain: Chain;
beforeAll(async () => {
  chain = await testChain();
});

async function tlsServer(opts: tls.TlsOptions): Promise<number> {
  const server = tls.createServer(opts);
  server.on('tlsClientError', () => {});
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))));
  return (server.address() as AddressInfo).port;
}

/** A fatal alert record (RFC 8446 §6): level 2, the given description. */
const alert = (description: number): Buffer => Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description]);

describe('TLS handshake', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)('timeout_handshake when the handshake stalls after the ServerHello (%s)', async (maxVersion) => {
    const port = await tlsServer({ cert: chain.chainPem, key: chain.leaf.keyPem, maxVersion });
    const proxy = await stallAfterServerHello(port);
    cleanup.push(() => proxy.close());
    const r = await expectReason(`tls://127.0.0.1:${proxy.port}`, 'timeout_handshake', { timeoutMs: 1000 });
    expect(r.error?.phase).toBe('handshake');
    expect(proxy.withheld()).toBeGreaterThan(0);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('chain_too_long for a 50-certificate chain, read off the wire (%s)', async (maxVersion) => {
    // Node's server sends the `cert` list as given, so the presented list has exactly 50 entries.
    const extra: string[] = [];
    for (let i = 0; i < 49; i++) extra.push((await issueLeaf(chain.intermediate, { subject: `CN=extra${i}.example.test`, names: [`extra${i}.example.test`], reuseKeys: true })).certPem);
    const port = await tlsServer({ cert: chain.leafPem + extra.join(''), key: chain.leaf.keyPem, maxVersion });
    const r = await expectReason(`tls://127.0.0.1:${port}`, 'chain_too_long');
    expect(r.error?.message).toBe(`server presented 50 certificates (limit ${DEFAULT_LIMITS.chainCerts})`);
    expect(DEFAULT_LIMITS.chainCerts).toBe(20);
  });

  it('chain_too_long for a chain over 100 KiB in fewer than 20 certificates (OpenSSL refuses the message)', async () => {
    // Ten certificates with 300 SANs each: about 120 KiB of DER, more than OpenSSL accepts in one handshake message.
    const names = Array.from({ length: 300 }, (_, j) => `host-${j}-padding-padding.example.test`);
    const extra: string[] = [];
    for (let i = 0; i < 10; i++) extra.push((await issueLeaf(chain.intermediate, { subject: `CN=big${i}.example.test`, names, reuseKeys: true })).certPem);
    const port = await tlsServer({ cert: chain.leafPem + extra.join(''), key: chain.leaf.keyPem });
    const r = await expectReason(`tls://127.0.0.1:${port}`, 'chain_too_long');
    expect(r.error?.message).toMatch(/100 KiB/);
  });

  it('a chain of exactly 20 certificates is captured whole', async () => {
    const extra: string[] = [];
    for (let i = 0; i < 18; i++) extra.push((await issueLeaf(chain.intermediate, { subject: `CN=extra${i}.example.test`, names: [`extra${i}.example.test`], reuseKeys: true })).certPem);
    const port = await tlsServer({ cert: chain.chainPem + extra.join(''), key: chain.leaf.keyPem });
    const r = await probe(`tls://127.0.0.1:${port}`);
    expect(r.error).toBeNull();
    expect(r.tls?.chainSource).toBe('presented');
    expect(r.chain).toHaveLength(20);
  });

  it('tls_alert with the alert name after the STARTTLS go-ahead', async () => {
    // unrecognized_name (112), as a server without a certificate for the SNI name would send.
    const s = await serve(smtpScript({ onStarttls: (sock) => (sock.write('220 go ahead\r\n'), sock.once('data', () => sock.end(alert(112)))) }));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'tls_alert');
    expect(r.error?.message).toContain('unrecognized_name');
    expect(r.error?.phase).toBe('handshake');
  });

  it('tls_alert protocol_version from an implicit-TLS server', async () => {
    const s = await serve((sock) => sock.once('data', () => sock.end(alert(70))));
    expect((await expectReason(`imaps://127.0.0.1:${s.port}`, 'tls_alert')).error?.message).toContain('protocol_version');
  });
});

describe('after the STARTTLS go-ahead (IMAP, POP3)', () => {
  it('tls_handshake_failed when the server closes, saying so', async () => {
    const imap = await serve(imapScript((sock) => sock.end()));
    const pop3 = await serve(pop3Script((sock) => sock.end()));
    for (const url of [`imap://127.0.0.1:${imap.port}`, `pop3://127.0.0.1:${pop3.port}`]) {
      expect((await expectReason(url, 'tls_handshake_failed')).error?.message).toMatch(/closed the connection during the TLS handshake/);
    }
  });

  it('tls_handshake_failed when the server answers the ClientHello in plaintext, saying so', async () => {
    const imap = await serve(imapScript((sock) => sock.once('data', () => sock.write('* BAD what is this\r\n'))));
    const pop3 = await serve(pop3Script((sock) => sock.once('data', () => sock.write('-ERR unknown command\r\n'))));
    for (const url of [`imap://127.0.0.1:${imap.port}`, `pop3://127.0.0.1:${pop3.port}`]) {
      expect((await expectReason(url, 'tls_handshake_failed')).error?.message).toMatch(/plaintext/);
    }
  });

  it('timeout_handshake when the server goes silent, saying so', async () => {
    const imap = await serve(imapScript());
    const pop3 = await serve(pop3Script());
    for (const url of [`imap://127.0.0.1:${imap.port}`, `pop3://127.0.0.1:${pop3.port}`]) {
      expect((await expectReason(url, 'timeout_handshake', { timeoutMs: 700 })).error?.message).toMatch(/TLS handshake did not complete/);
    }
  });

  it('protocol_error when the server pipelines data after the go-ahead (CVE-2011-0411 class)', async () => {
    const s = await serve(smtpScript({ onStarttls: (sock) => sock.write('220 go ahead\r\n250 injected\r\n') }));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'protocol_error');
    expect(r.error?.message).toContain('"250 injected\\r\\n"');
  });
});

describe('alert names', () => {
  // OpenSSL names some alerts without "_ALERT_" in its error code; the number in the message is what counts.
  it.each([
    [40, 'handshake_failure'],
    [48, 'unknown_ca'],
    [90, 'user_canceled'],
    [110, 'unsupported_extension'],
    [112, 'unrecognized_name'],
    [116, 'certificate_required'],
    [120, 'no_application_protocol'],
  ])('alert %i is reported as tls_alert %s', async (n, name) => {
    const s = await serve((sock) => sock.once('data', () => sock.end(alert(n))));
    const r = await expectReason(`tls://127.0.0.1:${s.port}`, 'tls_alert');
    expect(r.error?.message).toBe(`server sent TLS alert ${name}`);
  });
});
