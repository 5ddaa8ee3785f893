// Results of repeat probes share one frozen CertInfo list per distinct chain, and checks remember
// verdicts by it: what is shared must be exactly the chain sent, and a remembered verdict must
// still follow the clock and the trust store.
import { describe, it, expect, beforeAll } from 'vitest';
import { createChain, createRoot, type Chain } from '../src/pki/index.js';
import { chainInfos } from '../src/x509/cert-info.js';
import { runChecks } from '../src/checks/index.js';
import { buildStore } from '../src/checks/trust.js';
import type { CertInfo, ProbeResult } from '../src/probe/result.js';
import { resultWith, input } from './helpers/result.js';
import { gatherRevocation } from '../src/revocation/gather.js';
import { DEFAULT_CRL, DEFAULT_OCSP } from '../src/revocation/settings.js';
import { CrlCache } from '../src/revocation/cache.js';

let pki: Chain;
beforeAll(async () => {
  pki = await createChain({ names: ['mail.example.test'], reuseKeys: true });
});

const shared = (ders: Buffer[]): ProbeResult => ({ ...resultWith([]), chain: chainInfos(ders) as CertInfo[] });

describe('shared chains', () => {
  it('hands back the same frozen list for the same certificates, and a new one when any certificate differs', async () => {
    const a = chainInfos([pki.leaf.der, pki.intermediate.der]);
    expect(chainInfos([Buffer.from(pki.leaf.der), Buffer.from(pki.intermediate.der)])).toBe(a);
    expect(Object.isFrozen(a) && a.every((c) => Object.isFrozen(c))).toBe(true);
    expect(a.map((c) => c.index)).toEqual([0, 1]);
    // Same leaf, another certificate after it.
    const other = await createRoot({ subject: 'CN=Unrelated Root', reuseKeys: true });
    const b = chainInfos([pki.leaf.der, other.der]);
    expect(b).not.toBe(a);
    expect(b[1]!.subject).toContain('Unrelated Root');
    expect(chainInfos([pki.leaf.der])).not.toBe(a);
    // One leaf sent with either of two certificates after it (a cross-signed CA): both stay remembered.
    expect(chainInfos([pki.leaf.der, pki.intermediate.der])).toBe(a);
    expect(chainInfos([pki.leaf.der, other.der])).toBe(b);
  });

  it('is not fooled by a certificate that ends like a known one: the bytes are compared', () => {
    const known = chainInfos([pki.leaf.der, pki.intermediate.der]);
    // A forgery with the leaf's length and signature, one byte of its name changed.
    const forged = Buffer.from(pki.leaf.der);
    const at = forged.lastIndexOf(Buffer.from('mail.example.test'));
    expect(at).toBeGreaterThan(0);
    forged[at] = 'n'.charCodeAt(0);
    const seen = chainInfos([forged, pki.intermediate.der]);
    expect(seen).not.toBe(known);
    expect(seen[0]!.sha256).not.toBe(known[0]!.sha256);
    expect(seen[0]!.san.dns.concat(seen[0]!.subject)).toContain('nail.example.test');
  });

  it('a remembered chain verdict follows the clock: valid, expired a second after the leaf ends, valid again', () => {
    const result = shared([pki.leaf.der, pki.intermediate.der]);
    const trust = buildStore([pki.root.certPem]);
    const chainAt = (now: number) => runChecks(input(result, { trust, now })).find((c) => c.id === 'chain')!;
    const now = Date.now();
    expect(chainAt(now).status).toBe('pass');
    expect(chainAt(now).status).toBe('pass');
    const ended = Date.parse(result.chain[0]!.notAfter) + 1000;
    const late = chainAt(ended);
    expect(late.status).toBe('fail');
    expect(late.message).toContain('expired');
    const early = chainAt(Date.parse(result.chain[0]!.notBefore) - 1000);
    expect(early.message).toContain('not valid before');
    expect(chainAt(now).status).toBe('pass');
  });

  it('a remembered chain verdict is per trust store', () => {
    const result = shared([pki.leaf.der, pki.intermediate.der]);
    const chainWith = (roots: string[]) => runChecks(input(result, { trust: buildStore(roots) })).find((c) => c.id === 'chain')!;
    expect(chainWith([pki.root.certPem]).status).toBe('pass');
    expect(chainWith([]).status).toBe('fail');
    expect(chainWith([pki.root.certPem]).status).toBe('pass');
  });

  it('remembered name and EKU verdicts are per expected names and key exchange', () => {
    const result = shared([pki.leaf.der, pki.intermediate.der]);
    const run = (names: string[], cipher = 'TLS_AES_128_GCM_SHA256', eku?: string[]) =>
      runChecks(input({ ...result, tls: { ...result.tls!, cipher: { name: cipher, standardName: cipher, version: 'TLSv1.3' } } }, { expect: { names, ...(eku ? { eku } : {}) } }));
    const verdict = (checks: ReturnType<typeof run>, id: string) => checks.find((c) => c.id === id)!.status;
    expect(verdict(run(['mail.example.test']), 'name')).toBe('pass');
    expect(verdict(run(['other.example.test']), 'name')).toBe('fail');
    expect(verdict(run(['mail.example.test']), 'eku')).toBe('pass');
    expect(verdict(run(['mail.example.test'], 'TLS_AES_128_GCM_SHA256', ['1.3.6.1.5.5.7.3.2']), 'eku')).toBe('fail');
    expect(verdict(run(['mail.example.test']), 'eku')).toBe('pass');
  });

  it("remembered revocation links are per trust store: the anchor signs the last certificate's CRLs", async () => {
    // The leaf alone: with the intermediate as an anchor it has an issuer, with the root alone none.
    const result = shared([pki.leaf.der]);
    const settings = { crl: { ...DEFAULT_CRL, check: false }, ocsp: DEFAULT_OCSP, ldap: null };
    const issuerWith = async (roots: string[]) =>
      (await gatherRevocation(result, { trust: buildStore(roots), settings, cache: new CrlCache(), now: Date.now() })).certificates[0]!.issuer;
    expect(await issuerWith([pki.intermediate.certPem])).toContain('Intermediate');
    expect(await issuerWith([pki.root.certPem])).toBeNull();
    expect(await issuerWith([pki.intermediate.certPem])).toContain('Intermediate');
  });
});
