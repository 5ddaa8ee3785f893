// Integration tests for test/harness: real Postfix, Dovecot, nginx and slapd instances on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { startPostfix, type PostfixInstance } from './harness/postfix.js';
import { startDovecot, type DovecotInstance } from './harness/dovecot.js';
import { startNginx, type NginxInstance } from './harness/nginx.js';
import { ldifForCrl, startSlapd, type SlapdInstance } from './harness/slapd.js';

const HOOK_TIMEOUT = 60_000;
const SERVERNAME = 'mail.example.test';

function sh(file: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout));
  });
}

/** Line-protocol client: buffers text and waits (bounded) for a predicate over what has arrived. */
class Conv {
  private buf = '';
  private waiter: (() => void) | undefined;
  private constructor(readonly socket: net.Socket | tls.TLSSocket) {
    socket.setEncoding('utf8');
    socket.on('data', this.onData);
    socket.on('error', () => this.waiter?.());
    socket.on('close', () => this.waiter?.());
  }
  private readonly onData = (d: string): void => {
    this.buf += d;
    this.waiter?.();
  };
  static async plain(port: number): Promise<Conv> {
    const s = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => s.once('connect', res).once('error', rej));
    return new Conv(s);
  }
  static async implicitTls(port: number): Promise<Conv> {
    const s = tls.connect({ host: '127.0.0.1', port, servername: SERVERNAME, rejectUnauthorized: false });
    await new Promise<void>((res, rej) => s.once('secureConnect', res).once('error', rej));
    return new Conv(s);
  }
  /** Resolve with (and consume) the buffer once done(buffer) is true. */
  async read(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.buf)) {
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.destroyed) throw new Error(`timeout/closed; got ${JSON.stringify(this.buf)}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiter = () => { clearTimeout(t); res(); };
      });
      this.waiter = undefined;
    }
    const out = this.buf;
    this.buf = '';
    return out;
  }
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }
  /** Hand the plain socket to TLS (after STARTTLS/STLS) and return the peer certificate's CN. */
  async upgrade(): Promise<string> {
    this.socket.removeListener('data', this.onData);
    this.socket.pause();
    const t = tls.connect({ socket: this.socket as net.Socket, servername: SERVERNAME, rejectUnauthorized: false });
    await new Promise<void>((res, rej) => t.once('secureConnect', res).once('error', rej));
    const cn = String(t.getPeerCertificate().subject.CN);
    t.destroy();
    return cn;
  }
  close(): void {
    this.socket.destroy();
  }
}

const smtpReply = (t: string): boolean => /(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(t);
const tagged = (tag: string) => (t: string): boolean => new RegExp(`(^|\\r\\n)${tag} [^\\r\\n]*\\r\\n$`).test(t);
const line = (t: string): boolean => t.endsWith('\r\n');
const multiline = (t: string): boolean => t.endsWith('\r\n.\r\n');

let work: string;
let chainPem: string;
let keyPem: string;
let crlDer: Buffer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tlsprobe-harness-test-'));
  await sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${SERVERNAME}`,
    '-addext', `subjectAltName=DNS:${SERVERNAME}`, '-days', '2', '-keyout', 'key.pem', '-out', 'cert.pem'], work);
  await writeFile(join(work, 'index.txt'), '');
  await writeFile(join(work, 'crlnumber'), '01\n');
  await writeFile(join(work, 'ca.cnf'), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${work}/index.txt\n`
    + `crlnumber = ${work}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 2\n`);
  await sh('openssl', ['ca', '-gencrl', '-batch', '-config', 'ca.cnf', '-keyfile', 'key.pem', '-cert', 'cert.pem',
    '-out', 'crl.pem'], work);
  await sh('openssl', ['crl', '-in', 'crl.pem', '-outform', 'DER', '-out', 'crl.der'], work);
  chainPem = await readFile(join(work, 'cert.pem'), 'utf8');
  keyPem = await readFile(join(work, 'key.pem'), 'utf8');
  crlDer = await readFile(join(work, 'crl.der'));
}, HOOK_TIMEOUT);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const result = await fn();
  console.log(`[harness] ${what} in ${Date.now() - t0} ms`);
  return result;
}

describe('postfix harness', () => {
  let pf: PostfixInstance | undefined;
  beforeAll(async () => {
    pf = await timed('postfix started', () => startPostfix({ chainPem, keyPem }));
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    if (pf) await timed('postfix stopped', () => pf!.stop());
  }, HOOK_TIMEOUT);

  it('offers STARTTLS on the SMTP port and completes the handshake', async () => {
    const c = await Conv.plain(pf!.smtpPort);
    try {
      expect(await c.read(smtpReply)).toMatch(/^220 mail\.example\.test ESMTP tlsprobe-test\r\n$/);
      c.send('EHLO probe.example.test');
      expect(await c.read(smtpReply)).toMatch(/^250-STARTTLS\r$/m);
      c.send('STARTTLS');
      expect(await c.read(smtpReply)).toMatch(/^220 /);
      expect(await c.upgrade()).toBe(SERVERNAME);
    } finally {
      c.close();
    }
  });

  it('speaks implicit TLS on the smtps port', async () => {
    const c = await Conv.implicitTls(pf!.smtpsPort);
    try {
      expect(String((c.socket as tls.TLSSocket).getPeerCertificate().subject.CN)).toBe(SERVERNAME);
      expect(await c.read(smtpReply)).toMatch(/^220 mail\.example\.test ESMTP tlsprobe-test\r\n$/);
    } finally {
      c.close();
    }
  });
});

describe('dovecot harness', () => {
  let dc: DovecotInstance | undefined;
  beforeAll(async () => {
    dc = await timed('dovecot started', () => startDovecot({ chainPem, keyPem, greeting: 'tlsprobe-test ready' }));
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    if (dc) await timed('dovecot stopped', () => dc!.stop());
  }, HOOK_TIMEOUT);

  it('IMAP: greeting, CAPABILITY lists STARTTLS, STARTTLS handshake', async () => {
    const c = await Conv.plain(dc!.imapPort);
    try {
      expect(await c.read(line)).toMatch(/^\* OK .*tlsprobe-test ready/);
      c.send('a CAPABILITY');
      expect(await c.read(tagged('a'))).toMatch(/^\* CAPABILITY .*\bSTARTTLS\b/m);
      c.send('b STARTTLS');
      expect(await c.read(tagged('b'))).toMatch(/^b OK/);
      expect(await c.upgrade()).toBe(SERVERNAME);
    } finally {
      c.close();
    }
  });

  it('IMAPS: implicit TLS then greeting', async () => {
    const c = await Conv.implicitTls(dc!.imapsPort);
    try {
      expect(String((c.socket as tls.TLSSocket).getPeerCertificate().subject.CN)).toBe(SERVERNAME);
      expect(await c.read(line)).toMatch(/^\* OK /);
    } finally {
      c.close();
    }
  });

  it('POP3: +OK, CAPA lists STLS, STLS handshake', async () => {
    const c = await Conv.plain(dc!.pop3Port);
    try {
      expect(await c.read(line)).toMatch(/^\+OK tlsprobe-test ready/);
      c.send('CAPA');
      expect(await c.read(multiline)).toMatch(/^STLS\r$/m);
      c.send('STLS');
      expect(await c.read(line)).toMatch(/^\+OK/);
      expect(await c.upgrade()).toBe(SERVERNAME);
    } finally {
      c.close();
    }
  });

  it('POP3S: implicit TLS then greeting', async () => {
    const c = await Conv.implicitTls(dc!.pop3sPort);
    try {
      expect(String((c.socket as tls.TLSSocket).getPeerCertificate().subject.CN)).toBe(SERVERNAME);
      expect(await c.read(line)).toMatch(/^\+OK /);
    } finally {
      c.close();
    }
  });
});

function get(mod: typeof http | typeof https, url: string): Promise<{ status: number; body: Buffer; type: string }> {
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { rejectUnauthorized: false, servername: SERVERNAME, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks),
        type: String(res.headers['content-type']) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
  });
}

describe('nginx harness', () => {
  let ng: NginxInstance | undefined;
  beforeAll(async () => {
    ng = await timed('nginx started', () => startNginx({
      chainPem, keyPem, plainHttp: true,
      staticFiles: { '/crl/test.crl': crlDer },
      locations: { '/down': { status: 503, body: 'maintenance', contentType: 'text/plain' } },
    }));
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    if (ng) await timed('nginx stopped', () => ng!.stop());
  }, HOOK_TIMEOUT);

  it('serves the Exchange-style health check over HTTPS, static files over HTTP, logs requests', async () => {
    const hc = await get(https, `https://127.0.0.1:${ng!.httpsPort}/owa/healthcheck.htm`);
    expect(hc.status).toBe(200);
    expect(hc.body.toString()).toBe('200 OK<br/>mail.example.test');
    expect(hc.type).toBe('text/html');
    const crl = await get(http, `http://127.0.0.1:${ng!.httpPort}/crl/test.crl`);
    expect(crl.status).toBe(200);
    expect(crl.body.equals(crlDer)).toBe(true);
    expect(crl.type).toBe('application/pkix-crl');
    const down = await get(https, `https://127.0.0.1:${ng!.httpsPort}/down`);
    expect([down.status, down.body.toString(), down.type]).toEqual([503, 'maintenance', 'text/plain']);
    // nginx writes the access log line after the response; poll briefly.
    let lines: string[] = [];
    for (let i = 0; i < 50 && lines.length < 3; i++) {
      lines = await ng!.accessLog();
      if (lines.length < 3) await new Promise((r) => setTimeout(r, 50));
    }
    expect(lines.filter((l) => l.includes('"GET /owa/healthcheck.htm HTTP/1.1" 200'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('"GET /crl/test.crl HTTP/1.1" 200'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('"GET /down HTTP/1.1" 503'))).toHaveLength(1);
  });
});

describe('slapd harness', () => {
  const suffix = 'DC=example,DC=test';
  const crlDn = 'CN=tlsprobe Test CA,CN=mail,CN=CDP,CN=Public Key Services,CN=Services,CN=Configuration,DC=example,DC=test';
  let ld: SlapdInstance | undefined;
  beforeAll(async () => {
    ld = await timed('slapd started', () => startSlapd({ suffix, entries: ldifForCrl(crlDn, crlDer) }));
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    if (ld) await timed('slapd stopped', () => ld!.stop());
  }, HOOK_TIMEOUT);

  it('serves certificateRevocationList;binary to anonymous ldapsearch', async () => {
    const out = await sh('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', ld!.url, '-b', crlDn, '-s', 'base',
      'certificateRevocationList;binary']);
    const m = /^certificateRevocationList;binary:: (\S+)$/m.exec(out);
    expect(m, out).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64').equals(crlDer)).toBe(true);
  });
});
