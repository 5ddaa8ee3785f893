// End to end through runTarget: TLS endpoints whose CDPs point at a real nginx serving CRLs over plain HTTP.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx, type NginxInstance } from '../harness/nginx.js';
import { createCrl, createIntermediate, createRoot, issueLeaf, type Issued } from '../../src/pki/index.js';
import { startHttpsServer, startMailServer, type RunningServer } from '../../src/demo/mail-server.js';
import { parseConfig, resolveTargets, type ResolvedTarget } from '../../src/config/index.js';
import { runTarget, runTargets } from '../../src/run/execute.js';
import { CrlCache } from '../../src/revocation/cache.js';
import { closedPort, scripted, type Scripted } from '../helpers/scripted.js';

const DAY = 86_400_000;
const REVOKED_SERIAL = '0BADC0DE01';
const REVOKED_AT = new Date('2026-01-15T09:30:00Z');
let nginx: NginxInstance;
let http: string;
let dir: string;
let root: Issued;
let ca: Issued;
const servers: RunningServer[] = [];
/** A CDP host that accepts connections and never answers: a fetch can only end by its timeout. */
let silent: Scripted;
/** HTTP requests it received (undici also opens a spare connection after an aborted request, which sends nothing). */
let silentRequests = 0;
const urls: Record<string, string> = {};

async function publish(name: string, body: Buffer | string): Promise<void> {
  await writeFile(join(nginx.dir, 'html', 'crl', name), body, { mode: 0o644 });
}

/** A leaf with these CDP/OCSP URLs, served by an in-process endpoint (SMTP for one, HTTPS for the rest). */
async function endpoint(name: string, spec: { crl?: string[]; ocsp?: string[]; delta?: string[]; serial?: string; smtp?: boolean }): Promise<void> {
  const leaf = await issueLeaf(ca, { subject: 'CN=mail.example.test', names: ['mail.example.test', '127.0.0.1'], crlUrls: spec.crl, ocspUrls: spec.ocsp, freshestCrlUrls: spec.delta, serial: spec.serial, reuseKeys: true });
  const tls = { cert: leaf.certPem + ca.certPem, key: leaf.keyPem };
  const s = spec.smtp ? await startMailServer({ protocol: 'smtp', ...tls }) : await startHttpsServer(tls);
  servers.push(s);
  urls[name] = `${spec.smtp ? 'smtp' : 'https'}://127.0.0.1:${s.port}`;
}

function target(name: string, extra = ''): ResolvedTarget {
  const text = `defaults: { ca: root.pem, system_ca: false }\ntargets:\n  - name: ${name}\n    url: ${urls[name]}\n${extra}`;
  return resolveTargets(parseConfig(text, join(dir, 'targets.yaml')))[0]!;
}

async function crlCheck(name: string, extra = '') {
  const r = await runTarget(target(name, extra), { crlCache: new CrlCache() });
  expect(r.error).toBeNull();
  return { check: r.checks.find((c) => c.id === 'crl'), revocation: r.revocation! };
}

beforeAll(async () => {
  nginx = await startNginx({ plainHttp: true, staticFiles: { '/crl/.keep': '' } });
  await mkdir(join(nginx.dir, 'html', 'crl'), { recursive: true, mode: 0o755 });
  http = `http://127.0.0.1:${nginx.httpPort}/crl`;
  dir = await mkdtemp(join(tmpdir(), 'tlsprobe-revocation-'));
  root = await createRoot({ subject: 'CN=Revocation Test Root', reuseKeys: true });
  ca = await createIntermediate(root, { subject: 'CN=Revocation Test CA', crlUrls: [`${http}/root.crl`], reuseKeys: true });
  const other = await createRoot({ subject: 'CN=Someone Else', reuseKeys: true });
  await writeFile(join(dir, 'root.pem'), root.certPem);
  const int = await createCrl(ca, { entries: [{ serial: REVOKED_SERIAL, revoked: REVOKED_AT, reason: 1 }] });
  await publish('root.crl', (await createCrl(root)).der);
  await publish('int.crl', int.der);
  await publish('int.pem', int.pem);
  await publish('shared.crl', int.der);
  await publish('stale.crl', (await createCrl(ca, { thisUpdate: new Date(Date.now() - 10 * DAY), nextUpdate: new Date(Date.now() - DAY) })).der);
  await publish('badsig.crl', (await createCrl(ca, { signer: other })).der);
  const closed = await closedPort();
  silent = await scripted((socket) => socket.once('data', () => silentRequests++));
  await Promise.all([
    endpoint('silent', { crl: [`http://127.0.0.1:${silent.port}/crl/int.crl`] }),
    endpoint('good', { crl: [`${http}/int.crl`], smtp: true }),
    endpoint('revoked', { crl: [`${http}/int.crl`], serial: REVOKED_SERIAL }),
    endpoint('stale', { crl: [`${http}/stale.crl`] }),
    endpoint('badsig', { crl: [`${http}/badsig.crl`] }),
    endpoint('unreachable', { crl: [`http://127.0.0.1:${closed}/crl/int.crl`] }),
    endpoint('pem', { crl: [`${http}/int.pem`], delta: [`${http}/delta.crl`] }),
    endpoint('shared', { crl: [`${http}/shared.crl`] }),
    endpoint('later', { crl: [`${http}/later.crl`] }),
    endpoint('nocdp', {}),
    endpoint('ocsponly', { ocsp: ['http://127.0.0.1:9/ocsp'] }),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all([nginx?.stop(), silent?.close(), ...servers.map((s) => s.close())]);
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('crl check against CRLs served by nginx', () => {
  it('passes a good certificate with fresh CRLs for leaf and intermediate (over SMTP STARTTLS)', async () => {
    const { check, revocation } = await crlCheck('good');
    expect(check).toMatchObject({ status: 'pass' });
    expect(check!.message).toContain(`${http}/int.crl`);
    expect(revocation.crls.map((u) => [u.url, u.status, u.certIndex])).toEqual([[`${http}/int.crl`, 'ok', 0], [`${http}/root.crl`, 'ok', 1]]);
    expect(revocation.crls[0]).toMatchObject({ reachable: true, entries: 1, revoked: null, encoding: 'der', crlNumber: '1', fromCache: false });
    expect(revocation.crls[0]!.bytes).toBeGreaterThan(100);
  });

  it('a revoked, a stale-CRL and an unreachable-CDP endpoint each fail with a one-line reason naming the URL', async () => {
    const revoked = (await crlCheck('revoked')).check!;
    expect(revoked.status).toBe('fail');
    expect(revoked.message).toBe(`leaf is revoked since 2026-01-15T09:30:00Z (keyCompromise) per CRL ${http}/int.crl`);
    const stale = (await crlCheck('stale')).check!;
    expect(stale.status).toBe('fail');
    expect(stale.message).toMatch(new RegExp(`^CRL ${http}/stale\\.crl is stale: nextUpdate \\S+ has passed$`));
    const { check: down, revocation } = await crlCheck('unreachable');
    expect(down!.status).toBe('fail');
    expect(down!.message).toMatch(/^CRL http:\/\/127\.0\.0\.1:\d+\/crl\/int\.crl unreachable: connection refused \(ECONNREFUSED\)$/);
    expect(revocation.crls[0]).toMatchObject({ reachable: false, status: 'unreachable', bytes: null });
    for (const c of [revoked, stale, down!]) expect(c.message).not.toContain('\n');
  });

  it('fails a CRL signed by another key', async () => {
    const { check, revocation } = await crlCheck('badsig');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining(`CRL ${http}/badsig.crl is not signed by the issuer of leaf`) });
    expect(revocation.crls[0]!.status).toBe('bad_signature');
  });

  it('reads PEM CRLs like DER ones, and lists delta CRLs (Freshest CRL) without fetching them', async () => {
    const { check, revocation } = await crlCheck('pem');
    expect(check!.status).toBe('pass');
    expect(revocation.crls[0]).toMatchObject({ encoding: 'pem', status: 'ok', entries: 1 });
    expect(revocation.certificates[0]!.deltaCrlUrls).toEqual([`${http}/delta.crl`]);
    expect(check!.message).toContain(`leaf names delta CRL(s) ${http}/delta.crl (not fetched)`);
  });

  it('warns instead of failing with `required: false`, and runs no crl check with `check: false`', async () => {
    expect((await crlCheck('unreachable', '    crl: { required: false }\n')).check).toMatchObject({ status: 'warn' });
    const off = await runTarget(target('unreachable', '    crl: { check: false }\n'), { crlCache: new CrlCache() });
    expect(off.checks.map((c) => c.id)).not.toContain('crl');
    expect(off.revocation!.crls).toEqual([]);
  });

  it('warns about a leaf without CDP, unless it names an OCSP responder', async () => {
    const none = (await crlCheck('nocdp')).check!;
    expect(none.status).toBe('warn');
    expect(none.message).toBe('leaf has no CRL distribution point and no OCSP URL: peers cannot check its revocation');
    expect((await crlCheck('ocsponly')).check).toMatchObject({ status: 'pass', message: expect.stringContaining('OCSP only') });
  });

  it('fetches a CRL shared by many targets once (nginx access log), concurrently and then from the cache', async () => {
    const count = async (path: string) => (await nginx.accessLog()).filter((l) => l.includes(`GET /crl/${path} `)).length;
    const before = await count('shared.crl');
    const cache = new CrlCache();
    const many = Array.from({ length: 6 }, (_, i) => ({ ...target('shared'), name: `shared-${i}` }));
    const results = await runTargets(many, { concurrency: 6, crlCache: cache });
    expect(results.map((r) => r.checks.find((c) => c.id === 'crl')?.status)).toEqual(Array(6).fill('pass'));
    await runTargets(many, { concurrency: 6, crlCache: cache });
    expect((await count('shared.crl')) - before).toBe(1);
    expect(cache.stats()).toMatchObject({ size: 2, misses: 2, downloads: 2, hits: 22 });
  });

  it('remembers a failed fetch for the retry interval; the first probe after it tries again', async () => {
    // Long enough for the second probe to come within it on a loaded machine.
    const cache = new CrlCache(512, 1_500);
    const first = await runTarget(target('later'), { crlCache: cache });
    expect(first.revocation!.crls[0]).toMatchObject({ status: 'not_found', error: 'HTTP 404', reachable: true, fromCache: false });
    await publish('later.crl', (await createCrl(ca)).der);
    const second = await runTarget(target('later'), { crlCache: cache });
    expect(second.revocation!.crls[0]).toMatchObject({ status: 'not_found', error: 'HTTP 404', fromCache: true });
    await new Promise((r) => setTimeout(r, 1_600));
    const third = await runTarget(target('later'), { crlCache: cache });
    expect(third.revocation!.crls[0]).toMatchObject({ status: 'ok', fromCache: false });
    expect((await nginx.accessLog()).filter((l) => l.includes('GET /crl/later.crl ')).length).toBe(2);
  });

  it('a CDP that never answers costs one timeout, not one per wave of probes', async () => {
    const before = silentRequests;
    const many = Array.from({ length: 8 }, (_, i) => ({ ...target('silent', '    crl: { timeout: 300ms }\n'), name: `silent-${i}` }));
    // Concurrency 2: four waves. Each used to wait out the timeout and send the CDP a request of its own.
    const results = await runTargets(many, { concurrency: 2, crlCache: new CrlCache() });
    const crls = results.map((r) => r.revocation!.crls[0]!);
    expect(crls.map((c) => c.status)).toEqual(Array(8).fill('unreachable'));
    expect(results.map((r) => r.checks.find((c) => c.id === 'crl')?.status)).toEqual(Array(8).fill('fail'));
    // The three waves after the first start once it has failed: answered from memory.
    expect(crls.filter((c) => c.fromCache).length).toBeGreaterThanOrEqual(6);
    expect(silentRequests - before).toBe(1);
  });

  it('a stale CRL (its CA stopped publishing) is downloaded once, not by every wave of probes', async () => {
    const count = async () => (await nginx.accessLog()).filter((l) => l.includes('GET /crl/stale.crl ')).length;
    const before = await count();
    const many = Array.from({ length: 8 }, (_, i) => ({ ...target('stale'), name: `stale-${i}` }));
    const results = await runTargets(many, { concurrency: 2, crlCache: new CrlCache() });
    expect(results.map((r) => r.revocation!.crls[0]!.status)).toEqual(Array(8).fill('stale'));
    expect(results.map((r) => r.checks.find((c) => c.id === 'crl')?.status)).toEqual(Array(8).fill('fail'));
    expect((await count()) - before).toBe(1);
  });
});
