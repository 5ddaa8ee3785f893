// The two readers of cert-view must agree on every certificate the faster one takes, and the faster
// one must leave to the library what it does not take.
import { describe, expect, it } from 'vitest';
import { createChain, createRoot, createSelfSigned, issueLeaf } from '../src/pki/index.js';
import type { CertSpec, KeySpec } from '../src/pki/index.js';
import { certView, libraryView, partsView, type CertView } from '../src/x509/cert-view.js';
import { x509 } from '../src/x509/peculiar.js';
import { nameToString } from '../src/x509/dn.js';
import { editChildren } from './helpers/der-edit.js';

const SIX: Array<[new (raw: Uint8Array) => x509.Extension, string]> = [
  [x509.SubjectAlternativeNameExtension, '2.5.29.17'],
  [x509.ExtendedKeyUsageExtension, '2.5.29.37'],
  [x509.KeyUsagesExtension, '2.5.29.15'],
  [x509.BasicConstraintsExtension, '2.5.29.19'],
  [x509.CRLDistributionPointsExtension, '2.5.29.31'],
  [x509.AuthorityInfoAccessExtension, '1.3.6.1.5.5.7.1.1'],
];

/** Everything cert-info reads of a view, as plain data. */
function read(v: CertView): unknown {
  return {
    subject: nameToString(v.subjectName),
    subjectJson: v.subjectName.toJSON(),
    issuer: nameToString(v.issuerName),
    cn: v.subjectName.getField('CN'),
    serial: v.serialNumber,
    notBefore: v.notBefore.toISOString(),
    notAfter: v.notAfter.toISOString(),
    signature: v.signatureName,
    extensions: SIX.map(([type, oid]) => {
      const e = v.extension(type, oid);
      return e ? { type: e.constructor.name, der: Buffer.from(e.rawData).toString('hex'), text: JSON.stringify(e.toTextObject()) } : null;
    }),
  };
}

/** The certificate with its notAfter (Certificate > TBSCertificate > validity, index 4 after [0] version > 2nd) replaced. */
const withNotAfter = (der: Buffer, time: Buffer): Buffer => editChildren(der, [0, 4], ([notBefore]) => [notBefore!, time]);

/** The same certificate as X.509 v1: no [0] version, no [3] extensions. */
const asV1 = (der: Buffer): Buffer => editChildren(der, [0], (fields) => fields.filter((f) => f[0] !== 0xa0 && f[0] !== 0xa3));

const ascii = (tag: number, text: string): Buffer => Buffer.concat([Buffer.from([tag, text.length]), Buffer.from(text, 'ascii')]);

async function varied(): Promise<Array<[string, Buffer]>> {
  const leafSpec: Partial<CertSpec> = {
    crlUrls: ['http://pki.example.test/sub.crl', 'ldap:///CN=Sub,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=example,DC=test?certificateRevocationList?base'],
    ocspUrls: ['http://ocsp.example.test'],
    caIssuersUrls: ['http://pki.example.test/sub.crt'],
  };
  const rsa = await createChain({ names: ['mail.example.test', '192.0.2.25', '2001:db8::25'], leaf: leafSpec, reuseKeys: true });
  const out: Array<[string, Buffer]> = [
    ['RSA leaf, every extension', rsa.leaf.der],
    ['RSA intermediate', rsa.intermediate.der],
    ['RSA root', rsa.root.der],
  ];
  const keys: Array<[string, KeySpec, CertSpec['hash']]> = [
    ['EC P-256, SHA-256', { type: 'ec', curve: 'P-256' }, 'SHA-256'],
    ['EC P-384, SHA-384', { type: 'ec', curve: 'P-384' }, 'SHA-384'],
    ['RSA, SHA-1', { type: 'rsa' }, 'SHA-1'],
    ['RSA, SHA-512', { type: 'rsa' }, 'SHA-512'],
  ];
  for (const [what, key, hash] of keys) {
    const c = await createSelfSigned({ subject: `CN=${what.replace(/[ ,]/g, '')}.example.test`, names: ['a.example.test'], key, hash, reuseKeys: true });
    out.push([what, c.der]);
  }
  const root = await createRoot({ subject: 'CN=Root, O=Example', pathLength: 0, reuseKeys: true });
  out.push(
    ['serial with the high bit set', (await issueLeaf(root, { subject: 'CN=hi.example.test', serial: 'F1E2D3C4B5A69788', reuseKeys: true })).der],
    ['one-octet serial', (await issueLeaf(root, { subject: 'CN=one.example.test', serial: '05', reuseKeys: true })).der],
    ['notAfter in 2050+ (GeneralizedTime)', (await issueLeaf(root, { subject: 'CN=far.example.test', notAfter: new Date('2051-03-04T05:06:07Z'), reuseKeys: true })).der],
    ['notBefore in the 1900s (UTCTime 50-99)', (await issueLeaf(root, { subject: 'CN=old.example.test', notBefore: new Date('1999-12-31T23:59:59Z'), reuseKeys: true })).der],
    ['non-ASCII, escapes and a multi-valued RDN', (await issueLeaf(root, { subject: 'CN=Zürich Mail + OU=Büro, O="Contoso, Ltd", C=CH', names: ['zh.example.test'], reuseKeys: true })).der],
    ['no extensions the checks read', (await createSelfSigned({ subject: 'CN=bare.example.test', eku: null, keyUsage: null, reuseKeys: true })).der],
    ['X.509 v1 (no version, no extensions)', asV1(rsa.leaf.der)],
  );
  return out;
}

describe('cert-view: the faster reader agrees with the library', () => {
  it('on every certificate it takes (names, serial, validity, signature algorithm, the six extensions)', async () => {
    const certs = await varied();
    for (const [what, der] of certs) {
      const lib = libraryView(der);
      certView(der); // names the signature algorithm, as the first certificate showing it does
      const fast = partsView(der);
      expect(fast, what).not.toBeNull();
      expect(read(fast!), what).toEqual(read(lib));
    }
  });

  it('leaves times outside RFC 5280 forms to the library (fractional seconds, offsets)', async () => {
    const c = await createSelfSigned({ subject: 'CN=time.example.test', reuseKeys: true });
    certView(c.der);
    expect(partsView(c.der)).not.toBeNull();
    const fraction = withNotAfter(c.der, ascii(0x18, '20510304050607.5Z'));
    expect(partsView(fraction)).toBeNull();
    expect(read(certView(fraction))).toEqual(read(libraryView(fraction)));
    expect(certView(fraction).notAfter.toISOString()).toBe('2051-03-04T05:06:07.500Z');
    const noZone = withNotAfter(c.der, ascii(0x17, '510304050607'));
    expect(partsView(noZone)).toBeNull();
  });

  it('leaves a signature algorithm it has not seen named to the library, once', async () => {
    const c = await createSelfSigned({ subject: 'CN=sig.example.test', key: { type: 'ec', curve: 'P-384' }, hash: 'SHA-512', reuseKeys: true });
    expect(partsView(c.der)).toBeNull();
    expect(certView(c.der).signatureName).toBe('SHA-512withECDSA');
    expect(partsView(c.der)?.signatureName).toBe('SHA-512withECDSA');
  });
});
