// The presented certificate_list read from the wire (tap + record parser), checked against real Node/OpenSSL servers.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChain, createSelfSigned, type Chain, type Issued } from '../src/pki/index.js';
import {
  hkdfExpandLabel,
  keylogSecrets,
  parseServerFlight,
  tapSocket,
  trafficKeys,
  TLS13_SUITES,
  type KeylogSecrets,
  type PresentedResult,
} from '../src/probe/presented/index.js';

let chain: Chain;
let other: Issued;
beforeAll(async () => {
  chain = await createChain({ names: ['localhost', '127.0.0.1'], reuseKeys: true });
  other = await createSelfSigned({ subject: 'CN=unrelated.example.test', names: ['unrelated.example.test'], reuseKeys: true });
});

interface Server {
  port: number;
  close(): Promise<void>;
}

async function startServer(opts: tls.TlsOptions, onSecure?: (s: tls.TLSSocket) => void): Promise<Server> {
  const sockets = new Set<net.Socket>();
  const srv = tls.createServer(opts, (s) => {
    s.on('error', () => {});
    if (onSecure) onSecure(s);
    else s.end('hello\n');
  });
  srv.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  srv.on('tlsClientError', () => {});
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => srv.close(() => resolve()));
    },
  };
}

const pems = (list: Issued[]): string => list.map((i) => i.certPem).join('');

interface Probed {
  presented: PresentedResult;
  tlsSocket: tls.TLSSocket;
  raw: net.Socket;
  /** Everything the server sent, seen by a second listener on raw (for direct parser tests). */
  bytes: () => Buffer;
  keylog: () => KeylogSecrets | undefined;
  /** The first 'session' event (TLS 1.2: during the handshake; TLS 1.3: once a ticket is read). */
  session: Promise<Buffer>;
}

/** The caller flow from the brief: net socket → tap → tls.connect → watch → finish at secureConnect. */
async function probeViaTap(port: number, copts: tls.ConnectionOptions = {}, tapOpts = {}, watch = true): Promise<Probed> {
  const raw = net.connect(port, '127.0.0.1');
  const seen: Buffer[] = [];
  const lines: Buffer[] = [];
  const tap = tapSocket(raw, tapOpts);
  raw.on('data', (c: Buffer) => seen.push(c));
  const tlsSocket = tls.connect({ socket: tap.stream, ca: [], rejectUnauthorized: false, servername: 'localhost', ...copts });
  if (watch) tap.watch(tlsSocket);
  tlsSocket.on('keylog', (l: Buffer) => lines.push(l));
  const session = new Promise<Buffer>((resolve) => tlsSocket.once('session', resolve));
  await once(tlsSocket, 'secureConnect');
  const presented = tap.finish(tlsSocket);
  return { presented, tlsSocket, raw, bytes: () => Buffer.concat(seen), keylog: () => keylogSecrets(lines), session };
}

function names(r: PresentedResult): string[] | string {
  if (r.certificates === null) return `null: ${r.why}`;
  const known: Array<[string, Issued]> = [['leaf', chain.leaf], ['int', chain.intermediate], ['root', chain.root], ['other', other]];
  return r.certificates.map((d) => known.find(([, i]) => d.equals(i.der))?.[0] ?? '?');
}

const CASES: Array<{ name: string; certs: () => Issued[]; expect: string[] }> = [
  { name: 'leaf + intermediate', certs: () => [chain.leaf, chain.intermediate], expect: ['leaf', 'int'] },
  { name: 'leaf only', certs: () => [chain.leaf], expect: ['leaf'] },
  { name: 'wrong order', certs: () => [chain.leaf, chain.root, chain.intermediate], expect: ['leaf', 'root', 'int'] },
  { name: 'duplicate intermediate', certs: () => [chain.leaf, chain.intermediate, chain.intermediate], expect: ['leaf', 'int', 'int'] },
  { name: 'unrelated extra', certs: () => [chain.leaf, other, chain.intermediate], expect: ['leaf', 'other', 'int'] },
  { name: 'leaf + intermediate + root', certs: () => [chain.leaf, chain.intermediate, chain.root], expect: ['leaf', 'int', 'root'] },
];

const VERSIONS: Array<{ name: string; server: tls.TlsOptions; client: tls.ConnectionOptions; protocol: string; cipher?: string }> = [
  { name: 'TLS 1.2', server: {}, client: { maxVersion: 'TLSv1.2' }, protocol: 'TLSv1.2' },
  { name: 'TLS 1.3 AES-128-GCM', server: { ciphers: 'TLS_AES_128_GCM_SHA256' }, client: { minVersion: 'TLSv1.3' }, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
  { name: 'TLS 1.3 AES-256-GCM', server: { ciphers: 'TLS_AES_256_GCM_SHA384' }, client: { minVersion: 'TLSv1.3' }, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
  { name: 'TLS 1.3 ChaCha20-Poly1305', server: { ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }, client: { minVersion: 'TLSv1.3' }, protocol: 'TLSv1.3', cipher: 'TLS_CHACHA20_POLY1305_SHA256' },
];

describe.each(VERSIONS)('$name: presented order as sent', (v) => {
  it.each(CASES)('$name', async (c) => {
    const srv = await startServer({ cert: pems(c.certs()), key: chain.leaf.keyPem, ...v.server });
    try {
      const p = await probeViaTap(srv.port, v.client);
      expect(p.tlsSocket.getProtocol()).toBe(v.protocol);
      if (v.cipher) expect(p.tlsSocket.getCipher().standardName).toBe(v.cipher);
      expect(names(p.presented)).toEqual(c.expect);
      const want = c.certs();
      expect(p.presented.certificates?.length).toBe(want.length);
      p.presented.certificates?.forEach((der, i) => expect(der.equals(want[i]!.der)).toBe(true));
      p.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });
});

describe('other negotiations', () => {
  const wrongOrder = (): string => pems([chain.leaf, chain.root, chain.intermediate]);

  it.each([
    ['TLS 1.3 AES-128-CCM', 'TLS_AES_128_CCM_SHA256'],
    ['TLS 1.3 AES-128-CCM-8', 'TLS_AES_128_CCM_8_SHA256'],
  ])('%s (both sides must enable it)', async (_n, suite) => {
    const srv = await startServer({ cert: wrongOrder(), key: chain.leaf.keyPem, ciphers: suite });
    try {
      const p = await probeViaTap(srv.port, { ciphers: suite });
      expect(p.tlsSocket.getCipher().standardName).toBe(suite);
      expect(names(p.presented)).toEqual(['leaf', 'root', 'int']);
      p.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });

  it('TLS 1.0 in clear (SECLEVEL=0 on both sides)', async () => {
    const old = { ciphers: 'DEFAULT:@SECLEVEL=0', minVersion: 'TLSv1' as const };
    const srv = await startServer({ cert: wrongOrder(), key: chain.leaf.keyPem, ...old });
    try {
      const p = await probeViaTap(srv.port, { ...old, maxVersion: 'TLSv1' });
      expect(p.tlsSocket.getProtocol()).toBe('TLSv1');
      expect(names(p.presented)).toEqual(['leaf', 'root', 'int']);
      p.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });

  it('TLS 1.3 after a HelloRetryRequest (server wants P-384, client key-shares X25519 first)', async () => {
    const srv = await startServer({ cert: wrongOrder(), key: chain.leaf.keyPem, ecdhCurve: 'P-384' });
    try {
      const p = await probeViaTap(srv.port, { minVersion: 'TLSv1.3' });
      const hrr = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
      expect(p.bytes().includes(hrr)).toBe(true);
      expect(names(p.presented)).toEqual(['leaf', 'root', 'int']);
      p.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });

  it.each([
    ['TLSv1.2', { maxVersion: 'TLSv1.2' as const }],
    ['TLSv1.3', { minVersion: 'TLSv1.3' as const }],
  ])('%s: server requests a client certificate (CertificateRequest in the flight)', async (_n, copts) => {
    const srv = await startServer({ cert: wrongOrder(), key: chain.leaf.keyPem, requestCert: true, rejectUnauthorized: false });
    try {
      const p = await probeViaTap(srv.port, copts);
      expect(names(p.presented)).toEqual(['leaf', 'root', 'int']);
      p.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });

  it.each([
    ['TLSv1.2', { maxVersion: 'TLSv1.2' as const }, /abbreviated|NewSessionTicket/],
    ['TLSv1.3', { minVersion: 'TLSv1.3' as const }, /PSK/],
  ])('%s session resumption: no Certificate message, said so', async (_n, copts, rawWhy) => {
    const srv = await startServer({ cert: wrongOrder(), key: chain.leaf.keyPem });
    try {
      const first = await probeViaTap(srv.port, copts);
      first.tlsSocket.resume();
      const again = await probeViaTap(srv.port, { ...copts, session: await first.session });
      expect(again.tlsSocket.isSessionReused()).toBe(true);
      expect(again.presented).toEqual({ certificates: null, why: expect.stringMatching(/resumed/) });
      // The parser alone also explains it from the bytes.
      expect(parseServerFlight(again.bytes(), again.keylog())).toEqual({ certificates: null, why: expect.stringMatching(rawWhy) });
      first.tlsSocket.destroy();
      again.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });

  it('TLS 1.3 without watch(): null with a hint; TLS 1.2 does not need it', async () => {
    const srv = await startServer({ cert: wrongOrder(), key: chain.leaf.keyPem });
    try {
      const p13 = await probeViaTap(srv.port, { minVersion: 'TLSv1.3' }, {}, false);
      expect(p13.presented).toEqual({ certificates: null, why: expect.stringMatching(/SERVER_HANDSHAKE_TRAFFIC_SECRET.*tap\.watch/) });
      const p12 = await probeViaTap(srv.port, { maxVersion: 'TLSv1.2' }, {}, false);
      expect(names(p12.presented)).toEqual(['leaf', 'root', 'int']);
      p13.tlsSocket.destroy();
      p12.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });

  it('maxBytes caps the recording and the reason says so', async () => {
    const srv = await startServer({ cert: wrongOrder(), key: chain.leaf.keyPem });
    try {
      const p = await probeViaTap(srv.port, { maxVersion: 'TLSv1.2' }, { maxBytes: 100 });
      expect(p.presented).toEqual({ certificates: null, why: expect.stringMatching(/maxBytes=100/) });
      p.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });
});

describe('STARTTLS: only bytes after tapSocket() are recorded', () => {
  /** A plain greeting, one command, then the server upgrades the same socket (like SMTP STARTTLS). */
  async function startStarttls(): Promise<Server & { ctx: tls.SecureContext }> {
    const ctx = tls.createSecureContext({ cert: pems([chain.leaf, chain.root, chain.intermediate]), key: chain.leaf.keyPem });
    const sockets = new Set<net.Socket>();
    const srv = net.createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => {});
      sock.write('220 plain greeting, not TLS\r\n');
      sock.once('data', () => {
        sock.write('220 go ahead\r\n');
        const t = new tls.TLSSocket(sock, { isServer: true, secureContext: ctx });
        t.on('error', () => {});
        t.once('secure', () => t.end('secured\n'));
      });
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const close = (): Promise<void> => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => srv.close(() => r()));
    };
    return { ctx, port: (srv.address() as net.AddressInfo).port, close };
  }

  async function upgrade(raw: net.Socket): Promise<PresentedResult> {
    const tap = tapSocket(raw);
    const t = tls.connect({ socket: tap.stream, ca: [], rejectUnauthorized: false, servername: 'localhost' });
    tap.watch(t);
    await once(t, 'secureConnect');
    const presented = tap.finish(t);
    let text = '';
    t.on('data', (d: Buffer) => (text += d.toString()));
    await once(t, 'end');
    expect(text).toBe('secured\n');
    t.destroy();
    return presented;
  }

  it("plain dialogue read with a 'data' listener that is removed before tapping", async () => {
    const srv = await startStarttls();
    try {
      const raw = net.connect(srv.port, '127.0.0.1');
      let plain = '';
      await new Promise<void>((resolve) => {
        const onData = (d: Buffer): void => {
          plain += d.toString('latin1');
          if (plain.endsWith('greeting, not TLS\r\n')) raw.write('STARTTLS\r\n');
          if (plain.endsWith('go ahead\r\n')) {
            raw.off('data', onData);
            resolve();
          }
        };
        raw.on('data', onData);
      });
      expect(names(await upgrade(raw))).toEqual(['leaf', 'root', 'int']);
    } finally {
      await srv.close();
    }
  });

  it("plain dialogue read in paused mode ('readable' + read()), raw left paused: the tap resumes it", async () => {
    const srv = await startStarttls();
    try {
      const raw = net.connect(srv.port, '127.0.0.1');
      let plain = '';
      await new Promise<void>((resolve) => {
        const onReadable = (): void => {
          let d: Buffer | null;
          while ((d = raw.read() as Buffer | null) !== null) plain += d.toString('latin1');
          if (plain.endsWith('greeting, not TLS\r\n')) raw.write('STARTTLS\r\n');
          if (plain.endsWith('go ahead\r\n')) {
            raw.off('readable', onReadable);
            raw.pause();
            resolve();
          }
        };
        raw.on('readable', onReadable);
      });
      expect(raw.isPaused()).toBe(true);
      expect(names(await upgrade(raw))).toEqual(['leaf', 'root', 'int']);
    } finally {
      await srv.close();
    }
  });
});

describe('tap stream plumbing', () => {
  let echo: Server;
  beforeAll(async () => {
    echo = await startServer({ cert: chain.chainPem, key: chain.leaf.keyPem }, (s) => s.pipe(s));
  });
  afterAll(() => echo.close());

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('%s: 8 MiB echo with backpressure, then half-close both ways', async (version) => {
    const p = await probeViaTap(echo.port, { minVersion: version, maxVersion: version });
    expect(names(p.presented)).toEqual(['leaf', 'int']);
    const sent = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < sent.length; i += 4) sent.writeUInt32LE(i, i);
    let got = 0;
    let same = true;
    p.tlsSocket.on('data', (d: Buffer) => {
      same &&= d.equals(sent.subarray(got, got + d.length));
      got += d.length;
    });
    p.tlsSocket.end(sent);
    await once(p.tlsSocket, 'end');
    expect(got).toBe(sent.length);
    expect(same).toBe(true);
    await once(p.raw, 'close');
  });

  it('tlsSocket.destroy() destroys the raw socket; tap.stream.destroy() too', async () => {
    const a = await probeViaTap(echo.port);
    a.tlsSocket.destroy();
    await once(a.raw, 'close');
    const raw = net.connect(echo.port, '127.0.0.1');
    await once(raw, 'connect');
    const tap = tapSocket(raw);
    tap.stream.destroy();
    expect(raw.destroyed).toBe(true);
  });

  it('server closing the TCP connection reaches the TLS socket', async () => {
    const srv = await startServer({ cert: chain.chainPem, key: chain.leaf.keyPem }, (s) => s.destroy());
    try {
      const p = await probeViaTap(srv.port);
      p.tlsSocket.on('error', () => {});
      p.tlsSocket.resume();
      await once(p.tlsSocket, 'close');
      expect(p.raw.destroyed).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('a refused TCP connection reaches the TLS socket as an error', async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const tap = tapSocket(net.connect(port, '127.0.0.1'));
    const t = tls.connect({ socket: tap.stream, rejectUnauthorized: false, servername: 'localhost' });
    tap.watch(t);
    const [err] = (await once(t, 'error')) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNREFUSED');
    expect(tap.finish(t)).toEqual({ certificates: null, why: expect.stringMatching(/ended before a ServerHello/) });
  });

  it('an error on the raw socket reaches the TLS socket', async () => {
    const p = await probeViaTap(echo.port);
    const errors: Error[] = [];
    p.tlsSocket.on('error', (e) => errors.push(e));
    const closed = new Promise((resolve) => p.tlsSocket.once('close', resolve)); // events.once would reject on 'error'
    p.raw.destroy(new Error('boom from raw'));
    await closed;
    expect(errors.map((e) => e.message)).toContain('boom from raw');
  });
});

// ---- parseServerFlight on recorded and synthetic bytes ----

const u24 = (n: number): Buffer => Buffer.of((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
const record = (type: number, payload: Buffer | number[]): Buffer => {
  const body = Buffer.from(payload);
  return Buffer.concat([Buffer.of(type, 3, 3, body.length >> 8, body.length & 0xff), body]);
};
const hsMsg = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.of(type), u24(body.length), body]);
/** A TLS 1.2 ServerHello (no extensions) with the given random. */
const serverHello = (random = Buffer.alloc(32, 7)): Buffer => hsMsg(2, Buffer.concat([Buffer.of(3, 3), random, Buffer.of(0, 0xc0, 0x2f, 0)]));
const certificate12 = (ders: Buffer[]): Buffer => {
  const list = Buffer.concat(ders.flatMap((d) => [u24(d.length), d]));
  return hsMsg(11, Buffer.concat([u24(list.length), list]));
};
/** Handshake bytes cut into records of at most `size` bytes (RFC 5246 §6.2.1 fragmentation). */
const fragment = (hs: Buffer, size: number): Buffer => {
  const out: Buffer[] = [];
  for (let i = 0; i < hs.length; i += size) out.push(record(22, hs.subarray(i, i + size)));
  return Buffer.concat(out);
};

/** Leading clear handshake record payloads of a recorded flight, up to the first non-handshake record. */
function clearHandshake(flight: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i + 5 <= flight.length && flight[i] === 22; ) {
    const len = flight.readUInt16BE(i + 3);
    parts.push(flight.subarray(i + 5, i + 5 + len));
    i += 5 + len;
  }
  return Buffer.concat(parts);
}

function expectWellFormed(r: PresentedResult): void {
  expect(typeof r).toBe('object');
  if (r.certificates === null) expect(typeof r.why).toBe('string');
  else expect(r.certificates.every((c) => Buffer.isBuffer(c) && c.length > 0)).toBe(true);
}

describe('parseServerFlight', () => {
  let flight12: Buffer;
  let flight13: Buffer;
  let secrets13: KeylogSecrets;
  beforeAll(async () => {
    const srv = await startServer({ cert: pems([chain.leaf, chain.root, chain.intermediate]), key: chain.leaf.keyPem });
    try {
      const a = await probeViaTap(srv.port, { maxVersion: 'TLSv1.2' });
      const b = await probeViaTap(srv.port, { minVersion: 'TLSv1.3' });
      flight12 = a.bytes();
      flight13 = b.bytes();
      secrets13 = b.keylog()!;
      a.tlsSocket.destroy();
      b.tlsSocket.destroy();
    } finally {
      await srv.close();
    }
  });

  it('HKDF-Expand-Label matches RFC 8448 §3 (server handshake key and iv)', () => {
    const secret = Buffer.from('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38', 'hex');
    const { key, iv } = trafficKeys(TLS13_SUITES.get(0x1301)!, secret);
    expect(key.toString('hex')).toBe('3fce516009c21727d0f2e4e86ee403bc');
    expect(iv.toString('hex')).toBe('5d313eb2671276ee13000b30');
    expect(hkdfExpandLabel('sha256', secret, 'iv', Buffer.alloc(0), 12)).toEqual(iv);
  });

  it('recorded flights parse the same as through the tap; TLS 1.3 needs the right secret', () => {
    expect(names(parseServerFlight(flight12))).toEqual(['leaf', 'root', 'int']);
    expect(names(parseServerFlight(flight13, secrets13))).toEqual(['leaf', 'root', 'int']);
    expect(parseServerFlight(flight13)).toEqual({ certificates: null, why: expect.stringMatching(/SERVER_HANDSHAKE_TRAFFIC_SECRET/) });
    const wrong = { ...secrets13, serverHandshakeTrafficSecret: Buffer.from(secrets13.serverHandshakeTrafficSecret).fill(1, 0, 1) };
    expect(parseServerFlight(flight13, wrong)).toEqual({ certificates: null, why: expect.stringMatching(/authentication/) });
    const helloEnd = 5 + flight13.readUInt16BE(3);
    const zeroLength = Buffer.concat([flight13.subarray(0, helloEnd), record(20, [1]), record(23, [])]);
    expect(parseServerFlight(zeroLength, secrets13)).toEqual({ certificates: null, why: expect.stringMatching(/shorter than its tag/) });
    const short = { ...secrets13, serverHandshakeTrafficSecret: Buffer.alloc(5) };
    expect(parseServerFlight(flight13, short)).toEqual({ certificates: null, why: expect.stringMatching(/needs/) });
  });

  it.each([1, 3, 4, 5, 100, 1000, 16384])('TLS 1.2 handshake re-fragmented into %i-byte records (and coalesced)', (size) => {
    expect(names(parseServerFlight(fragment(clearHandshake(flight12), size)))).toEqual(['leaf', 'root', 'int']);
  });

  it('every prefix of a real flight is either null with a reason or the full list', () => {
    for (const [flight, keys] of [[flight12, undefined], [flight13, secrets13]] as const) {
      const full = names(parseServerFlight(flight, keys));
      for (let n = 0; n <= flight.length; n++) {
        const r = parseServerFlight(flight.subarray(0, n), keys);
        if (r.certificates === null) expect(r.why).toMatch(/\w/);
        else expect(names(r)).toEqual(full);
      }
    }
  });

  it('never throws on arbitrary bytes (fast-check)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (a) => expectWellFormed(parseServerFlight(Buffer.from(a)))), { numRuns: 3000 });
  });

  it('never throws on arbitrary records after a real ServerHello, with a secret (fast-check)', () => {
    const helloEnd = 5 + flight13.readUInt16BE(3);
    const recs = fc.array(fc.tuple(fc.constantFrom(20, 21, 22, 23, 24, 0), fc.uint8Array({ maxLength: 300 })), { maxLength: 8 });
    fc.assert(
      fc.property(recs, (rs) => {
        const bytes = Buffer.concat([flight13.subarray(0, helloEnd), ...rs.map(([t, p]) => record(t, Buffer.from(p)))]);
        expectWellFormed(parseServerFlight(bytes, secrets13));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on mutated real flights (fast-check)', () => {
    const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
    for (const [flight, keys] of [[flight12, undefined], [flight13, secrets13]] as const) {
      fc.assert(
        fc.property(edits, (es) => {
          const m = Buffer.from(flight);
          for (const [pos, val] of es) m[pos % m.length] = val;
          expectWellFormed(parseServerFlight(m, keys));
        }),
        { numRuns: 500 },
      );
    }
  });

  it.each<[string, () => Buffer, RegExp]>([
    ['empty input', () => Buffer.alloc(0), /before a ServerHello/],
    ['truncated record header', () => Buffer.of(22, 3, 3), /truncated record header/],
    ['truncated record body', () => Buffer.concat([Buffer.of(22, 3, 3, 0, 100), Buffer.alloc(10)]), /header says 100 bytes, 10 present/],
    ['record over 2^14+2048', () => Buffer.concat([Buffer.of(22, 3, 3, 0xff, 0xff), Buffer.alloc(0xffff)]), /RFC 5246 §6.2.3/],
    ['handshake length 2^24-1', () => record(22, [2, 0xff, 0xff, 0xff]), /claims 16777215 bytes/],
    ['certificate length 2^24-1 in a small message', () => record(22, Buffer.concat([serverHello(), hsMsg(11, Buffer.concat([u24(5), u24(0xffffff), Buffer.of(1, 2)]))])), /overruns/],
    ['only zero-length records', () => Buffer.concat(Array.from({ length: 1000 }, () => record(22, []))), /before a ServerHello/],
    ['application data before any keys', () => Buffer.concat([record(22, []), record(23, [])]), /application data record/],
    ['plaintext alert', () => record(21, [2, 40]), /handshake_failure/],
    ['two HelloRetryRequests', () => fragment(Buffer.concat([serverHello(Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')), serverHello(Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'))]), 1000), /second HelloRetryRequest/],
    ['anonymous suite (ServerKeyExchange first)', () => fragment(Buffer.concat([serverHello(), hsMsg(12, Buffer.alloc(8))]), 1000), /anonymous/],
    ['not a ServerHello first', () => record(22, hsMsg(11, Buffer.alloc(3))), /expected ServerHello/],
    ['trailing bytes in Certificate', () => fragment(Buffer.concat([serverHello(), hsMsg(11, Buffer.concat([u24(0), Buffer.of(9)]))]), 1000), /after certificate_list/],
    ['101 certificates', () => fragment(Buffer.concat([serverHello(), certificate12(Array.from({ length: 101 }, () => Buffer.of(0x30, 0)))]), 16384), /more than 100/],
    ['over 1 MiB of certificates', () => fragment(Buffer.concat([serverHello(), certificate12([Buffer.alloc(600_000, 1), Buffer.alloc(600_000, 2)])]), 16384), /exceed 1048576 bytes/],
  ])('hostile: %s → null with reason', (_n, bytes, why) => {
    expect(parseServerFlight(bytes())).toEqual({ certificates: null, why: expect.stringMatching(why) });
  });

  it('zero-length handshake records are skipped; 100 certificates and an empty list are reported as sent', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => Buffer.of(0x30, 1, i));
    const zeros = Buffer.concat(Array.from({ length: 50 }, () => record(22, [])));
    const bytes = Buffer.concat([zeros, fragment(Buffer.concat([serverHello(), certificate12(hundred)]), 7)]);
    const r = parseServerFlight(bytes);
    expect(r.certificates?.length).toBe(100);
    expect(r.certificates?.every((c, i) => c.equals(hundred[i]!))).toBe(true);
    expect(parseServerFlight(fragment(Buffer.concat([serverHello(), certificate12([])]), 1000))).toEqual({ certificates: [] });
  });
});

describe('cost', () => {
  it('300 sequential TLS 1.3 handshakes: plain tls.connect vs. through the tap (logged, not asserted)', async () => {
    const srv = await startServer({ cert: chain.chainPem, key: chain.leaf.keyPem }, (s) => s.destroy());
    const base = { ca: [], rejectUnauthorized: false, servername: 'localhost', minVersion: 'TLSv1.3' as const };
    const plain = async (): Promise<void> => {
      const t = tls.connect({ host: '127.0.0.1', port: srv.port, ...base });
      await once(t, 'secureConnect');
      t.destroy();
    };
    const rawSocket = async (): Promise<void> => {
      const t = tls.connect({ socket: net.connect(srv.port, '127.0.0.1'), ...base });
      await once(t, 'secureConnect');
      t.destroy();
    };
    const tapped = async (): Promise<void> => {
      const tap = tapSocket(net.connect(srv.port, '127.0.0.1'));
      const t = tls.connect({ socket: tap.stream, ...base });
      tap.watch(t);
      await once(t, 'secureConnect');
      if (tap.finish(t).certificates?.length !== 2) throw new Error('tap did not read the chain');
      t.destroy();
    };
    const rate = async (fn: () => Promise<void>, n: number): Promise<number> => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await fn();
      return n / (Number(process.hrtime.bigint() - start) / 1e9);
    };
    try {
      for (const fn of [plain, rawSocket, tapped]) await rate(fn, 30); // warm-up
      const rates = { plain: 0, rawSocket: 0, tapped: 0 };
      for (let round = 0; round < 3; round++) {
        rates.plain += (await rate(plain, 100)) / 3;
        rates.rawSocket += (await rate(rawSocket, 100)) / 3;
        rates.tapped += (await rate(tapped, 100)) / 3;
      }
      console.log(
        `handshakes/s over 300 each: plain ${rates.plain.toFixed(0)}, socket: net.Socket ${rates.rawSocket.toFixed(0)}, ` +
          `tap ${rates.tapped.toFixed(0)}; tap/plain = ${(rates.tapped / rates.plain).toFixed(2)}`,
      );
    } finally {
      await srv.close();
    }
  }, 60_000);
});
