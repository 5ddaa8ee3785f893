// Every failure reason a probe reports, each provoked by a scripted server on loopback.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import * as tls from 'node:tls';
import type { Socket } from 'node:net';
import { scripted, onLines, closedPort, blackholePort, type Scripted } from './helpers/scripted.js';
import { testChain } from './helpers/certs.js';
import { probe } from './helpers/probe.js';
import { startMailServer, startHttpsServer } from '../src/demo/mail-server.js';
import type { Chain } from '../src/pki/index.js';
import { leakGuard, type LeakGuard } from './hostile/leaks.js';

let chain: Chain;
const cleanup: Array<() => unknown> = [];
beforeAll(async () => {
  chain = await testChain();
});
// Every probe must leave no socket, listener or timer behind once the test has closed its servers.
let guard: LeakGuard;
beforeEach(() => {
  guard = leakGuard();
});
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
  await guard.check();
});

async function serve(script: (s: Socket) => void): Promise<Scripted> {
  const s = await scripted(script);
  cleanup.push(() => s.close());
  return s;
}

/** An SMTP server that says `banner`, answers EHLO with `caps`, and STARTTLS with `starttls`. */
function smtpScript(o: { banner?: string; caps?: string[]; starttls?: string; afterStarttls?: (s: Socket) => void }) {
  return (s: Socket): void => {
    s.write(o.banner ?? '220 mail.example.test ESMTP\r\n');
    onLines(s, (line) => {
      if (/^EHLO/i.test(line)) {
        const caps = ['mail.example.test Hello', ...(o.caps ?? ['STARTTLS'])];
        return caps.map((c, i) => `250${i === caps.length - 1 ? ' ' : '-'}${c}\r\n`).join('');
      }
      if (/^STARTTLS/i.test(line)) {
        if (o.starttls) s.write(o.starttls);
        o.afterStarttls?.(s);
        return;
      }
      if (/^QUIT/i.test(line)) return '221 bye\r\n';
    });
  };
}

describe('connection failures', () => {
  it('dns_failed when the name does not resolve', async () => {
    const resolver = async (host: string): Promise<never> => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const r = await probe('smtp://no-such-host.example.invalid:25', { env: { resolver } });
    expect(r.error?.reason).toBe('dns_failed');
    expect(r.error?.message).toContain('no-such-host.example.invalid');
  });

  it('connect_refused when nothing listens', async () => {
    const r = await probe(`smtp://127.0.0.1:${await closedPort()}`);
    expect(r.error?.reason).toBe('connect_refused');
  });

  it('connect_timeout when SYNs go unanswered', async () => {
    const hole = await blackholePort();
    cleanup.push(() => hole.close());
    const start = Date.now();
    const r = await probe(`smtp://127.0.0.1:${hole.port}`, { timeoutMs: 700 });
    expect(r.error?.reason).toBe('connect_timeout');
    expect(Date.now() - start).toBeLessThan(3000);
  });

  it('connection_reset when the server resets', async () => {
    const s = await serve((sock) => sock.resetAndDestroy());
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('connection_reset');
  });
});

describe('dialogue failures', () => {
  it('timeout_banner when the server says nothing', async () => {
    const s = await serve(() => {});
    const start = Date.now();
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { timeoutMs: 500 });
    expect(r.error?.reason).toBe('timeout_banner');
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('timeout_banner (not a hang) when the greeting drips', async () => {
    const s = await serve((sock) => {
      const t = setInterval(() => sock.write('2'), 100);
      sock.on('close', () => clearInterval(t));
    });
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { timeoutMs: 600 });
    expect(r.error?.reason).toBe('timeout_banner');
    expect(r.error?.message).toContain('222');
  });

  it('server_rejected on a 554 banner, an IMAP BYE and a POP3 -ERR', async () => {
    const smtp = await serve((sock) => sock.end('554 5.7.1 No SMTP service here\r\n'));
    const imap = await serve((sock) => sock.end('* BYE Too many connections\r\n'));
    const pop3 = await serve((sock) => sock.end('-ERR go away\r\n'));
    for (const [url, quoted] of [
      [`smtp://127.0.0.1:${smtp.port}`, 'No SMTP service here'],
      [`imap://127.0.0.1:${imap.port}`, 'Too many connections'],
      [`pop3://127.0.0.1:${pop3.port}`, 'go away'],
    ] as const) {
      const r = await probe(url);
      expect(r.error?.reason, url).toBe('server_rejected');
      expect(r.error?.message).toContain(quoted);
    }
  });

  it('server_rejected on a multi-line 421 banner', async () => {
    const s = await serve((sock) => sock.end('421-4.3.2 busy\r\n421 4.3.2 try later\r\n'));
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('server_rejected');
  });

  it('protocol_mismatch when an HTTP server answers on the SMTP port', async () => {
    const s = await serve((sock) => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('protocol_mismatch');
    expect(r.error?.message).toContain('HTTP/1.1 400');
  });

  it('protocol_error on binary garbage, with the bytes escaped', async () => {
    const s = await serve((sock) => sock.end(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a])));
    const r = await probe(`imap://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('protocol_error');
    expect(r.error?.message).toContain('\\x00');
  });

  it('line_too_long on an endless line', async () => {
    const s = await serve((sock) => sock.write(`220 ${'x'.repeat(10_000)}`));
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('line_too_long');
  });

  it('too_many_lines on an endless multi-line reply', async () => {
    const s = await serve((sock) => sock.write('220-hello\r\n'.repeat(500)));
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('too_many_lines');
  });

  it('starttls_not_advertised, keeping the banner and capabilities', async () => {
    const srv = await startMailServer({ protocol: 'smtp', cert: chain.chainPem, key: chain.leaf.keyPem, starttls: false });
    cleanup.push(() => srv.close());
    const r = await probe(`smtp://127.0.0.1:${srv.port}`);
    expect(r.error?.reason).toBe('starttls_not_advertised');
    expect(r.smtp?.starttlsAdvertised).toBe(false);
    expect(r.smtp?.banner[0]).toContain('mail.example.test');
    expect(r.smtp?.ehlo?.capabilities).toHaveProperty('PIPELINING');
    for (const protocol of ['imap', 'pop3'] as const) {
      const m = await startMailServer({ protocol, cert: chain.chainPem, key: chain.leaf.keyPem, starttls: false });
      cleanup.push(() => m.close());
      expect((await probe(`${protocol}://127.0.0.1:${m.port}`)).error?.reason, protocol).toBe('starttls_not_advertised');
    }
  });

  it('starttls_refused on 454 / NO / -ERR', async () => {
    const smtp = await serve(smtpScript({ starttls: '454 4.7.0 TLS not available due to local problem\r\n' }));
    const imap = await serve((sock) => {
      sock.write('* OK ready\r\n');
      onLines(sock, (l) => {
        const [tag, cmd] = l.split(' ');
        if (cmd === 'CAPABILITY') return `* CAPABILITY IMAP4rev1 STARTTLS\r\n${tag} OK done\r\n`;
        if (cmd === 'STARTTLS') return `${tag} NO TLS unavailable\r\n`;
      });
    });
    const pop3 = await serve((sock) => {
      sock.write('+OK ready\r\n');
      onLines(sock, (l) => (l === 'CAPA' ? '+OK\r\nSTLS\r\n.\r\n' : l === 'STLS' ? '-ERR no TLS today\r\n' : undefined));
    });
    const r1 = await probe(`smtp://127.0.0.1:${smtp.port}`);
    expect(r1.error?.reason).toBe('starttls_refused');
    expect(r1.error?.message).toContain('454 4.7.0');
    expect((await probe(`imap://127.0.0.1:${imap.port}`)).error?.reason).toBe('starttls_refused');
    expect((await probe(`pop3://127.0.0.1:${pop3.port}`)).error?.reason).toBe('starttls_refused');
  });
});

describe('TLS failures', () => {
  it('tls_handshake_failed when the server closes after accepting STARTTLS', async () => {
    const s = await serve(smtpScript({ starttls: '220 go ahead\r\n', afterStarttls: (sock) => sock.end() }));
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('tls_handshake_failed');
    expect(r.error?.phase).toBe('handshake');
  });

  it('tls_handshake_failed when the server answers the ClientHello in plaintext', async () => {
    const s = await serve(
      smtpScript({
        starttls: '220 go ahead\r\n',
        afterStarttls: (sock) => sock.once('data', () => sock.write('500 5.5.1 what is this?\r\n')),
      }),
    );
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('tls_handshake_failed');
    expect(r.error?.message).toMatch(/plaintext/);
  });

  it('timeout_handshake when the server goes silent after STARTTLS', async () => {
    const s = await serve(smtpScript({ starttls: '220 go ahead\r\n' }));
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { timeoutMs: 600 });
    expect(r.error?.reason).toBe('timeout_handshake');
  });

  it('tls_alert with the alert name', async () => {
    // A fatal handshake_failure alert (RFC 8446 §6) in answer to the ClientHello.
    const s = await serve((sock) => sock.once('data', () => sock.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]))));
    const r = await probe(`tls://127.0.0.1:${s.port}`);
    expect(r.error?.reason).toBe('tls_alert');
    expect(r.error?.message).toContain('handshake_failure');
  });

  it('captures an expired, self-signed leaf instead of refusing it', async () => {
    const { createSelfSigned } = await import('../src/pki/index.js');
    const old = await createSelfSigned({
      subject: 'CN=Microsoft Exchange',
      names: ['mail.example.test'],
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
      reuseKeys: true,
    });
    const srv = await startMailServer({ protocol: 'smtp', cert: old.certPem, key: old.keyPem });
    cleanup.push(() => srv.close());
    const r = await probe(`smtp://127.0.0.1:${srv.port}`);
    expect(r.error).toBeNull();
    expect(r.chain).toHaveLength(1);
    expect(r.chain[0]!.selfSigned).toBe(true);
    expect(r.chain[0]!.notAfter).toBe('2021-01-01T00:00:00.000Z');
  });

  it('a server sending only its leaf yields a one-certificate chain', async () => {
    const srv = await startMailServer({ protocol: 'smtp', cert: chain.leafPem, key: chain.leaf.keyPem });
    cleanup.push(() => srv.close());
    const r = await probe(`smtp://127.0.0.1:${srv.port}`);
    expect(r.ok).toBe(true);
    expect(r.chain.map((c) => c.subject)).toEqual(['CN=mail.example.test']);
  });

  it('a TLS server that sends its root along is captured with three certificates', async () => {
    const srv = await startMailServer({ protocol: 'smtp', cert: chain.chainPem + chain.root.certPem, key: chain.leaf.keyPem });
    cleanup.push(() => srv.close());
    const r = await probe(`smtp://127.0.0.1:${srv.port}`);
    expect(r.chain).toHaveLength(3);
    expect(r.chain[2]!.selfSigned).toBe(true);
  });
});

describe('HTTPS', () => {
  it('http_status when the health check answers 500, with status and body captured', async () => {
    const srv = await startHttpsServer({ cert: chain.chainPem, key: chain.leaf.keyPem, routes: { '/owa/healthcheck.htm': [500, 'broken'] } });
    cleanup.push(() => srv.close());
    const r = await probe(`https://127.0.0.1:${srv.port}/owa/healthcheck.htm`);
    expect(r.error?.reason).toBe('http_status');
    expect(r.http?.status).toBe(500);
    expect(r.http?.body).toBe('broken');
    expect(r.tls?.alpn).toBe('http/1.1');
  });

  it('records status, timing and a bounded body of a healthy check', async () => {
    const big = `200 OK<br/>mail.example.test${' '.repeat(200_000)}`;
    const srv = await startHttpsServer({ cert: chain.chainPem, key: chain.leaf.keyPem, routes: { '/owa/healthcheck.htm': [200, big] } });
    cleanup.push(() => srv.close());
    const r = await probe(`https://127.0.0.1:${srv.port}/owa/healthcheck.htm`);
    expect(r.ok).toBe(true);
    expect(r.http?.status).toBe(200);
    expect(r.http?.timeMs).toBeGreaterThan(0);
    expect(r.http?.bodyTruncated).toBe(true);
    expect(r.http?.bodyBytes).toBe(64 * 1024);
    expect(r.http?.body.startsWith('200 OK<br/>mail.example.test')).toBe(true);
  });

  it('sends SNI from the URL host and none for IP literals', async () => {
    // SNICallback runs only when the client sends SNI, before the handshake can fail or finish.
    const seen: string[] = [];
    let connections = 0;
    const ctx = tls.createSecureContext({ cert: chain.chainPem, key: chain.leaf.keyPem });
    const server = tls.createServer({ cert: chain.chainPem, key: chain.leaf.keyPem, SNICallback: (name, cb) => { seen.push(name); cb(null, ctx); } });
    server.on('connection', () => connections++);
    server.on('tlsClientError', () => {});
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    cleanup.push(() => new Promise((res) => server.close(res)));
    const port = (server.address() as { port: number }).port;
    for (const [url, servername] of [
      [`tls://localhost:${port}`, undefined],
      [`tls://127.0.0.1:${port}`, null],
      [`tls://127.0.0.1:${port}`, 'mail.example.test'],
    ] as const) {
      expect((await probe(url, { servername })).error).toBeNull();
    }
    expect(connections).toBe(3);
    expect(seen).toEqual(['localhost', 'mail.example.test']);
  });
});
