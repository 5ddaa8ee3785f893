// certInfoFromDer reads the six extensions it reports from their own bytes; what it reports must be
// what the certificate says, also for layouts our DER reader refuses and for repeated extensions.
import { describe, expect, it } from 'vitest';
import { createChain, createRoot, createSelfSigned } from '../src/pki/index.js';
import { sanExtension } from '../src/pki/extensions.js';
import { certInfoFromDer } from '../src/x509/cert-info.js';
import { childIndex, editChildren, longForm } from './helpers/der-edit.js';
import type { CertInfo } from '../src/probe/result.js';

const extensionFields = (c: CertInfo): Partial<CertInfo> => ({
  san: c.san,
  extKeyUsage: c.extKeyUsage,
  keyUsage: c.keyUsage,
  basicConstraints: c.basicConstraints,
  crlDistributionPoints: c.crlDistributionPoints,
  aia: c.aia,
});

/** The certificate with `edit` applied to its extension TLVs, containers re-encoded by `wrap`. */
function withExtensions(der: Buffer, edit: (exts: Buffer[]) => Buffer[], wrap?: (tag: number, body: Buffer) => Buffer): Buffer {
  // Certificate > TBSCertificate > [3] > Extensions.
  return editChildren(der, [0, childIndex(der, [0], 0xa3), 0], edit, wrap);
}

describe('certInfoFromDer: extensions', () => {
  it('reports each of the six extensions as the certificate carries them', async () => {
    const chain = await createChain({
      names: ['mail.example.test', 'autodiscover.example.test', '192.0.2.25', '2001:db8::25'],
      leaf: {
        crlUrls: ['http://pki.example.test/sub.crl', 'ldap:///CN=Sub,CN=CDP,CN=Public%20Key%20Services,DC=example,DC=test?certificateRevocationList?base'],
        ocspUrls: ['http://ocsp.example.test'],
        caIssuersUrls: ['http://pki.example.test/sub.crt'],
      },
      reuseKeys: true,
    });
    const leaf = certInfoFromDer(chain.leaf.der, 0);
    expect(extensionFields(leaf)).toEqual({
      san: { dns: ['mail.example.test', 'autodiscover.example.test'], ip: ['192.0.2.25', '2001:db8::25'] },
      extKeyUsage: ['1.3.6.1.5.5.7.3.1'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      basicConstraints: { ca: false, pathLength: null },
      crlDistributionPoints: ['http://pki.example.test/sub.crl', 'ldap:///CN=Sub,CN=CDP,CN=Public%20Key%20Services,DC=example,DC=test?certificateRevocationList?base'],
      aia: { ocsp: ['http://ocsp.example.test'], caIssuers: ['http://pki.example.test/sub.crt'] },
    });
  });

  it('reports a CA path length, and absent extensions as absent', async () => {
    const root = await createRoot({ subject: 'CN=Test Root', pathLength: 1, reuseKeys: true });
    expect(extensionFields(certInfoFromDer(root.der, 0))).toMatchObject({
      basicConstraints: { ca: true, pathLength: 1 },
      keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      extKeyUsage: null,
      san: { dns: [], ip: [] },
      crlDistributionPoints: [],
      aia: { ocsp: [], caIssuers: [] },
    });
    const bare = await createSelfSigned({ subject: 'CN=bare.example.test', eku: null, keyUsage: null, reuseKeys: true });
    expect(certInfoFromDer(bare.der, 0)).toMatchObject({ extKeyUsage: null, keyUsage: null, san: { dns: [], ip: [] } });
  });

  it('reads the same from a certificate our DER reader refuses (5-octet lengths), through the library', async () => {
    const chain = await createChain({
      names: ['mail.example.test', '192.0.2.25'],
      leaf: { crlUrls: ['http://pki.example.test/sub.crl'], ocspUrls: ['http://ocsp.example.test'] },
      reuseKeys: true,
    });
    const odd = withExtensions(chain.leaf.der, (exts) => exts, longForm);
    expect(odd.equals(chain.leaf.der)).toBe(false);
    const want = certInfoFromDer(chain.leaf.der, 0);
    const got = certInfoFromDer(odd, 0);
    expect(got.sha256).not.toBe(want.sha256);
    expect(extensionFields(got)).toEqual(extensionFields(want));
    expect(got.subject).toBe(want.subject);
  });

  it('takes the first of a repeated extension, as the library does', async () => {
    const chain = await createChain({ names: ['first.example.test'], reuseKeys: true });
    const second = Buffer.from(sanExtension(['second.example.test']).rawData);
    // Appended after the first SAN, in plain DER, so that our reader is the one that reads it.
    const twice = withExtensions(chain.leaf.der, (exts) => [...exts, second]);
    expect(certInfoFromDer(twice, 0).san.dns).toEqual(['first.example.test']);
    const onlySecond = withExtensions(chain.leaf.der, (exts) => [second, ...exts]);
    expect(certInfoFromDer(onlySecond, 0).san.dns).toEqual(['second.example.test']);
  });
});
