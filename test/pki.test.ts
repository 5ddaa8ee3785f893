// Checks the in-memory PKI generator against Node's own X.509 and TLS stacks (OpenSSL underneath).
import { describe, it, expect, beforeAll } from 'vitest';
import { X509Certificate as NodeX509, createPrivateKey, createPublicKey } from 'node:crypto';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  createChain,
  createCrl,
  createIntermediate,
  createLargeCrl,
  createRoot,
  createSelfSigned,
  issueLeaf,
  largeCrlSerial,
  toPem,
  type Chain,
  type Issued,
} from '../src/pki/index.js';
import { generateKeyPair } from '../src/pki/keys.js';
// After the pki import: that installs the Reflect metadata shim @peculiar/x509 needs at load.
import * as x509 from '@peculiar/x509';

const node = (i: Issued): NodeX509 => new NodeX509(i.der);
const T0 = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

let chain: Chain;
beforeAll(async () => {
  chain = await createChain({
    names: ['mail.example.test', '127.0.0.1', '::1', 'localhost'],
    root: { subject: 'CN=Test Root CA, O=Example Org, C=DE' },
    intermediate: { subject: 'CN=Test Issuing CA, O=Example Org', pathLength: 0 },
    leaf: {
      subject: 'CN=mail.example.test, O=Example Org',
      crlUrls: ['http://crl.example.test/issuing.crl', 'ldap:///CN=Issuing,O=Example?certificateRevocationList'],
      ocspUrls: ['http://ocsp.example.test'],
      caIssuersUrls: ['http://ca.example.test/issuing.cer'],
      freshestCrlUrls: ['http://crl.example.test/delta.crl'],
    },
  });
});

describe('chain', () => {
  it('verifies root -> intermediate -> leaf with node:crypto', () => {
    const [root, int, leaf] = [node(chain.root), node(chain.intermediate), node(chain.leaf)];
    expect(root.checkIssued(root)).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(int.checkIssued(root)).toBe(true);
    expect(int.verify(root.publicKey)).toBe(true);
    expect(leaf.checkIssued(int)).toBe(true);
    expect(leaf.verify(int.publicKey)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(false);
    expect(leaf.checkIssued(root)).toBe(false);
  });

  it('copies the issuer DN byte for byte and links AKI to the issuer SKI', () => {
    const { root, intermediate: int, leaf } = chain;
    expect(node(leaf).issuer).toBe(node(int).subject);
    expect(node(leaf).subject).toBe('O=Example Org\nCN=mail.example.test'); // encoded least specific first, like real CAs
    expect(Buffer.from(leaf.cert.issuerName.toArrayBuffer())).toEqual(Buffer.from(int.cert.subjectName.toArrayBuffer()));
    const ski = (i: Issued) => i.cert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    const aki = (i: Issued) => i.cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId;
    expect(aki(leaf)).toBe(ski(int));
    expect(aki(int)).toBe(ski(root));
    expect(aki(root)).toBe(ski(root));
  });

  it('sets basic constraints: CAs critical cA=true (with pathLength), leaves cA=false', () => {
    const bc = (i: Issued) => i.cert.getExtension(x509.BasicConstraintsExtension)!;
    expect(bc(chain.root)).toMatchObject({ ca: true, critical: true, pathLength: undefined });
    expect(bc(chain.intermediate)).toMatchObject({ ca: true, critical: true, pathLength: 0 });
    expect(bc(chain.leaf)).toMatchObject({ ca: false });
    expect(node(chain.intermediate).ca).toBe(true);
    expect(node(chain.leaf).ca).toBe(false);
  });

  it('puts DNS and IP (v4 and v6) SANs where node sees them', () => {
    const leaf = node(chain.leaf);
    expect(leaf.subjectAltName).toContain('DNS:mail.example.test');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.subjectAltName).toMatch(/IP Address:(0:0:0:0:0:0:0:1|::1)/);
    expect(leaf.subjectAltName).not.toContain('DNS:127.0.0.1');
    expect(leaf.checkHost('mail.example.test')).toBe('mail.example.test');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
  });

  it('writes CRL distribution points, AIA and Freshest CRL', () => {
    const leaf = chain.leaf.cert;
    const cdp = leaf.getExtension(x509.CRLDistributionPointsExtension)!;
    const uris = cdp.distributionPoints.map((dp) => dp.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier);
    expect(uris).toEqual(['http://crl.example.test/issuing.crl', 'ldap:///CN=Issuing,O=Example?certificateRevocationList']);
    expect(node(chain.leaf).infoAccess).toContain('OCSP - URI:http://ocsp.example.test');
    expect(node(chain.leaf).infoAccess).toContain('CA Issuers - URI:http://ca.example.test/issuing.cer');
    const freshest = leaf.getExtension('2.5.29.46')!;
    expect(freshest.critical).toBe(false);
    // FreshestCRL has the CRLDistributionPoints syntax.
    const expected = new x509.CRLDistributionPointsExtension(['http://crl.example.test/delta.crl']).value;
    expect(Buffer.from(freshest.value)).toEqual(Buffer.from(expected));
  });

  it('exports the leaf key as PKCS#8 PEM matching the certificate', () => {
    expect(chain.leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const pub = createPublicKey(createPrivateKey(chain.leaf.keyPem));
    expect(pub.export({ type: 'spki', format: 'der' })).toEqual(node(chain.leaf).publicKey.export({ type: 'spki', format: 'der' }));
    expect(chain.chainPem).toBe(chain.leaf.certPem + chain.intermediate.certPem);
    expect(chain.leafPem).toBe(chain.leaf.certPem);
    expect(chain.leaf.serial).toMatch(/^[0-9A-F]{32}$/);
    expect(node(chain.leaf).serialNumber.toUpperCase()).toBe(chain.leaf.serial);
  });
});

describe('options', () => {
  it('sets EKU, omits it with null, and applies default key usages', async () => {
    expect(node(chain.leaf).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // node calls EKU "keyUsage"
    expect(node(chain.root).keyUsage).toBeUndefined();
    const both = await issueLeaf(chain.intermediate, { subject: 'CN=both', eku: ['serverAuth', 'clientAuth', '1.2.3.4'] });
    expect(node(both).keyUsage?.sort()).toEqual(['1.2.3.4', '1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    const none = await issueLeaf(chain.intermediate, { subject: 'CN=none', eku: null, keyUsage: null });
    expect(node(none).keyUsage).toBeUndefined();
    expect(none.cert.getExtension(x509.KeyUsagesExtension)).toBeNull();
    const ku = (i: Issued) => i.cert.getExtension(x509.KeyUsagesExtension)!.usages;
    expect(ku(chain.leaf)).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(ku(chain.root)).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature);
    await expect(issueLeaf(chain.intermediate, { subject: 'CN=x', eku: ['bogus'] })).rejects.toThrow(/unknown extended key usage/);
  });

  it('signs with SHA-1 when asked, also from a SHA-256 issuer key', async () => {
    const weak = await issueLeaf(chain.intermediate, { subject: 'CN=weak', hash: 'SHA-1' });
    const parsed = new x509.X509Certificate(weak.der);
    expect(parsed.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-1' } });
    expect(node(weak).verify(node(chain.intermediate).publicKey)).toBe(true);
    expect(new x509.X509Certificate(chain.leaf.der).signatureAlgorithm).toMatchObject({ hash: { name: 'SHA-256' } });
    const sha384 = await createSelfSigned({ subject: 'CN=384', hash: 'SHA-384', key: { type: 'ec', curve: 'P-384' } });
    expect(sha384.cert.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-384' } });
  });

  it('makes RSA-1024 keys', async () => {
    const small = await issueLeaf(chain.intermediate, { subject: 'CN=small', key: { type: 'rsa', bits: 1024 } });
    expect(node(small).publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
    expect(node(small).verify(node(chain.intermediate).publicKey)).toBe(true);
  });

  it('makes EC chains (P-256 and P-384) with digitalSignature-only EC leaves', async () => {
    const root = await createRoot({ subject: 'CN=EC Root', key: { type: 'ec', curve: 'P-384' } });
    const int = await createIntermediate(root, { subject: 'CN=EC Int', key: { type: 'ec' } });
    const leaf = await issueLeaf(int, { subject: 'CN=ec.example.test', names: ['ec.example.test'], key: { type: 'ec' } });
    expect(node(root).publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(node(leaf).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(node(int).verify(node(root).publicKey)).toBe(true);
    expect(node(leaf).verify(node(int).publicKey)).toBe(true);
    expect(leaf.cert.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(createPrivateKey(leaf.keyPem).asymmetricKeyType).toBe('ec');
  });

  it('honours explicit dates, including GeneralizedTime from 2050', async () => {
    const notBefore = new Date('2024-01-02T03:04:05Z');
    const notAfter = new Date('2055-06-07T08:09:10Z');
    const root = await createRoot({ subject: 'CN=Dated', notBefore, notAfter, reuseKeys: true });
    expect(new Date(node(root).validFrom)).toEqual(notBefore);
    expect(new Date(node(root).validTo)).toEqual(notAfter);
    const leaf = await issueLeaf(root, { subject: 'CN=expired', notBefore: new Date(T0.getTime() - 100 * DAY), notAfter: new Date(T0.getTime() - DAY), reuseKeys: true });
    expect(leaf.cert.notAfter).toEqual(new Date(T0.getTime() - DAY));
    const dflt = await issueLeaf(root, { subject: 'CN=defaults', notBefore: T0, reuseKeys: true });
    expect(dflt.cert.notAfter.getTime() - T0.getTime()).toBe(90 * DAY);
    expect(root.spec.notAfter).toBe(notAfter);
  });

  it('creates self-signed end-entity certificates and honours explicit serials', async () => {
    const ss = await createSelfSigned({ subject: 'CN=Microsoft Exchange', names: ['EX01', 'ex01.corp.example'], serial: '00:1a:2B' });
    expect(node(ss).issuer).toBe(node(ss).subject);
    expect(node(ss).verify(node(ss).publicKey)).toBe(true);
    // OpenSSL's check_issued also wants keyCertSign, which an end-entity certificate lacks.
    expect(node(ss).checkIssued(node(ss))).toBe(false);
    expect(node(ss).ca).toBe(false);
    expect(ss.serial).toBe('1A2B');
    expect(node(ss).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('draws pooled keys round-robin when reuse is requested', async () => {
    const spec = { type: 'ec', curve: 'P-256' } as const;
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await generateKeyPair(spec, { reuse: true }));
    expect(new Set(keys.slice(0, 4)).size).toBe(4); // a chain's three certificates get distinct keys
    expect(keys[4]).toBe(keys[0]);
    expect(await generateKeyPair(spec)).not.toBe(keys[0]);
  });

  it('createChain has usable defaults', async () => {
    const c = await createChain({ key: { type: 'ec' }, reuseKeys: true });
    expect(node(c.leaf).subject).toBe('CN=localhost');
    expect(node(c.leaf).checkHost('localhost')).toBe('localhost');
    expect(node(c.leaf).checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(node(c.leaf).verify(node(c.intermediate).publicKey)).toBe(true);
    expect(node(c.intermediate).verify(node(c.root).publicKey)).toBe(true);
    expect(c.root.cert.notAfter.getTime() - c.root.cert.notBefore.getTime()).toBe(3650 * DAY);
  });

  it('toPem wraps at 64 columns', () => {
    const pem = toPem(Buffer.alloc(100, 1), 'CERTIFICATE');
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
  });
});

describe('CRLs', () => {
  const thisUpdate = new Date('2026-02-01T00:00:00Z');

  it('verifies with the issuer key and lists revoked serials with reasons', async () => {
    const { intermediate: int, leaf } = chain;
    const { crl, der, pem } = await createCrl(int, {
      thisUpdate,
      crlNumber: 42,
      entries: [
        { serial: leaf.serial, reason: 1, revoked: new Date('2026-01-15T00:00:00Z') },
        { serial: '0BAD' },
      ],
    });
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    expect(Buffer.from(crl.rawData)).toEqual(der);
    expect(await crl.verify({ publicKey: int.cert.publicKey })).toBe(true);
    expect(await crl.verify({ publicKey: chain.root.cert.publicKey })).toBe(false);
    expect(crl.issuer).toBe(int.cert.subject);
    expect(crl.thisUpdate).toEqual(thisUpdate);
    expect(crl.nextUpdate).toEqual(new Date(thisUpdate.getTime() + 7 * DAY));
    const entry = crl.findRevoked(leaf.serial)!;
    expect(entry.reason).toBe(x509.X509CrlReason.keyCompromise);
    expect(entry.revocationDate).toEqual(new Date('2026-01-15T00:00:00Z'));
    expect(crl.findRevoked('0BAD')?.reason).toBeUndefined();
    expect(crl.findRevoked(chain.intermediate.serial)).toBeNull();
    expect(Buffer.from(crl.getExtension('2.5.29.20')!.value)).toEqual(Buffer.from([0x02, 0x01, 42]));
  });

  it('fails verification when signed by another key', async () => {
    const other = await createRoot({ subject: 'CN=Impostor', reuseKeys: true });
    const { crl } = await createCrl(chain.intermediate, { thisUpdate, signer: other, entries: [{ serial: '01' }] });
    expect(crl.issuer).toBe(chain.intermediate.cert.subject);
    expect(await crl.verify({ publicKey: chain.intermediate.cert.publicKey })).toBe(false);
    expect(await crl.verify({ publicKey: other.cert.publicKey })).toBe(true);
  });

  it('signs with EC keys and SHA-1, omits nextUpdate and CRL number on request, marks delta CRLs', async () => {
    const ecRoot = await createRoot({ subject: 'CN=EC CRL Root', key: { type: 'ec' }, reuseKeys: true });
    const ec = await createCrl(ecRoot, { thisUpdate, hash: 'SHA-1', crlNumber: null, deltaOf: 2n ** 70n, entries: [{ serial: '01' }] });
    expect(await ec.crl.verify({ publicKey: ecRoot.cert.publicKey })).toBe(true);
    expect(ec.crl.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-1' } });
    expect(ec.crl.getExtension('2.5.29.20')).toBeNull();
    expect(ec.crl.getExtension('2.5.29.27')?.critical).toBe(true);
    expect(Buffer.from(ec.crl.getExtension('2.5.29.27')!.value).toString('hex')).toBe('0209400000000000000000');
    expect(ec.crl.findRevoked('01')).not.toBeNull();
    // Only thisUpdate/nextUpdate are checked here: @peculiar/x509 2.2 mis-parses CRLs without
    // nextUpdate (it drops the revoked list, or the extensions when the list is empty), though
    // OpenSSL reads the same bytes fine.
    const open = await createCrl(ecRoot, { thisUpdate, nextUpdate: null, entries: [{ serial: '01' }] });
    expect(await open.crl.verify({ publicKey: ecRoot.cert.publicKey })).toBe(true);
    expect(open.crl.thisUpdate).toEqual(thisUpdate);
    expect(open.crl.nextUpdate).toBeUndefined();
    const weak = await createCrl(chain.intermediate, { thisUpdate, hash: 'SHA-1' });
    expect(weak.crl.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-1' } });
    expect(await weak.crl.verify({ publicKey: chain.intermediate.cert.publicKey })).toBe(true);
  });

  it('encodes exactly what X509CrlGenerator would for the same input', async () => {
    // PKCS#1 v1.5 signatures are deterministic, so whole CRLs can be compared byte for byte.
    // (All entries carry a reason: for reason-less entries X509CrlGenerator writes an empty
    // crlEntryExtensions SEQUENCE, which DER does not allow and we deliberately omit.)
    const int = chain.intermediate;
    const entries = [
      { serial: chain.leaf.serial, reason: 1 },
      { serial: '7F', reason: 4, revoked: new Date('2025-12-31T23:59:59Z') },
    ];
    const ours = await createCrl(int, { thisUpdate, entries, crlNumber: 3 });
    const theirs = await x509.X509CrlGenerator.create({
      issuer: int.cert.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + 7 * DAY),
      entries: entries.map((e) => ({ serialNumber: e.serial, reason: e.reason, revocationDate: e.revoked ?? thisUpdate })),
      extensions: [
        new x509.AuthorityKeyIdentifierExtension(int.cert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId),
        new x509.Extension('2.5.29.20', false, Buffer.from([0x02, 0x01, 0x03])),
      ],
      signingKey: int.keys.privateKey,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    });
    expect(ours.der.toString('hex')).toBe(Buffer.from(theirs.rawData).toString('hex'));
  });

  it('builds large CRLs through the linear encoder', async () => {
    const n = 3000; // above the ~2,000 entries asn1js's default limits would reject when parsing
    const big = await createLargeCrl(chain.intermediate, { count: n, reason: 5, thisUpdate, entries: [{ serial: 'ABCDEF', reason: 1 }] });
    expect(await big.crl.verify({ publicKey: chain.intermediate.cert.publicKey })).toBe(true);
    expect(big.crl.entries).toHaveLength(n + 1);
    expect(big.crl.findRevoked(largeCrlSerial(n - 1))?.reason).toBe(x509.X509CrlReason.cessationOfOperation);
    expect(big.crl.findRevoked('ABCDEF')?.reason).toBe(x509.X509CrlReason.keyCompromise);
    expect(big.crl.findRevoked(largeCrlSerial(n))).toBeNull();
    // Same bytes whether the entries come from createLargeCrl or a plain entry list.
    const entries = Array.from({ length: n }, (_, i) => ({ serial: largeCrlSerial(i), reason: 5 }));
    const viaList = await createCrl(chain.intermediate, { thisUpdate, entries: [{ serial: 'ABCDEF', reason: 1 }, ...entries] });
    expect(viaList.der.equals(big.der)).toBe(true);
  });
});

describe('TLS', () => {
  interface Outcome { authorized: boolean; error?: string; depth: number; data: string }

  /** One handshake against a throwaway 127.0.0.1 server; everything is closed before returning. */
  async function handshake(server: tls.TlsOptions, client: tls.ConnectionOptions): Promise<Outcome> {
    const srv = tls.createServer(server, (s) => s.end('hi'));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address() as AddressInfo;
    try {
      return await new Promise<Outcome>((resolve, reject) => {
        const sock = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...client }, () => {
          // The root's issuerCertificate points back at itself, hence the fingerprint set.
          const seen = new Set<string>();
          let c: tls.DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
          for (; c?.fingerprint256 && !seen.has(c.fingerprint256); c = c.issuerCertificate) seen.add(c.fingerprint256);
          let data = '';
          sock.on('data', (d: Buffer) => (data += d.toString()));
          sock.on('end', () => {
            const err = sock.authorizationError as unknown;
            resolve({ authorized: sock.authorized, error: err ? String(err) : undefined, depth: seen.size, data });
            sock.destroy();
          });
        });
        sock.on('error', reject);
      });
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  }

  it('serves the chain to a node:tls client that trusts only the root', async () => {
    const r = await handshake(
      { cert: chain.chainPem, key: chain.leaf.keyPem },
      { ca: chain.root.certPem, servername: 'mail.example.test', rejectUnauthorized: true },
    );
    expect(r).toEqual({ authorized: true, error: undefined, depth: 3, data: 'hi' }); // leaf, intermediate, root
  });

  it('is rejected without the intermediate or without the root', async () => {
    const noInt = await handshake({ cert: chain.leafPem, key: chain.leaf.keyPem }, { ca: chain.root.certPem, servername: 'mail.example.test' });
    expect(noInt.authorized).toBe(false);
    expect(noInt.error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const noRoot = await handshake({ cert: chain.chainPem, key: chain.leaf.keyPem }, { ca: [], servername: 'mail.example.test' });
    expect(noRoot.authorized).toBe(false);
  });

  it('accepts a self-signed EC server certificate only when the client trusts it', async () => {
    const ss = await createSelfSigned({ subject: 'CN=Microsoft Exchange', names: ['localhost'], key: { type: 'ec' } });
    const trusted = await handshake({ cert: ss.certPem, key: ss.keyPem }, { ca: ss.certPem, servername: 'localhost' });
    expect(trusted.authorized).toBe(true);
    const untrusted = await handshake({ cert: ss.certPem, key: ss.keyPem }, { servername: 'localhost' });
    expect(untrusted.error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
