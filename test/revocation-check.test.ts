// The crl check's verdicts over plain RevocationInfo, and OCSP response decoding/request building on generated responses.
import { describe, it, expect, beforeAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { createChain, createRoot, issueLeaf, type Chain, type Issued } from '../src/pki/index.js';
import { runChecks } from '../src/checks/index.js';
import { decodeOcspResponse, buildOcspRequest } from '../src/revocation/ocsp.js';
import { children, readTlv, serialHex, content } from '../src/revocation/der.js';
import type { CertRevocation, CrlUrlResult, OcspInfo, RevocationInfo } from '../src/revocation/types.js';
import { buildOcspResponse } from './helpers/ocsp.js';
import { input, resultWith } from './helpers/result.js';

let pki: Chain;
let other: Issued;
beforeAll(async () => {
  pki = await createChain({ names: ['mail.example.test'], reuseKeys: true });
  other = await createRoot({ subject: 'CN=Other CA', reuseKeys: true });
});

const LEAF_URL = 'http://pki.example.test/int.crl';
const cert = (index: number, o: Partial<CertRevocation> = {}): CertRevocation => ({
  index, subject: index === 0 ? 'CN=mail.example.test' : 'CN=tlsprobe Test Intermediate CA, O=tlsprobe', serial: '01', issuer: 'CN=x',
  crlUrls: [LEAF_URL], deltaCrlUrls: [], ocspUrls: [], ...o,
});
const url = (o: Partial<CrlUrlResult> = {}): CrlUrlResult => ({
  url: LEAF_URL, certIndex: 0, certSubject: 'CN=mail.example.test', transport: 'http', reachable: true, status: 'ok', error: null,
  bytes: 500, fetchMs: 3, fromCache: false, encoding: 'der', thisUpdate: '2026-05-31T00:00:00.000Z', nextUpdate: '2026-06-07T00:00:00.000Z',
  crlNumber: '1', delta: false, entries: 0, revoked: null, ...o,
});
const noOcsp: OcspInfo = { stapled: false, staple: null, queried: [] };

function crl(certificates: CertRevocation[], crls: CrlUrlResult[], o: { ocsp?: OcspInfo; required?: boolean; check?: boolean; error?: string } = {}) {
  const result = resultWith([pki.leaf, pki.intermediate]);
  const revocation: RevocationInfo = { checkedAt: '2026-06-01T00:00:00.000Z', crlChecked: true, certificates, crls, ocsp: o.ocsp ?? noOcsp, error: o.error ?? null };
  result.revocation = revocation;
  return runChecks(input(result, { roots: [pki.root], crl: { check: o.check ?? true, required: o.required ?? true } })).find((c) => c.id === 'crl');
}

describe('crl check', () => {
  it('passes fresh, verified CRLs that do not list the certificate', () => {
    const c = crl([cert(0)], [url()]);
    expect(c).toMatchObject({ status: 'pass' });
    expect(c!.message).toContain(LEAF_URL);
  });

  it('fails a revoked certificate with date, reason and URL', () => {
    const c = crl([cert(0)], [url({ revoked: { serial: '01', revokedAt: '2026-05-01T08:00:00.000Z', reason: 'keyCompromise' } })]);
    expect(c).toMatchObject({ status: 'fail' });
    expect(c!.message).toBe(`leaf is revoked since 2026-05-01T08:00:00Z (keyCompromise) per CRL ${LEAF_URL}`);
  });

  it('fails stale, forged, foreign and unparseable CRLs; warns when one is about to go stale', () => {
    expect(crl([cert(0)], [url({ status: 'stale', nextUpdate: '2026-05-30T00:00:00.000Z' })])!.message).toMatch(/stale: nextUpdate 2026-05-30/);
    expect(crl([cert(0)], [url({ status: 'bad_signature', error: 'x' })])).toMatchObject({ status: 'fail' });
    expect(crl([cert(0)], [url({ status: 'wrong_issuer' })])).toMatchObject({ status: 'fail' });
    expect(crl([cert(0)], [url({ status: 'invalid', error: 'not a CRL' })])).toMatchObject({ status: 'fail' });
    expect(crl([cert(0)], [url({ status: 'expiring' })])).toMatchObject({ status: 'warn' });
  });

  it('fails an unavailable CDP when required, warns when not, and warns only when another CDP works', () => {
    const down = url({ status: 'unreachable', reachable: false, error: 'connection refused (ECONNREFUSED)' });
    expect(crl([cert(0)], [down])!.message).toBe(`CRL ${LEAF_URL} unreachable: connection refused (ECONNREFUSED)`);
    expect(crl([cert(0)], [down])).toMatchObject({ status: 'fail' });
    expect(crl([cert(0)], [down], { required: false })).toMatchObject({ status: 'warn' });
    const ldap = url({ url: 'ldap:///CN=CA', transport: 'ldap', status: 'not_configured', reachable: false, error: 'no ldap' });
    const both = crl([cert(0, { crlUrls: ['ldap:///CN=CA', LEAF_URL] })], [ldap, url()]);
    expect(both).toMatchObject({ status: 'warn' });
    expect(both!.message).toMatch(/^CRL ldap:\/\/\/CN=CA not configured: no ldap \(another source works\)$/);
  });

  it('warns about a certificate without CDP unless it names an OCSP responder', () => {
    expect(crl([cert(0, { crlUrls: [] })], [])).toMatchObject({ status: 'warn', message: expect.stringMatching(/no CRL distribution point and no OCSP URL/) });
    expect(crl([cert(0, { crlUrls: [], ocspUrls: ['http://ocsp.example.test'] })], [])).toMatchObject({ status: 'pass' });
  });

  it('judges OCSP: stapled revoked fails, stapled good passes, a dead responder counts like a dead CDP', () => {
    const staple = { responseStatus: 'successful', producedAt: null, thisUpdate: null, nextUpdate: null, revokedAt: null, reason: null, signature: 'valid' as const, error: null };
    const revoked = crl([cert(0)], [url()], { ocsp: { stapled: true, staple: { ...staple, certStatus: 'revoked', revokedAt: '2026-05-02T00:00:00.000Z', reason: 'superseded' }, queried: [] } });
    expect(revoked).toMatchObject({ status: 'fail', message: 'stapled OCSP response says the leaf is revoked since 2026-05-02T00:00:00Z (superseded)' });
    expect(crl([cert(0)], [url()], { ocsp: { stapled: true, staple: { ...staple, certStatus: 'good' }, queried: [] } })!.message).toMatch(/OCSP staple good/);
    const dead = { url: 'http://127.0.0.1:9/ocsp', reachable: false, status: 'unreachable' as const, error: 'refused', fetchMs: 1, response: null };
    expect(crl([cert(0, { crlUrls: [] })], [], { ocsp: { stapled: false, staple: null, queried: [dead] } })).toMatchObject({ status: 'fail', message: 'OCSP responder http://127.0.0.1:9/ocsp unreachable: refused' });
  });

  it('is absent when turned off, and a gathering bug is a warning, not an exception', () => {
    expect(crl([cert(0)], [url()], { check: false })).toBeUndefined();
    expect(crl([cert(0)], [], { error: 'internal error while gathering revocation data: x' })).toMatchObject({ status: 'warn' });
  });
});

describe('OCSP', () => {
  const certs = () => ({ leaf: new X509Certificate(pki.leaf.der), issuer: new X509Certificate(pki.intermediate.der) });

  it('decodes good, revoked and unknown answers and checks the signature', async () => {
    const good = await decodeOcspResponse(buildOcspResponse({ issuer: pki.intermediate, leaf: pki.leaf, status: 'good' }), certs());
    expect(good).toMatchObject({ responseStatus: 'successful', certStatus: 'good', signature: 'valid', error: null });
    const revokedAt = new Date('2026-04-01T12:00:00Z');
    const revoked = await decodeOcspResponse(buildOcspResponse({ issuer: pki.intermediate, leaf: pki.leaf, status: 'revoked', revokedAt, reason: 1 }), certs());
    expect(revoked).toMatchObject({ certStatus: 'revoked', revokedAt: revokedAt.toISOString(), reason: 'keyCompromise', signature: 'valid' });
    expect((await decodeOcspResponse(buildOcspResponse({ issuer: pki.intermediate, leaf: pki.leaf, status: 'unknown' }), certs())).certStatus).toBe('unknown');
    const forged = await decodeOcspResponse(buildOcspResponse({ issuer: pki.intermediate, leaf: pki.leaf, status: 'good', signer: other }), certs());
    expect(forged.signature).toBe('invalid');
  });

  it('accepts a delegated responder, reports error statuses and answers for other certificates', async () => {
    const responder = await issueLeaf(pki.intermediate, { subject: 'CN=OCSP Responder', eku: ['1.3.6.1.5.5.7.3.9'], reuseKeys: true });
    const delegated = buildOcspResponse({ issuer: pki.intermediate, leaf: pki.leaf, status: 'good', signer: responder, certs: [responder] });
    expect((await decodeOcspResponse(delegated, certs())).signature).toBe('valid');
    expect(await decodeOcspResponse(buildOcspResponse({ issuer: pki.intermediate, leaf: pki.leaf, status: 'good', responseStatus: 3 }), certs())).toMatchObject({ responseStatus: 'tryLater', certStatus: null });
    const someoneElse = await issueLeaf(pki.intermediate, { subject: 'CN=other.example.test', reuseKeys: true });
    const wrong = await decodeOcspResponse(buildOcspResponse({ issuer: pki.intermediate, leaf: someoneElse, status: 'good' }), certs());
    expect(wrong).toMatchObject({ certStatus: null, error: expect.stringMatching(/no answer for this certificate/) });
    expect(await decodeOcspResponse(Buffer.from('nonsense'), certs())).toMatchObject({ responseStatus: 'unparseable' });
  });

  it('never throws on a damaged response: the damage is reported as data', async () => {
    const der = buildOcspResponse({ issuer: pki.intermediate, leaf: pki.leaf, status: 'revoked', reason: 1 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 255 }), async (pos, byte) => {
        const copy = Buffer.from(der);
        copy[pos] = byte;
        const info = await decodeOcspResponse(copy, certs());
        // Damage is a DER finding, never an exception from inside the decoder.
        expect(info.error ?? '').not.toMatch(/^decoder error/);
        if (info.certStatus !== null) expect(['valid', 'invalid']).toContain(info.signature);
      }),
      { numRuns: 500 },
    );
  });

  it('builds an OCSPRequest whose CertID carries the leaf serial', () => {
    const req = buildOcspRequest(certs().leaf, certs().issuer);
    const certId = readTlv(req, readTlv(req, readTlv(req, readTlv(req, 2).body).body).body);
    const serial = children(req, certId)[3]!;
    expect(serialHex(content(req, serial))).toBe(pki.leaf.serial);
  });
});
