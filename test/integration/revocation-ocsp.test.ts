// End to end through runTarget: OCSP responses stapled by a Node TLS server, and an in-process HTTP OCSP responder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import * as tls from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntermediate, createRoot, issueLeaf, type Issued } from '../../src/pki/index.js';
import { parseConfig, resolveTargets } from '../../src/config/index.js';
import { runTarget } from '../../src/run/execute.js';
import { CrlCache } from '../../src/revocation/cache.js';
import { children, content, readTlv, serialHex } from '../../src/revocation/der.js';
import { buildOcspResponse, type OcspSpec } from '../helpers/ocsp.js';
import { closedPort } from '../helpers/scripted.js';

let dir: string;
let ca: Issued;
let responder: Server;
let ocspBase: string;
const requests: Array<{ path: string; type: string | undefined; serial: string }> = [];
const answers = new Map<string, Buffer>();
const closers: Array<() => Promise<void>> = [];
const urls: Record<string, string> = {};
const leaves: Record<string, Issued> = {};

/** A TLS endpoint whose leaf names `ocspUrl` in its AIA and which staples `staple` when asked (RFC 6066 §8). */
async function endpoint(name: string, ocspUrl: string, staple?: Omit<OcspSpec, 'issuer' | 'leaf'>): Promise<void> {
  const leaf = await issueLeaf(ca, { subject: 'CN=mail.example.test', names: ['mail.example.test'], ocspUrls: [ocspUrl], reuseKeys: true });
  leaves[name] = leaf;
  const der = staple ? buildOcspResponse({ issuer: ca, leaf, ...staple }) : null;
  const server = tls.createServer({ cert: leaf.certPem + ca.certPem, key: leaf.keyPem });
  if (der) server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp?: Buffer) => void) => cb(null, der));
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))));
  urls[name] = `tls://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function probe(name: string, extra = '') {
  const text = `defaults: { ca: root.pem, system_ca: false }\ntargets:\n  - name: ${name}\n    url: ${urls[name]}\n${extra}`;
  const r = await runTarget(resolveTargets(parseConfig(text, join(dir, 'targets.yaml')))[0]!, { crlCache: new CrlCache() });
  expect(r.error).toBeNull();
  return { r, check: r.checks.find((c) => c.id === 'crl')!, ocsp: r.revocation!.ocsp };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlsprobe-revocation-ocsp-'));
  const root = await createRoot({ subject: 'CN=OCSP Test Root', reuseKeys: true });
  ca = await createIntermediate(root, { subject: 'CN=OCSP Test CA', ocspUrls: ['http://127.0.0.1:9/root-ocsp'], reuseKeys: true });
  await writeFile(join(dir, 'root.pem'), root.certPem);
  responder = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // OCSPRequest -> TBSRequest -> requestList -> Request -> CertID -> serialNumber
      let t = readTlv(body, 0);
      for (let i = 0; i < 4; i++) t = readTlv(body, t.body);
      requests.push({ path: req.url ?? '', type: req.headers['content-type'], serial: serialHex(content(body, children(body, t)[3]!)) });
      const answer = answers.get(req.url ?? '');
      if (answer) res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(answer);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => responder.listen(0, '127.0.0.1', r));
  ocspBase = `http://127.0.0.1:${(responder.address() as AddressInfo).port}`;
  const closed = await closedPort();
  await Promise.all([
    endpoint('stapled-good', `${ocspBase}/none`, { status: 'good' }),
    endpoint('stapled-revoked', `${ocspBase}/none`, { status: 'revoked', revokedAt: new Date('2026-02-03T04:05:06Z'), reason: 1 }),
    endpoint('no-staple', `${ocspBase}/none`),
    endpoint('query-good', `${ocspBase}/good`),
    endpoint('query-revoked', `${ocspBase}/revoked`),
    endpoint('query-down', `http://127.0.0.1:${closed}/ocsp`),
  ]);
  answers.set('/good', buildOcspResponse({ issuer: ca, leaf: leaves['query-good']!, status: 'good' }));
  answers.set('/revoked', buildOcspResponse({ issuer: ca, leaf: leaves['query-revoked']!, status: 'revoked', reason: 4 }));
}, 60_000);

afterAll(async () => {
  await Promise.all([...closers.map((c) => c()), new Promise<void>((r) => (responder ? responder.close(() => r()) : r()))]);
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('stapled OCSP', () => {
  it('decodes a stapled good response and passes', async () => {
    const { r, check, ocsp } = await probe('stapled-good');
    expect(r.tls).toMatchObject({ ocspStapled: true });
    expect(ocsp.staple).toMatchObject({ responseStatus: 'successful', certStatus: 'good', signature: 'valid' });
    expect(ocsp.staple!.nextUpdate).not.toBeNull();
    expect(check).toMatchObject({ status: 'pass', message: expect.stringContaining('OCSP staple good') });
  });

  it('fails a stapled revoked response, with date and reason', async () => {
    const { check } = await probe('stapled-revoked');
    expect(check).toMatchObject({ status: 'fail', message: 'stapled OCSP response says the leaf is revoked since 2026-02-03T04:05:06Z (keyCompromise)' });
  });

  it('records that nothing was stapled, and queries no responder unless asked to', async () => {
    const before = requests.length;
    const { ocsp, check } = await probe('no-staple');
    expect(ocsp).toEqual({ stapled: false, staple: null, queried: [] });
    expect(check.status).toBe('pass');
    expect(requests.length).toBe(before);
  });
});

describe('ocsp.query', () => {
  it('POSTs an RFC 6960 request for the leaf to its AIA responder and reports the answer', async () => {
    const { check, ocsp } = await probe('query-good', '    ocsp: { query: true }\n');
    expect(ocsp.queried).toEqual([expect.objectContaining({ url: `${ocspBase}/good`, status: 'ok', reachable: true, response: expect.objectContaining({ certStatus: 'good', signature: 'valid' }) })]);
    expect(requests.at(-1)).toEqual({ path: '/good', type: 'application/ocsp-request', serial: leaves['query-good']!.serial });
    expect(check.status).toBe('pass');
  });

  it('fails when the responder says revoked, and when it cannot be reached', async () => {
    const revoked = await probe('query-revoked', '    ocsp: { query: true }\n');
    expect(revoked.check).toMatchObject({ status: 'fail', message: `OCSP responder ${ocspBase}/revoked says the leaf is revoked since ${revoked.ocsp.queried[0]!.response!.revokedAt!.replace('.000Z', 'Z')} (superseded)` });
    const down = await probe('query-down', '    ocsp: { query: true, timeout: 2s }\n');
    expect(down.ocsp.queried[0]).toMatchObject({ status: 'unreachable', reachable: false });
    expect(down.check).toMatchObject({ status: 'fail', message: expect.stringMatching(/^OCSP responder http:\/\/127\.0\.0\.1:\d+\/ocsp unreachable: connection refused/) });
    expect((await probe('query-down', '    ocsp: { query: true }\n    crl: { required: false }\n')).check.status).toBe('warn');
  });
});
