// certInfoFromDer reads the six extensions it reports from their own bytes; what it reports must be
// what the certificate says, also for layouts our DER reader refuses and for repeated extensions.
import { describe, expect, it } from 'vitest';
import { createChain, createRoot, createSelfSigned } from '../src/pki/index.js';
import { sanExtension } from '../src/pki/extensions.js';
import { certInfoFromDer } from '../src/x509/cert-info.js';
import { children, readTlv, type Tlv } from '../src/revocation/der.js';
import type { CertInfo } from '../src/probe/result.js';

const extensionFields = (c: CertInfo): Partial<CertInfo> => ({
  san: c.san,
  extKeyUsage: c.extKeyUsage,
  keyUsage: c.keyUsage,
  basicConstraints: c.basicConstraints,
  crlDistributionPoints: c.crlDistributionPoints,
  aia: c.aia,
});

/** Long-form length in 5 octets (0x85 00 ll ll ll ll): DER readers that allow at most 4 refuse it, OpenSSL and asn1js take it. */
function longForm(tag: number, body: Buffer): Buffer {
  const l = body.length;
  return Buffer.concat([Buffer.from([tag, 0x85, 0, (l >>> 24) & 255, (l >>> 16) & 255, (l >>> 8) & 255, l & 255]), body]);
}

const bytes = (der: Buffer, t: Tlv): Buffer => der.subarray(t.start, t.end);

/** The certificate rebuilt with `editExtensions` applied to its extension TLVs (the signature no longer matches: parsing does not check it). */
function rebuild(der: Buffer, editExtensions: (exts: Buffer[]) => Buffer[], wrap = (tag: number, body: Buffer): Buffer => longForm(tag, body)): Buffer {
  const cert = readTlv(der, 0);
  const [tbs, ...rest] = children(der, cert);
  const fields = children(der, tbs!);
  const holder = fields.find((t) => t.tag === 0xa3)!;
  const exts = children(der, readTlv(der, holder.body, holder.end)).map((t) => bytes(der, t));
  const newHolder = wrap(0xa3, wrap(0x30, Buffer.concat(editExtensions(exts))));
  const newTbs = wrap(0x30, Buffer.concat([...fields.filter((t) => t !== holder).map((t) => bytes(der, t)), newHolder]));
  return wrap(0x30, Buffer.concat([newTbs, ...rest.map((t) => bytes(der, t))]));
}

/** DER with a short- or long-form length as the value needs (what every other encoder writes). */
function derTlv(tag: number, body: Buffer): Buffer {
  const l = body.length;
  const len = l < 0x80 ? [l] : l < 0x100 ? [0x81, l] : [0x82, l >> 8, l & 255];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
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
    const odd = rebuild(chain.leaf.der, (exts) => exts);
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
    const twice = rebuild(chain.leaf.der, (exts) => [...exts, second], derTlv);
    expect(certInfoFromDer(twice, 0).san.dns).toEqual(['first.example.test']);
    const onlySecond = rebuild(chain.leaf.der, (exts) => [second, ...exts], derTlv);
    expect(certInfoFromDer(onlySecond, 0).san.dns).toEqual(['second.example.test']);
  });
});
