// Certificate creation: self-signed roots, intermediates, leaves and self-signed end-entity certificates.
import { webcrypto } from 'node:crypto';
import { x509 } from '../x509/peculiar.js';
import { normalizeHex } from './der.js';
import * as ext from './extensions.js';
import {
  DEFAULT_KEY,
  generateKeyPair,
  privateKeyPem,
  signingAlgorithm,
  signingKeyFor,
  type CryptoKey,
  type CryptoKeyPair,
  type HashName,
  type KeySpec,
} from './keys.js';
import { toPem } from './pem.js';

export interface CertSpec {
  /** DN written most specific first, as RFC 4514 and Exchange show it ("CN=mail.example.test, O=Example"); encoded C/O first, like real CAs do. */
  subject: string;
  /** SAN entries; IP literals (v4 and v6) become iPAddress, others dNSName. */
  names?: string[];
  /** Default: now - 1 day. */
  notBefore?: Date;
  /** Default: notBefore + 90 days for end-entity certificates, + 10 years for CAs. */
  notAfter?: Date;
  /** Default: RSA 2048. */
  key?: KeySpec;
  /** Use this key pair instead of generating one (e.g. to re-issue for the same key). */
  keys?: CryptoKeyPair;
  /** Draw the key from the in-process pool (see keys.ts); default from setKeyReuseDefault(). */
  reuseKeys?: boolean;
  /** Signature hash, default SHA-256. */
  hash?: HashName;
  /** EKU OIDs or names; null or [] omits the extension. Default leaves ['serverAuth'], CAs omitted. */
  eku?: string[] | null;
  /** Key usage names; null or [] omits. Defaults: RSA leaf digitalSignature+keyEncipherment, EC leaf digitalSignature, CA keyCertSign+cRLSign+digitalSignature. */
  keyUsage?: string[] | null;
  crlUrls?: string[];
  ocspUrls?: string[];
  caIssuersUrls?: string[];
  freshestCrlUrls?: string[];
  /** Hex; default random positive 16 bytes. (A zero serial cannot be made: @peculiar replaces it.) */
  serial?: string;
  /** CAs only. */
  pathLength?: number;
  /** Extra extensions appended verbatim (for odd cases the friendly fields don't cover). */
  extraExtensions?: x509.Extension[];
}

export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  /** This certificate only. */
  certPem: string;
  /** PKCS#8 PEM private key. */
  keyPem: string;
  der: Buffer;
  /** Upper-case hex. */
  serial: string;
  spec: CertSpec;
}

const DAY_MS = 86_400_000;
const LEAF_DAYS = 90;
const CA_DAYS = 3650;

type Kind = 'ca' | 'leaf';

export function createRoot(spec: CertSpec): Promise<Issued> {
  return build('ca', spec, undefined);
}

export function createIntermediate(issuer: Issued, spec: CertSpec): Promise<Issued> {
  return build('ca', spec, issuer);
}

export function issueLeaf(issuer: Issued, spec: CertSpec): Promise<Issued> {
  return build('leaf', spec, issuer);
}

/** Self-signed end-entity, like Exchange's "Microsoft Exchange" or appliance default certificates. */
export function createSelfSigned(spec: CertSpec): Promise<Issued> {
  return build('leaf', spec, undefined);
}

/** Random 16-byte serial whose first octet is 0x01..0x7f: positive and exactly 16 bytes in DER. */
export function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f || 0x01;
  return Buffer.from(b).toString('hex').toUpperCase();
}

async function build(kind: Kind, spec: CertSpec, issuer: Issued | undefined): Promise<Issued> {
  if (kind === 'leaf' && spec.pathLength !== undefined) throw new Error('pathLength is only meaningful for CAs');
  const keySpec = spec.key ?? DEFAULT_KEY;
  const keys = spec.keys ?? (await generateKeyPair(keySpec, { reuse: spec.reuseKeys }));
  const hash = spec.hash ?? 'SHA-256';
  const notBefore = spec.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = spec.notAfter ?? new Date(notBefore.getTime() + (kind === 'ca' ? CA_DAYS : LEAF_DAYS) * DAY_MS);
  const subject = encodeName(spec.subject);
  const signer: CryptoKey = issuer ? issuer.keys.privateKey : keys.privateKey;

  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false);
  // Self-signed: AKI = own SKI, which OpenSSL accepts and many real roots carry.
  const aki = issuer
    ? await ext.authorityKeyIdFor(issuer.cert)
    : new x509.AuthorityKeyIdentifierExtension(ski.keyId, false);

  const extensions: x509.Extension[] = [
    // cA=false is still written for leaves so the certificate states it explicitly.
    new x509.BasicConstraintsExtension(kind === 'ca', kind === 'ca' ? spec.pathLength : undefined, true),
  ];
  const keyUsage = spec.keyUsage !== undefined ? spec.keyUsage : defaultKeyUsage(kind, keys.publicKey);
  if (keyUsage?.length) extensions.push(ext.keyUsageExtension(keyUsage));
  const eku = spec.eku !== undefined ? spec.eku : kind === 'leaf' ? ['serverAuth'] : null;
  if (eku?.length) extensions.push(ext.ekuExtension(eku));
  extensions.push(ski, aki);
  if (spec.names?.length) extensions.push(ext.sanExtension(spec.names));
  if (spec.crlUrls?.length) extensions.push(ext.crlDistributionPoints(spec.crlUrls));
  if (spec.freshestCrlUrls?.length) extensions.push(ext.freshestCrl(spec.freshestCrlUrls));
  if (spec.ocspUrls?.length || spec.caIssuersUrls?.length) {
    extensions.push(ext.authorityInfoAccess(spec.ocspUrls ?? [], spec.caIssuersUrls ?? []));
  }
  extensions.push(...(spec.extraExtensions ?? []));

  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serial !== undefined ? normalizeHex(spec.serial) : randomSerial(),
    subject,
    // The issuer's parsed subject Name re-encodes to the same bytes, so issuer == subject exactly.
    issuer: issuer ? issuer.cert.subjectName : subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: await signingKeyFor(signer, hash),
    signingAlgorithm: signingAlgorithm(signer, hash),
    extensions,
  });

  const der = Buffer.from(cert.rawData);
  return {
    cert,
    keys,
    certPem: toPem(der, 'CERTIFICATE'),
    keyPem: await privateKeyPem(keys.privateKey),
    der,
    serial: cert.serialNumber.toUpperCase(),
    spec,
  };
}

function defaultKeyUsage(kind: Kind, publicKey: CryptoKey): string[] {
  if (kind === 'ca') return ['keyCertSign', 'cRLSign', 'digitalSignature'];
  // keyEncipherment means RSA key transport; RFC 5480 does not allow it for EC keys.
  return publicKey.algorithm.name === 'ECDSA' ? ['digitalSignature'] : ['digitalSignature', 'keyEncipherment'];
}

/** RFC 4514 strings list the most specific RDN first; the encoding puts it last (RFC 5280 §4.1.2.4). */
function encodeName(text: string): x509.Name {
  return new x509.Name(new x509.Name(text).toJSON().reverse());
}
