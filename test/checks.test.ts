// Every certificate failure mode the checks name, on chains generated in the test.
import { describe, it, expect, beforeAll } from 'vitest';
import { createChain, createRoot, createIntermediate, issueLeaf, createSelfSigned, type Chain, type Issued } from '../src/pki/index.js';
import { runChecks, applyChecks } from '../src/checks/index.js';
import { resultWith, input } from './helpers/result.js';
import { chainInfos } from '../src/x509/cert-info.js';
import { buildStore } from '../src/checks/trust.js';
import type { CertInfo } from '../src/probe/result.js';

const DAY = 86_400_000;
const NAMES = ['mail.example.test'];
let pki: Chain;

beforeAll(async () => {
  pki = await createChain({ names: NAMES, reuseKeys: true });
});

function check(id: string, presented: Issued[], o: Parameters<typeof input>[1] = {}, r?: Parameters<typeof resultWith>[1]) {
  const found = runChecks(input(resultWith(presented, r), { roots: [pki.root], ...o })).find((c) => c.id === id);
  if (!found) throw new Error(`check ${id} did not run`);
  // The agent's results share one frozen chain per distinct chain, and some checks remember their
  // verdicts per chain or leaf: judged twice that way (computed, then remembered), it must agree.
  // One store for both runs, as the agent's per-target store is (the memo is per store).
  const trust = o.trust ?? buildStore((o.roots ?? [pki.root]).map((c) => c.certPem));
  for (let i = 0; i < 2; i++) {
    const shared = { ...resultWith(presented, r), chain: chainInfos(presented.map((c) => c.der)) as CertInfo[] };
    expect(runChecks(input(shared, { ...o, trust })).find((c) => c.id === id)).toEqual(found);
  }
  return found;
}

const leafFrom = (spec: Parameters<typeof issueLeaf>[1]) => issueLeaf(pki.intermediate, { reuseKeys: true, ...spec });

describe('chain', () => {
  it('passes a complete chain to a trusted root', () => {
    const c = check('chain', [pki.leaf, pki.intermediate]);
    expect(c.status).toBe('pass');
    expect(c.details.trusted).toBe(true);
    expect(c.details.order).toBe('ok');
  });

  it('fails a missing intermediate, naming the issuer and the AIA URL', async () => {
    const leaf = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, caIssuersUrls: ['http://pki.example.test/int.crt'] });
    const c = check('chain', [leaf]);
    expect(c.status).toBe('fail');
    expect(c.message).toContain('missing intermediate');
    expect(c.message).toContain('tlsprobe Test Intermediate CA');
    expect(c.message).toContain('http://pki.example.test/int.crt');
    expect(c.details.missingIssuer).toContain('tlsprobe Test Intermediate CA');
  });

  it('fails an untrusted (self-signed) certificate and passes it when its root is given', async () => {
    const self = await createSelfSigned({ subject: 'CN=Microsoft Exchange', names: NAMES, reuseKeys: true });
    expect(check('chain', [self]).status).toBe('fail');
    expect(check('chain', [self], { roots: [self] }).status).toBe('pass');
  });

  it('warns about the wrong order, duplicates and unneeded extras; notes the root sent along', async () => {
    const other = await createRoot({ subject: 'CN=Unrelated Root', reuseKeys: true });
    const misplaced = check('chain', [pki.leaf, pki.root, pki.intermediate]);
    expect(misplaced.details.order).toBe('wrong');
    expect(misplaced.details.rootSent).toBe(true);
    const wrong = await createIntermediate(pki.intermediate, { subject: 'CN=Sub CA', reuseKeys: true });
    const deep = await issueLeaf(wrong, { subject: 'CN=mail.example.test', names: NAMES, reuseKeys: true });
    const c = check('chain', [deep, pki.intermediate, wrong]);
    expect(c.status).toBe('warn');
    expect(c.details.order).toBe('wrong');
    const dup = check('chain', [pki.leaf, pki.intermediate, pki.intermediate]);
    expect(dup.status).toBe('warn');
    expect(dup.details.duplicates).toHaveLength(1);
    const extra = check('chain', [pki.leaf, pki.intermediate, other]);
    expect(extra.status).toBe('warn');
    expect(extra.details.extras).toEqual(['CN=Unrelated Root']);
    const rooted = check('chain', [pki.leaf, pki.intermediate, pki.root]);
    expect(rooted.status).toBe('pass');
    expect(rooted.details.rootSent).toBe(true);
  });

  it('says when the order could not be checked', () => {
    const c = check('chain', [pki.leaf, pki.intermediate], {}, { chainSource: 'reconstructed' });
    expect(c.details.order).toBe('not_checked');
    expect(c.message).toContain('order not checked');
  });

  it('fails a SHA-1 signature below the root and a 1024-bit RSA key', async () => {
    const sha1 = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, hash: 'SHA-1' });
    expect(check('chain', [sha1, pki.intermediate]).message).toMatch(/weak algorithm/);
    const small = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, key: { type: 'rsa', bits: 1024 } });
    expect(check('chain', [small, pki.intermediate]).message).toMatch(/1024-bit RSA/);
  });

  it('fails an expired intermediate in the path', async () => {
    const old = await createIntermediate(pki.root, { subject: 'CN=Old Issuing CA', notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY), reuseKeys: true });
    const leaf = await issueLeaf(old, { subject: 'CN=mail.example.test', names: NAMES, reuseKeys: true });
    const c = check('chain', [leaf, old]);
    expect(c.status).toBe('fail');
    expect(c.message).toContain('"CN=Old Issuing CA" expired');
  });
});

describe('expiry', () => {
  it('passes, warns under 30 days, fails under 7, fails expired and not-yet-valid', async () => {
    const mk = (from: number, to: number) => leafFrom({ subject: 'CN=mail.example.test', names: NAMES, notBefore: new Date(Date.now() + from * DAY), notAfter: new Date(Date.now() + to * DAY) });
    expect(check('expiry', [await mk(-1, 200), pki.intermediate]).status).toBe('pass');
    expect(check('expiry', [await mk(-1, 20), pki.intermediate]).status).toBe('warn');
    expect(check('expiry', [await mk(-1, 3), pki.intermediate]).status).toBe('fail');
    const expired = check('expiry', [await mk(-100, -2), pki.intermediate]);
    expect(expired.status).toBe('fail');
    expect(expired.message).toMatch(/expired 2 day/);
    expect(check('expiry', [await mk(2, 100), pki.intermediate]).message).toMatch(/not valid yet/);
  });

  it('honours per-target thresholds', async () => {
    const leaf = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, notAfter: new Date(Date.now() + 20 * DAY) });
    expect(check('expiry', [leaf, pki.intermediate], { expiry: { warnDays: 10, criticalDays: 5 } }).status).toBe('pass');
  });
});

describe('eku and key usage', () => {
  it('fails a leaf without serverAuth, reports a leaf without EKU as any-purpose', async () => {
    const client = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, eku: ['clientAuth'] });
    const c = check('eku', [client, pki.intermediate]);
    expect(c.status).toBe('fail');
    expect(c.message).toContain('serverAuth');
    const none = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, eku: null });
    const n = check('eku', [none, pki.intermediate]);
    expect(n.status).toBe('pass');
    expect(n.message).toContain('any purpose');
  });

  it('expect.eku can require clientAuth too (Domain Secure)', async () => {
    const c = check('eku', [pki.leaf, pki.intermediate], { expect: { names: NAMES, eku: ['1.3.6.1.5.5.7.3.2'] } });
    expect(c.status).toBe('fail');
    expect(c.message).toContain('clientAuth');
  });

  it('key usage must allow digitalSignature, and keyEncipherment for RSA key exchange', async () => {
    const encOnly = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, keyUsage: ['keyEncipherment'] });
    expect(check('eku', [encOnly, pki.intermediate]).message).toContain('digitalSignature');
    expect(check('eku', [encOnly, pki.intermediate], {}, { cipher: 'TLS_RSA_WITH_AES_256_GCM_SHA384' }).status).toBe('pass');
    const sigOnly = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, keyUsage: ['digitalSignature'] });
    expect(check('eku', [sigOnly, pki.intermediate], {}, { cipher: 'TLS_RSA_WITH_AES_256_GCM_SHA384' }).message).toContain('keyEncipherment');
  });
});

describe('name', () => {
  it('fails a leaf that does not cover the expected name', async () => {
    const other = await leafFrom({ subject: 'CN=other.example.test', names: ['other.example.test'] });
    const c = check('name', [other, pki.intermediate]);
    expect(c.status).toBe('fail');
    expect(c.message).toContain('"mail.example.test"');
    expect(c.message).toContain('other.example.test');
  });

  it('wildcards: one label only, and a warning on IMAP/POP', async () => {
    const wild = await leafFrom({ subject: 'CN=*.example.test', names: ['*.example.test'] });
    expect(check('name', [wild, pki.intermediate]).status).toBe('pass');
    expect(check('name', [wild, pki.intermediate], { expect: { names: ['a.b.example.test'] } }).status).toBe('fail');
    expect(check('name', [wild, pki.intermediate], { expect: { names: ['example.test'] } }).status).toBe('fail');
    expect(check('name', [wild, pki.intermediate], { protocol: 'imap' }).status).toBe('warn');
  });

  it('uses the CN only without SAN, and says so', async () => {
    const cnOnly = await leafFrom({ subject: 'CN=mail.example.test', names: [] });
    const c = check('name', [cnOnly, pki.intermediate]);
    expect(c.status).toBe('warn');
    expect(c.message).toContain('CN');
  });
});

describe('expected certificate', () => {
  it('thumbprint match and mismatch, SHA-1 and SHA-256', () => {
    const info = resultWith([pki.leaf]).chain[0]!;
    const ok1 = check('expected', [pki.leaf, pki.intermediate], { expect: { names: NAMES, thumbprint: [info.thumbprint] } });
    const ok2 = check('expected', [pki.leaf, pki.intermediate], { expect: { names: NAMES, thumbprint: ['00'.repeat(20), info.sha256] } });
    const bad = check('expected', [pki.leaf, pki.intermediate], { expect: { names: NAMES, thumbprint: ['AB'.repeat(20)] } });
    expect([ok1.status, ok2.status, bad.status]).toEqual(['pass', 'pass', 'fail']);
    expect(bad.message).toContain(info.thumbprint);
    expect(bad.message).toContain('ABAB');
  });

  it('TlsCertificateName matches with other spacing and case, and names a rotated intermediate', async () => {
    const tcn = '<I>cn=TLSPROBE test intermediate ca,o=tlsprobe <S>  CN=mail.example.test';
    expect(check('expected', [pki.leaf, pki.intermediate], { expect: { names: NAMES, tlsCertificateName: tcn } }).status).toBe('pass');
    const newInt = await createIntermediate(pki.root, { subject: 'CN=tlsprobe Issuing CA 2, O=tlsprobe', reuseKeys: true });
    const renewed = await issueLeaf(newInt, { subject: 'CN=mail.example.test', names: NAMES, reuseKeys: true });
    const c = check('expected', [renewed, newInt], { expect: { names: NAMES, tlsCertificateName: tcn } });
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/subject matches but the issuer differs/);
    expect(c.message).toContain('tlsprobe Issuing CA 2');
  });

  it('fqdn must be in CN or SAN; self-signed is classified and can be refused', async () => {
    expect(check('expected', [pki.leaf, pki.intermediate], { expect: { names: NAMES, fqdn: 'mail.example.test' } }).status).toBe('pass');
    expect(check('expected', [pki.leaf, pki.intermediate], { expect: { names: NAMES, fqdn: 'smtp.example.test' } }).status).toBe('fail');
    const self = await createSelfSigned({ subject: 'CN=mail.example.test', names: NAMES, reuseKeys: true });
    const c = check('expected', [self], { expect: { names: NAMES, selfSigned: false } });
    expect(c.status).toBe('fail');
    expect(c.details.kind).toBe('self-signed');
  });
});

describe('verdict', () => {
  it('ok when connected and no check failed; --strict fails warnings too', async () => {
    const leaf = await leafFrom({ subject: 'CN=mail.example.test', names: NAMES, notAfter: new Date(Date.now() + 20 * DAY) });
    const i = input(resultWith([leaf, pki.intermediate]), { roots: [pki.root] });
    expect(applyChecks(i).ok).toBe(true);
    expect(applyChecks(i, true).ok).toBe(false);
  });

  it('protocol below the minimum fails', () => {
    const c = check('protocol', [pki.leaf, pki.intermediate], {}, { protocol: 'TLSv1' });
    expect(c.status).toBe('fail');
    expect(check('protocol', [pki.leaf, pki.intermediate], { expect: { names: NAMES, minTls: '1.0' } }, { protocol: 'TLSv1' }).status).toBe('pass');
  });
});
