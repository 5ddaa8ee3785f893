// Turns a DER certificate into the plain CertInfo the results carry; parsed once per distinct certificate.
import * as crypto from 'node:crypto';
import { X509Certificate as NodeX509, createHash } from 'node:crypto';
import { x509 } from './peculiar.js';
import type { CertInfo } from '../probe/result.js';
import { nameToString } from './dn.js';
import { AdmittingCache } from './admitting-cache.js';
import { certView } from './cert-view.js';

const KEY_USAGE_NAMES: Array<[number, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

// Probes see the same certificates over and over: parse each once, and keep OpenSSL's parse of it
// for the checks (nodeCert). A parse costs ~1.5 ms, a kept certificate ~8 kB of heap and OpenSSL's ~5 kB
// (npm run bench, section 7).
const CACHE_LIMIT = 2048;
interface Parsed {
  info: Omit<CertInfo, 'index'>;
  node: NodeX509;
}
/** By SHA-256, upper-case hex (CertInfo.sha256). */
const certs = new AdmittingCache<Parsed>(CACHE_LIMIT);

// One-shot hashing (Node >= 20.12) makes no Hash object per certificate and probe.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash;
const sha256Hex = (der: Buffer): string => (oneShot ? oneShot('sha256', der, 'hex') : createHash('sha256').update(der).digest('hex'));

// Chains seen before, found by the last bytes of their certificates (signatures) and confirmed byte for
// byte: a repeat probe of a target gets the same frozen CertInfo list back, without hashing each
// certificate or copying its fields (and checks can remember their verdicts per chain, by identity).
// Sized like the certificate cache: an estate has about as many distinct chains as distinct leaves.
const CHAIN_LIMIT = CACHE_LIMIT;
const TAIL_BYTES = 16;
const chains = new AdmittingCache<{ ders: Buffer[]; infos: readonly CertInfo[] }>(CHAIN_LIMIT);

/** The presented certificates as CertInfo, leaf first. Frozen and shared between probes: read only. */
export function chainInfos(ders: readonly Uint8Array[]): readonly CertInfo[] {
  if (ders.length === 0) return [];
  const bufs = ders.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  // The leaf's and the last certificate's signatures: one leaf sent with two different intermediates
  // (a cross-signed CA, a renewal half done) makes two chains, each with its own entry.
  const key = `${bufs.length}:${tail(bufs[0]!)}:${tail(bufs[bufs.length - 1]!)}`;
  const seen = chains.get(key);
  if (seen && seen.ders.length === bufs.length && seen.ders.every((d, i) => d.equals(bufs[i]!))) return seen.infos;
  // Parsed first: a certificate the parser refuses throws before anything is cached.
  const infos = Object.freeze(bufs.map((der, i) => Object.freeze(certInfoFromDer(der, i))));
  // Own copies: the received buffers belong to the message they came in.
  chains.add(key, { ders: bufs.map((b) => Buffer.from(b)), infos });
  return infos;
}

function tail(der: Buffer): string {
  return der.toString('latin1', Math.max(0, der.length - TAIL_BYTES));
}

export function certInfoFromDer(der: Buffer, index: number): CertInfo {
  const key = sha256Hex(der).toUpperCase();
  return { index, ...(certs.get(key) ?? certs.add(key, parse(der, key))).info };
}

/** OpenSSL's parse of a certificate certInfoFromDer parsed, while it is cached. */
export function cachedNodeCert(sha256: string): NodeX509 | undefined {
  return certs.get(sha256)?.node;
}

function parse(der: Buffer, sha256: string): Parsed {
  const node = new NodeX509(der);
  const cert = certView(der);
  const ext = cert.extension;
  const san = ext(x509.SubjectAlternativeNameExtension, '2.5.29.17');
  const eku = ext(x509.ExtendedKeyUsageExtension, '2.5.29.37');
  const ku = ext(x509.KeyUsagesExtension, '2.5.29.15');
  const bc = ext(x509.BasicConstraintsExtension, '2.5.29.19');
  const cdp = ext(x509.CRLDistributionPointsExtension, '2.5.29.31');
  const aia = ext(x509.AuthorityInfoAccessExtension, '1.3.6.1.5.5.7.1.1');
  const key = node.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const subject = nameToString(cert.subjectName);
  const issuer = nameToString(cert.issuerName);
  const info: Omit<CertInfo, 'index'> = {
    subject,
    issuer,
    serial: cert.serialNumber.toUpperCase(),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256,
    subjectCN: cert.subjectName.getField('CN').at(-1) ?? null,
    san: {
      dns: san?.names.items.filter((n) => n.type === 'dns').map((n) => n.value) ?? [],
      ip: san?.names.items.filter((n) => n.type === 'ip').map((n) => n.value) ?? [],
    },
    publicKey: {
      type: key.asymmetricKeyType ?? 'unknown',
      bits: details.modulusLength ?? curveBits(details.namedCurve) ?? null,
      curve: details.namedCurve ?? null,
    },
    signatureAlgorithm: cert.signatureName,
    version: x509Version(der),
    extKeyUsage: eku ? eku.usages.map(String) : null,
    keyUsage: ku ? KEY_USAGE_NAMES.filter(([flag]) => (ku.usages & flag) !== 0).map(([, n]) => n) : null,
    basicConstraints: bc ? { ca: bc.ca, pathLength: bc.pathLength ?? null } : null,
    crlDistributionPoints: (cdp?.distributionPoints ?? []).flatMap(
      (dp) => dp.distributionPoint?.fullName?.flatMap((g) => (g.uniformResourceIdentifier ? [g.uniformResourceIdentifier] : [])) ?? [],
    ),
    aia: {
      ocsp: aia?.ocsp.filter((g) => g.type === 'url').map((g) => g.value) ?? [],
      caIssuers: aia?.caIssuers.filter((g) => g.type === 'url').map((g) => g.value) ?? [],
    },
    // Not checkIssued(): it also demands keyCertSign, which self-signed leaves rarely have.
    selfSigned: subject === issuer && safeVerify(node),
    der: der.toString('base64'),
  };
  return { info, node };
}

function safeVerify(node: NodeX509): boolean {
  try {
    return node.verify(node.publicKey);
  } catch {
    return false;
  }
}

function curveBits(curve: string | undefined): number | null {
  if (!curve) return null;
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : null;
}

/** The TBSCertificate's explicit [0] version tag is absent for v1 (RFC 5280 §4.1). */
function x509Version(der: Buffer): number {
  let pos = 0;
  const skipHeader = (): void => {
    pos += 1;
    const len = der[pos++] ?? 0;
    if (len & 0x80) pos += len & 0x7f;
  };
  skipHeader(); // Certificate SEQUENCE
  skipHeader(); // TBSCertificate SEQUENCE
  if (der[pos] !== 0xa0) return 1;
  // A0 03 02 01 vv
  return (der[pos + 4] ?? 0) + 1;
}
