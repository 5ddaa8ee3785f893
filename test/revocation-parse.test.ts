// The CRL parser, serial index, PEM decoding, signature check and LDAP URL parsing, on CRLs generated in the test.
import { describe, it, expect, beforeAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { createChain, createCrl, createLargeCrl, createRoot, largeCrlSerial, type Chain, type Issued } from '../src/pki/index.js';
import { x509 } from '../src/x509/peculiar.js';
import { parseCrl } from '../src/revocation/crl-parse.js';
import { crlDer } from '../src/revocation/pem.js';
import { verifySignature } from '../src/revocation/signature.js';
import { SerialIndex } from '../src/revocation/serial-index.js';
import { DerError, normalizeSerial } from '../src/revocation/der.js';
import { parseLdapUrl, LdapUrlError } from '../src/revocation/ldap-url.js';

let pki: Chain;
let other: Issued;
const key = (i: Issued) => new X509Certificate(i.der).publicKey;

beforeAll(async () => {
  pki = await createChain({ reuseKeys: true });
  other = await createRoot({ subject: 'CN=Other CA', reuseKeys: true });
});

describe('parseCrl', () => {
  it('reads what @peculiar/x509 reads: serials, dates, reasons, CRL number, times', async () => {
    const thisUpdate = new Date('2026-03-01T10:00:00Z');
    const entries = [
      { serial: '0A1B2C', revoked: new Date('2026-01-02T03:04:05Z'), reason: 1 },
      { serial: '00FF01', reason: 4 }, // sign padding is not part of the serial
      { serial: '7F' + 'AB'.repeat(19) },
      { serial: '0A1B2C', reason: 2 }, // duplicate: the first entry wins
    ];
    const crl = await createCrl(pki.intermediate, { entries, thisUpdate, crlNumber: 4242n });
    const parsed = await parseCrl(crl.der);
    const reference = new x509.X509Crl(crl.der);
    expect(parsed.thisUpdate).toBe(reference.thisUpdate.getTime());
    expect(parsed.nextUpdate).toBe(reference.nextUpdate!.getTime());
    expect(parsed.crlNumber).toBe('4242');
    expect(parsed.deltaOf).toBeNull();
    expect(parsed.index.size).toBe(3);
    const seen = new Set<string>();
    for (const e of reference.entries) {
      if (seen.has(normalizeSerial(e.serialNumber))) continue;
      seen.add(normalizeSerial(e.serialNumber));
      const hit = parsed.index.get(e.serialNumber);
      expect(hit, e.serialNumber).not.toBeNull();
      expect(hit!.revokedAt).toBe(e.revocationDate.getTime());
    }
    expect(parsed.index.get('0a:1b:2c')).toEqual({ revokedAt: Date.parse('2026-01-02T03:04:05Z'), reason: 1 });
    expect(parsed.index.get('FF01')).toEqual({ revokedAt: thisUpdate.getTime(), reason: 4 });
    expect(parsed.index.get('7F' + 'AB'.repeat(19))!.reason).toBeNull();
    expect(parsed.index.get('0A1B2D')).toBeNull();
    expect(Buffer.from(parsed.issuer).equals(Buffer.from(new x509.X509Certificate(pki.intermediate.der).subjectName.toArrayBuffer()))).toBe(true);
  });

  it('handles an empty CRL, a CRL without nextUpdate and a delta CRL', async () => {
    expect((await parseCrl((await createCrl(pki.intermediate)).der)).index.size).toBe(0);
    expect((await parseCrl((await createCrl(pki.intermediate, { nextUpdate: null })).der)).nextUpdate).toBeNull();
    expect((await parseCrl((await createCrl(pki.intermediate, { crlNumber: 8, deltaOf: 7 })).der)).deltaOf).toBe('7');
  });

  it('verifies the signature with the issuer key only (RSA and ECDSA)', async () => {
    const good = await parseCrl((await createCrl(pki.intermediate)).der);
    expect(await verifySignature(good.signature, key(pki.intermediate))).toEqual({ ok: true });
    expect((await verifySignature(good.signature, key(other))).ok).toBe(false);
    const forged = await parseCrl((await createCrl(pki.intermediate, { signer: other })).der);
    expect((await verifySignature(forged.signature, key(pki.intermediate))).ok).toBe(false);
    const ec = await createChain({ key: { type: 'ec' }, reuseKeys: true });
    const ecCrl = await parseCrl((await createCrl(ec.intermediate, { hash: 'SHA-384' })).der);
    expect(await verifySignature(ecCrl.signature, key(ec.intermediate))).toEqual({ ok: true });
  });

  it('rejects garbage and truncation with DerError, never anything else', async () => {
    const der = (await createCrl(pki.intermediate, { entries: [{ serial: '01', reason: 1 }] })).der;
    await expect(parseCrl(Buffer.from('hello world'))).rejects.toBeInstanceOf(DerError);
    await expect(parseCrl(der.subarray(0, der.length - 10))).rejects.toBeInstanceOf(DerError);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 255 }), async (pos, byte) => {
        const copy = Buffer.from(der);
        copy[pos] = byte;
        try {
          await parseCrl(copy);
        } catch (err) {
          expect(err).toBeInstanceOf(DerError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('indexes 100k entries while yielding to the event loop', async () => {
    const crl = await createLargeCrl(pki.intermediate, { count: 100_000, reason: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    // sliceMs 0: a yield every 1,024 entries whatever the machine's speed, so the timer must tick.
    const parsed = await parseCrl(crl.der, { sliceMs: 0 });
    clearInterval(timer);
    expect(parsed.index.size).toBe(100_000);
    expect(parsed.index.get(largeCrlSerial(99_999))).toMatchObject({ reason: 1 });
    expect(parsed.index.get(largeCrlSerial(100_000))).toBeNull();
    expect(ticks).toBeGreaterThan(0);
    // Over 1 MB the RSA check hashes in slices and compares the DigestInfo itself.
    expect(await verifySignature(parsed.signature, key(pki.intermediate))).toEqual({ ok: true });
    expect((await verifySignature(parsed.signature, key(other))).ok).toBe(false);
    // The right key, but one signed byte changed: only the DigestInfo comparison can refuse it.
    const tampered = Buffer.from(parsed.signature.signed);
    tampered[tampered.length - 100]! ^= 0x01;
    expect(await verifySignature({ ...parsed.signature, signed: tampered }, key(pki.intermediate))).toEqual({ ok: false, error: 'signature does not verify with the issuer key' });
  }, 30_000);

  it('parses two CRLs at once, interleaved at every yield, without mixing their entries', async () => {
    const a = await createLargeCrl(pki.intermediate, { count: 5_000, reason: 1 });
    const b = await createLargeCrl(pki.intermediate, { count: 3_000, reason: 4 });
    // sliceMs 0: both parsers yield every 1,024 entries, so their loops alternate.
    const [pa, pb] = await Promise.all([parseCrl(a.der, { sliceMs: 0 }), parseCrl(b.der, { sliceMs: 0 })]);
    expect(pa.index.size).toBe(5_000);
    expect(pb.index.size).toBe(3_000);
    for (const i of [0, 1_023, 1_024, 2_999]) {
      expect(pa.index.get(largeCrlSerial(i))).toMatchObject({ reason: 1 });
      expect(pb.index.get(largeCrlSerial(i))).toMatchObject({ reason: 4 });
    }
    expect(pa.index.get(largeCrlSerial(4_999))).toMatchObject({ reason: 1 });
    expect(pb.index.get(largeCrlSerial(3_000))).toBeNull();
  });

  it('verifies big CRLs signed with other hashes, and refuses big forged ones', async () => {
    const sha384 = await parseCrl((await createLargeCrl(pki.intermediate, { count: 40_000, hash: 'SHA-384' })).der);
    expect(await verifySignature(sha384.signature, key(pki.intermediate))).toEqual({ ok: true });
    const forged = await parseCrl((await createLargeCrl(pki.intermediate, { count: 40_000, signer: other })).der);
    expect(await verifySignature(forged.signature, key(pki.intermediate))).toMatchObject({ ok: false });
  }, 30_000);
});

describe('crlDer', () => {
  it('accepts DER and PEM (any line length), refuses other text', async () => {
    const crl = await createCrl(pki.intermediate, { entries: [{ serial: '05' }] });
    expect((await crlDer(crl.der)).encoding).toBe('der');
    const pem = await crlDer(Buffer.from(crl.pem));
    expect(pem).toMatchObject({ encoding: 'pem' });
    expect(pem.der.equals(crl.der)).toBe(true);
    const odd = crl.pem.replace(/\n(?!-----)/g, '').replace(/(.{37})/g, '$1\r\n');
    expect((await crlDer(Buffer.from(`junk before\n${odd}`))).der.equals(crl.der)).toBe(true);
    await expect(crlDer(Buffer.from('<html>404</html>'))).rejects.toBeInstanceOf(DerError);
  });
});

describe('SerialIndex', () => {
  it('keeps only the key bytes it uses: sign octets stripped on add are trimmed by compact', () => {
    const index = new SerialIndex(20, 40); // sized as the parser sizes it: from the raw INTEGERs
    for (let i = 0; i < 20; i++) index.add(Uint8Array.from([0x00, 0x80 + i]), 0, 2, 0, null);
    const before = index.byteSize;
    index.compact();
    expect(index.byteSize).toBe(before - 20);
    expect(index.get('0081')).toEqual({ revokedAt: 0, reason: null });
  });

  it('finds every added serial and nothing else, through growth', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 20 }), { maxLength: 300, selector: (b) => normalizeSerial(Buffer.from(b).toString('hex')) }), (serials) => {
        const index = new SerialIndex(1, 1);
        serials.forEach((s, i) => expect(index.add(s, 0, s.length, i * 1000, i % 11)).toBe(true));
        index.compact();
        serials.forEach((s, i) => expect(index.get(Buffer.from(s).toString('hex'))).toEqual({ revokedAt: i * 1000, reason: i % 11 }));
        expect(index.size).toBe(serials.length);
      }),
    );
  });
});

describe('parseLdapUrl', () => {
  it('reads the Enterprise CA form: empty host, percent-encoded DN, filter without parentheses', () => {
    const u = parseLdapUrl('ldap:///CN=Example%20Issuing%20CA,CN=ca01,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=example,DC=com?certificateRevocationList?base?objectClass=cRLDistributionPoint');
    expect(u).toEqual({
      secure: false, host: null, port: 389,
      dn: 'CN=Example Issuing CA,CN=ca01,CN=CDP,CN=Public Key Services,CN=Services,CN=Configuration,DC=example,DC=com',
      attributes: ['certificateRevocationList'], scope: 'base', filter: '(objectClass=cRLDistributionPoint)',
    });
  });

  it('reads hosts, ports and defaults; refuses what it cannot honour', () => {
    expect(parseLdapUrl('ldaps://dc01.example.com/CN=x')).toMatchObject({ secure: true, host: 'dc01.example.com', port: 636, attributes: [], filter: '(objectClass=*)' });
    expect(parseLdapUrl('ldap://[2001:db8::1]:3389/CN=x??sub')).toMatchObject({ host: '[2001:db8::1]', port: 3389, scope: 'sub' });
    expect(() => parseLdapUrl('ldap://h/CN=x???(cn=*)?!e-bindname=x')).toThrow(LdapUrlError);
    expect(() => parseLdapUrl('ldap://h/CN=x??upward')).toThrow(LdapUrlError);
    expect(() => parseLdapUrl('http://h/x')).toThrow(LdapUrlError);
    expect(() => parseLdapUrl('ldap://h/CN=%zz')).toThrow(LdapUrlError);
  });
});
