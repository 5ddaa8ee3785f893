// Translates a CertSpec's friendly fields (names, usages, URLs) into @peculiar/x509 extension objects.
import { isIP } from 'node:net';
import { x509 } from '../x509/peculiar.js';

const EKU_NAMES: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

const KEY_USAGE_NAMES: Record<string, x509.KeyUsageFlags> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  contentCommitment: x509.KeyUsageFlags.nonRepudiation, // X.509 (2005+) name for the same bit
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};

const OID_RE = /^\d+(\.\d+)+$/;
export const OID_FRESHEST_CRL = '2.5.29.46';

export function ekuExtension(usages: string[]): x509.ExtendedKeyUsageExtension {
  const oids = usages.map((u) => {
    const oid = EKU_NAMES[u] ?? (OID_RE.test(u) ? u : undefined);
    if (!oid) throw new Error(`unknown extended key usage: ${u}`);
    return oid;
  });
  return new x509.ExtendedKeyUsageExtension(oids, false);
}

export function keyUsageExtension(usages: string[]): x509.KeyUsagesExtension {
  let flags = 0;
  for (const u of usages) {
    const bit = KEY_USAGE_NAMES[u];
    if (bit === undefined) throw new Error(`unknown key usage: ${u}`);
    flags |= bit;
  }
  // Critical, as RFC 5280 asks of CAs and as public leaf certificates do in practice.
  return new x509.KeyUsagesExtension(flags, true);
}

/**
 * SAN entries: IP literals (v4, v6, v6 with embedded v4) become iPAddress, anything else dNSName.
 * Brackets around v6 are tolerated because that is how URLs and configs write them.
 */
export function sanExtension(names: string[]): x509.SubjectAlternativeNameExtension {
  const entries = names.map((raw): x509.JsonGeneralName => {
    const unbracketed = raw.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(unbracketed);
    if (family === 4) return { type: 'ip', value: unbracketed };
    if (family === 6) return { type: 'ip', value: expandEmbeddedV4(unbracketed) };
    return { type: 'dns', value: raw };
  });
  return new x509.SubjectAlternativeNameExtension(entries, false);
}

/** @peculiar's IPv6 parser only knows hex groups, so rewrite a trailing dotted quad ("::ffff:192.0.2.1"). */
function expandEmbeddedV4(ip: string): string {
  const m = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return ip;
  const [a, b, c, d] = m.slice(2).map(Number) as [number, number, number, number];
  return `${m[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

export function crlDistributionPoints(urls: string[]): x509.CRLDistributionPointsExtension {
  return new x509.CRLDistributionPointsExtension(urls, false);
}

/** FreshestCRL ::= CRLDistributionPoints (RFC 5280 4.2.1.15), so reuse that encoder under OID 2.5.29.46. */
export function freshestCrl(urls: string[]): x509.Extension {
  return new x509.Extension(OID_FRESHEST_CRL, false, crlDistributionPoints(urls).value);
}

export function authorityInfoAccess(ocsp: string[], caIssuers: string[]): x509.AuthorityInfoAccessExtension {
  return new x509.AuthorityInfoAccessExtension({ ocsp, caIssuers }, false);
}

/**
 * AKI copies the issuer's SKI verbatim (rather than re-deriving it from the key) so chaining
 * also works for issuers whose SKI was computed by another method.
 */
export async function authorityKeyIdFor(issuer: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = issuer.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return new x509.AuthorityKeyIdentifierExtension(ski.keyId, false);
  return x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey, false);
}
