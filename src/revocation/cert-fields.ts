// A certificate's fields as raw DER (RFC 5280 §4.1): the few revocation needs (issuer and subject
// names, key bits, extension values), and what cert-view reads without parsing the whole certificate.
import type { X509Certificate } from 'node:crypto';
import { children, content, DerError, expectTlv, oidString, timeMs, whole, type Tlv } from './der.js';

export interface CertFields {
  /** INTEGER content octets of serialNumber (as encoded, sign padding included). */
  serial: Uint8Array;
  /** Name TLVs, compared byte for byte with CRL issuers and hashed for OCSP CertIDs. */
  issuer: Uint8Array;
  subject: Uint8Array;
  /** subjectPublicKey BIT STRING content without the unused-bits octet (OCSP issuerKeyHash, RFC 6960 §4.1.1). */
  publicKeyBits: Uint8Array;
  /** extnValue contents by OID. */
  extensions: Map<string, Uint8Array>;
}

export interface CertParts extends CertFields {
  /** Whole Extension TLVs by OID, the first of each (as @peculiar/x509's getExtension finds it). */
  extensionTlvs: Map<string, Uint8Array>;
  /** Epoch ms, when both times have RFC 5280's own forms (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ); else null. */
  validity: { notBefore: number; notAfter: number } | null;
  /** The outer signatureAlgorithm AlgorithmIdentifier TLV. */
  signatureAlgorithm: Uint8Array;
}

// nodeCert() hands out one X509Certificate per distinct certificate, so this parses each once.
const cache = new WeakMap<X509Certificate, CertFields>();

export function certFields(cert: X509Certificate): CertFields {
  let f = cache.get(cert);
  if (!f) {
    // Only what revocation reads is kept with the certificate.
    const { serial, issuer, subject, publicKeyBits, extensions } = certParts(cert.raw);
    cache.set(cert, (f = { serial, issuer, subject, publicKeyBits, extensions }));
  }
  return f;
}

/** Every part above, not cached (cert-view reads them once per distinct certificate). Throws DerError. */
export function certParts(der: Uint8Array): CertParts {
  const cert = expectTlv(der, 0, 0x30, der.length, 'Certificate');
  const [tbs, signatureAlgorithm] = children(der, cert);
  if (!tbs || tbs.tag !== 0x30 || !signatureAlgorithm || signatureAlgorithm.tag !== 0x30) throw new DerError('malformed Certificate');
  const fields = children(der, tbs);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version, absent for v1
  const serial = fields[i++];
  i++; // signature AlgorithmIdentifier
  const issuer = fields[i++];
  const validity = fields[i++];
  const subject = fields[i++];
  const spki = fields[i++];
  if (!serial || serial.tag !== 0x02 || !issuer || !validity || validity.tag !== 0x30 || !subject || !spki || spki.tag !== 0x30) throw new DerError('malformed TBSCertificate');
  const bits = children(der, spki)[1];
  if (!bits || bits.tag !== 0x03) throw new DerError('malformed SubjectPublicKeyInfo');
  const extensions = new Map<string, Uint8Array>();
  const extensionTlvs = new Map<string, Uint8Array>();
  const wrapper = fields.slice(i).find((t) => t.tag === 0xa3);
  if (wrapper) {
    const list = expectTlv(der, wrapper.body, 0x30, wrapper.end, 'Extensions');
    for (const ext of children(der, list)) {
      const parts = children(der, ext);
      const value = parts.at(-1);
      if (parts[0]?.tag !== 0x06 || value?.tag !== 0x04) continue;
      const oid = oidString(content(der, parts[0]));
      extensions.set(oid, content(der, value));
      if (!extensionTlvs.has(oid)) extensionTlvs.set(oid, whole(der, ext));
    }
  }
  const [notBefore, notAfter] = children(der, validity);
  return {
    serial: content(der, serial),
    issuer: whole(der, issuer),
    subject: whole(der, subject),
    publicKeyBits: content(der, bits).subarray(1),
    extensions,
    extensionTlvs,
    validity: notBefore && notAfter && strictTime(der, notBefore) && strictTime(der, notAfter) ? { notBefore: timeMs(der, notBefore), notAfter: timeMs(der, notAfter) } : null,
    signatureAlgorithm: whole(der, signatureAlgorithm),
  };
}

/** RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ (no offsets, no fractions). */
function strictTime(der: Uint8Array, t: Tlv): boolean {
  const len = t.end - t.body;
  return ((t.tag === 0x17 && len === 13) || (t.tag === 0x18 && len === 15)) && der[t.end - 1] === 0x5a;
}

/**
 * URIs from a CRLDistributionPoints-shaped value (also the Freshest CRL extension, RFC 5280
 * §4.2.1.15): DistributionPoint.distributionPoint [0] -> fullName [0] -> uniformResourceIdentifier [6].
 */
export function distributionPointUris(value: Uint8Array): string[] {
  const out: string[] = [];
  try {
    const list = expectTlv(value, 0, 0x30, value.length, 'CRLDistributionPoints');
    for (const dp of children(value, list)) {
      const name = children(value, dp).find((t) => t.tag === 0xa0);
      const full = name ? children(value, name).find((t) => t.tag === 0xa0) : undefined;
      for (const gn of full ? children(value, full) : []) {
        if (gn.tag === 0x86) out.push(Buffer.from(content(value, gn)).toString('latin1'));
      }
    }
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
  }
  return out;
}

export const OID_FRESHEST_CRL = '2.5.29.46';
