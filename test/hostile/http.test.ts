// Hostile HTTPS health checks: endless or slow bodies, resets mid-body, silence and garbage after the handshake.
import { describe, it, expect, beforeAll } from 'vitest';
import type { TLSSocket } from 'node:tls';
import type { Chain } from '../../src/pki/index.js';
import { testChain } from '../helpers/certs.js';
import { hostileSuite, expectReason, MARGIN_MS } from './harness.js';
import { probe } from '../helpers/probe.js';

const { serveTls } = hostileSuite();
let chain: Chain;
beforeAll(async () => {
  chain = await testChain();
});

/** Waits for the request head, then hands the socket to `respond`. */
function onRequest(respond: (t: TLSSocket) => void) {
  return (t: TLSSocket): void => {
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      t.off('data', onData);
      respond(t);
    };
    t.on('data', onData);
  };
}

function every(t: TLSSocket, ms: number, fn: () => void): void {
  const timer = setInterval(() => (t.destroyed ? clearInterval(timer) : fn()), ms);
  t.on('close', () => clearInterval(timer));
}

const serveHttp = (respond: (t: TLSSocket, raw: import('node:net').Socket) => void) =>
  serveTls({ cert: chain.chainPem, key: chain.leaf.keyPem, alpn: ['http/1.1'] }, (t, raw) => onRequest((x) => respond(x, raw))(t));

describe('HTTPS health check', () => {
  it('an endless slow body: the probe stops at its time bound and still succeeds on the status', async () => {
    const s = await serveHttp((t) => {
      t.write('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\n\r\n');
      every(t, 100, () => t.write('1\r\nx\r\n'));
    });
    const start = Date.now();
    const r = await probe(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, { timeoutMs: 1500 });
    expect(Date.now() - start).toBeLessThan(1500 + MARGIN_MS);
    expect(r.error).toBeNull();
    expect(r.http?.status).toBe(200);
    expect(r.http?.bodyTruncated).toBe(true);
    expect(r.http?.body).toMatch(/^x+$/);
  });

  it('an endless slow body with status 500 fails with http_status, in time', async () => {
    const s = await serveHttp((t) => {
      t.write('HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked\r\n\r\n');
      every(t, 100, () => t.write('1\r\nx\r\n'));
    });
    const r = await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'http_status', { timeoutMs: 1500 });
    expect(r.http?.status).toBe(500);
    expect(r.error?.message).toContain('answered 500');
  });

  it('an endless fast body is cut at the 64 KiB cap without waiting for the deadline', async () => {
    const s = await serveHttp((t) => {
      t.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
      every(t, 1, () => t.write(`4000\r\n${'y'.repeat(0x4000)}\r\n`));
    });
    const start = Date.now();
    const r = await probe(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, { timeoutMs: 5000 });
    expect(Date.now() - start).toBeLessThan(2000);
    expect(r.error).toBeNull();
    expect(r.http?.bodyBytes).toBe(64 * 1024);
    expect(r.http?.bodyTruncated).toBe(true);
  });

  it('connection_reset during the body, keeping the status seen', async () => {
    const s = await serveHttp((t, raw) => {
      t.write('HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n200 OK<br/>mail.exa');
      setTimeout(() => raw.resetAndDestroy(), 50);
    });
    const r = await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'connection_reset');
    expect(r.error?.phase).toBe('http');
    expect(r.http?.status).toBe(200);
    expect(r.http?.body).toBe('200 OK<br/>mail.exa');
  });

  it('connection_reset before any response', async () => {
    const s = await serveHttp((_t, raw) => raw.resetAndDestroy());
    expect((await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'connection_reset')).error?.phase).toBe('http');
  });

  it('connection_closed when the server closes before any response', async () => {
    const s = await serveHttp((t) => t.end());
    expect((await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'connection_closed')).error?.phase).toBe('http');
  });

  it('connection_closed when the body ends before its content-length', async () => {
    const s = await serveHttp((t) => t.end('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nshort'));
    const r = await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'connection_closed');
    expect(r.http?.status).toBe(200);
  });

  it('timeout_http when the server says nothing after the handshake', async () => {
    const s = await serveHttp(() => {});
    await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'timeout_http', { timeoutMs: 800 });
  });

  it('timeout_http when the response headers drip and never end', async () => {
    const s = await serveHttp((t) => {
      t.write('HTTP/1.1 200 OK\r\n');
      every(t, 100, () => t.write('x-drip: 1\r\n'));
    });
    await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'timeout_http', { timeoutMs: 800 });
  });

  it('http_error, quoting nothing unsafe, when the server answers garbage', async () => {
    const s = await serveHttp((t) => t.end('\x00\x01garbage\r\n\r\n'));
    const r = await expectReason(`https://127.0.0.1:${s.port}/owa/healthcheck.htm`, 'http_error');
    expect(r.error?.message).not.toContain('\x00');
  });
});
