// Shared set-up for hostile-server tests: servers closed after each test, the leak guard, and a timed probe.
import { afterEach, beforeEach, expect } from 'vitest';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Socket } from 'node:net';
import { scripted, onLines, type Scripted } from '../helpers/scripted.js';
import { probe, type TestProbeOptions } from '../helpers/probe.js';
import type { ProbeResult } from '../../src/probe/result.js';
import type { Reason } from '../../src/probe/reasons.js';
import { leakGuard, type LeakGuard } from './leaks.js';

/** CI is noisy: a bound that says "no hang", not a benchmark. */
export const MARGIN_MS = 1500;

/**
 * Registers per-test cleanup and the leak check: the guard is armed before the test starts its
 * servers, and checked after they are closed, so only what the probe left behind counts.
 */
export interface HostileSuite {
  cleanup: Array<() => unknown>;
  serve(script: (s: Socket) => void): Promise<Scripted>;
  /**
   * A TLS server on loopback (implicit TLS) whose every handshaken connection goes to `onSecure`,
   * with the raw TCP socket too, so a test can reset it (TLSSocket has no resetAndDestroy of its own).
   */
  serveTls(opts: tls.SecureContextOptions & { alpn?: string[] }, onSecure: (t: tls.TLSSocket, raw: Socket) => void): Promise<Scripted>;
}

export function hostileSuite(): HostileSuite {
  const cleanup: Array<() => unknown> = [];
  let guard: LeakGuard | null = null;
  beforeEach(() => {
    guard = leakGuard();
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
    await guard?.check();
  });
  return {
    cleanup,
    async serve(script) {
      const s = await scripted(script);
      cleanup.push(() => s.close());
      return s;
    },
    async serveTls(opts, onSecure) {
      const { alpn, ...ctxOpts } = opts;
      const secureContext = tls.createSecureContext(ctxOpts);
      const s = await scripted((raw: net.Socket) => {
        const t = new tls.TLSSocket(raw, { isServer: true, secureContext, ...(alpn ? { ALPNProtocols: alpn } : {}) });
        t.on('error', () => raw.destroy());
        t.on('secure', () => onSecure(t, raw));
      });
      cleanup.push(() => s.close());
      return s;
    },
  };
}

/** Probes `url`, asserts the reason and that the probe returned within its deadline plus the margin. */
export async function expectReason(url: string, reason: Reason, o: TestProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = o.timeoutMs ?? 2000;
  const start = Date.now();
  const r = await probe(url, { ...o, timeoutMs });
  const took = Date.now() - start;
  expect(r.error?.reason, `${url}: ${JSON.stringify(r.error)}`).toBe(reason);
  expect(took, `${url} took ${took} ms`).toBeLessThan(timeoutMs + MARGIN_MS);
  return r;
}

export interface SmtpScript {
  banner?: string;
  caps?: string[];
  /** Called on EHLO (n = 1, 2, ...); return false to answer nothing. */
  onEhlo?: (s: Socket, n: number) => boolean | void;
  /** Called on STARTTLS instead of the default "220 go ahead". */
  onStarttls?: (s: Socket) => void;
}

/** A line-based SMTP server with hooks for misbehaving at one chosen point. */
export function smtpScript(o: SmtpScript = {}) {
  return (s: Socket): void => {
    s.write(o.banner ?? '220 mail.example.test ESMTP\r\n');
    let ehlos = 0;
    onLines(s, (line) => {
      if (/^EHLO/i.test(line)) {
        if (o.onEhlo?.(s, ++ehlos) === false) return;
        const caps = ['mail.example.test Hello', ...(o.caps ?? ['STARTTLS'])];
        return caps.map((c, i) => `250${i === caps.length - 1 ? ' ' : '-'}${c}\r\n`).join('');
      }
      if (/^STARTTLS/i.test(line)) {
        if (o.onStarttls) o.onStarttls(s);
        else s.write('220 2.0.0 go ahead\r\n');
        return;
      }
      if (/^QUIT/i.test(line)) return '221 bye\r\n';
    });
  };
}

/** An IMAP server that offers STARTTLS and accepts it, then calls `afterOk` (nothing by default). */
export function imapScript(afterOk: (s: Socket) => void = () => {}) {
  return (s: Socket): void => {
    s.write('* OK ready\r\n');
    onLines(s, (l) => {
      const [tag, cmd] = l.split(' ');
      if (cmd === 'CAPABILITY') return `* CAPABILITY IMAP4rev1 STARTTLS\r\n${tag} OK done\r\n`;
      if (cmd === 'STARTTLS') {
        s.write(`${tag} OK begin TLS\r\n`);
        afterOk(s);
      }
    });
  };
}

/** A POP3 server that offers STLS and accepts it, then calls `afterOk`. */
export function pop3Script(afterOk: (s: Socket) => void = () => {}) {
  return (s: Socket): void => {
    s.write('+OK ready\r\n');
    onLines(s, (l) => {
      if (l === 'CAPA') return '+OK\r\nSTLS\r\n.\r\n';
      if (l === 'STLS') {
        s.write('+OK begin TLS\r\n');
        afterOk(s);
      }
    });
  };
}

/** Writes `bytes` one at a time, `everyMs` apart, until the socket closes. */
export function drip(s: Socket, bytes: string, everyMs: number): void {
  let i = 0;
  const t = setInterval(() => {
    if (s.destroyed) return clearInterval(t);
    s.write(bytes[i++ % bytes.length]!);
  }, everyMs);
  s.on('close', () => clearInterval(t));
}
