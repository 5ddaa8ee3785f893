// What cert-info reads of a certificate, by two readers that must agree (test/cert-view.test.ts):
// @peculiar/x509's parse of the whole certificate, and a faster one that has the library parse only
// the two names and the extensions asked for, and reads serial, validity and signature algorithm
// from the DER. The library's whole parse was ~40% of what a new certificate cost the main thread.
import { x509 } from './peculiar.js';
import { certParts, type CertParts } from '../revocation/cert-fields.js';
import { DerError } from '../revocation/der.js';

export type ExtensionType<T> = new (raw: Uint8Array) => T;

export interface CertView {
  subjectName: x509.Name;
  issuerName: x509.Name;
  /** Lower-case hex, as @peculiar/x509 gives it (sign padding dropped). */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** "SHA-256withRSASSA-PKCS1-v1_5", "SHA-384withECDSA", "Ed25519"... (WebCrypto names). */
  signatureName: string;
  /** The first extension with this OID, as the library's class for it. */
  extension<T extends x509.Extension>(type: ExtensionType<T>, oid: string): T | null;
}

/** The library's reading of the whole certificate. */
export function libraryView(der: Buffer): CertView {
  const cert = new x509.X509Certificate(der);
  return {
    subjectName: cert.subjectName,
    issuerName: cert.issuerName,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    signatureName: signatureName(cert),
    // (Its parameter type names the DOM's BufferSource, which this build has no lib for.)
    extension: (type) => cert.getExtension(type as never),
  };
}

// Signature algorithms by their AlgorithmIdentifier bytes: an estate uses a handful, each named once
// by the library (for the certificate that first shows it).
const SIGNATURE_NAMES = new Map<string, string>();
const MAX_SIGNATURE_NAMES = 64;

/**
 * The faster reading, or null where only the library's applies: a layout our DER reader refuses,
 * times outside RFC 5280's forms, a signature algorithm not named yet.
 */
export function partsView(der: Buffer): CertView | null {
  return fromParts(readParts(der));
}

/** partsView where it applies, else the library's; remembers the signature algorithm's name. */
export function certView(der: Buffer): CertView {
  const parts = readParts(der);
  const fast = fromParts(parts);
  if (fast) return fast;
  const view = libraryView(der);
  if (parts && SIGNATURE_NAMES.size < MAX_SIGNATURE_NAMES) SIGNATURE_NAMES.set(algorithmKey(parts), view.signatureName);
  return view;
}

function readParts(der: Buffer): CertParts | null {
  try {
    return certParts(der);
  } catch (err) {
    if (err instanceof DerError) return null;
    throw err;
  }
}

const algorithmKey = (parts: CertParts): string => Buffer.from(parts.signatureAlgorithm).toString('latin1');

function fromParts(parts: CertParts | null): CertView | null {
  const signatureName = parts ? SIGNATURE_NAMES.get(algorithmKey(parts)) : undefined;
  if (!parts?.validity || signatureName === undefined) return null;
  return {
    subjectName: new x509.Name(parts.subject),
    issuerName: new x509.Name(parts.issuer),
    serialNumber: serialHex(parts.serial),
    notBefore: new Date(parts.validity.notBefore),
    notAfter: new Date(parts.validity.notAfter),
    signatureName,
    extension: (type, oid) => {
      const raw = parts.extensionTlvs.get(oid);
      return raw ? new type(raw) : null;
    },
  };
}

/** As @peculiar/x509's getCertificateSerialNumber: a 0x00 sign octet before a high bit is dropped. */
function serialHex(bytes: Uint8Array): string {
  const b = bytes.length > 1 && bytes[0] === 0 && bytes[1]! > 0x7f ? bytes.subarray(1) : bytes;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function signatureName(cert: x509.X509Certificate): string {
  const alg = cert.signatureAlgorithm as { name?: string; hash?: { name?: string } };
  const hash = alg.hash?.name;
  return hash ? `${hash}with${alg.name ?? 'unknown'}` : (alg.name ?? 'unknown');
}
