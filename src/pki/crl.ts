// CRL generation: one linear DER encoder for the revoked list, @peculiar/x509 for extensions and parsing.
// Not X509CrlGenerator: it checks each serial against all previous ones, so time grows
// quadratically (measured: 10k entries 8-14 s, 20k 80 s, 100k unfinished after 25 min; this
// encoder: 1M entries in ~1 s), and it writes an empty crlEntryExtensions SEQUENCE for entries
// without a reason, which DER forbids (Extensions ::= SEQUENCE SIZE (1..MAX)). For identical
// input the output here is byte-identical to X509CrlGenerator's (test/pki.test.ts checks this).
import { x509 } from '../x509/peculiar.js';
import type { Issued } from './certs.js';
import * as der from './der.js';
import { authorityKeyIdFor } from './extensions.js';
import { signingKeyFor, subtle, type CryptoKey, type HashName } from './keys.js';
import { toPem } from './pem.js';
import { RevokedListWriter, type CrlEntrySpec } from './crl-entries.js';

export type { CrlEntrySpec };

export interface CrlSpec {
  /** Written in the order given; duplicates are not rejected (useful for malformed-CRL tests). */
  entries?: CrlEntrySpec[];
  /** Default: now. */
  thisUpdate?: Date;
  /** Default: thisUpdate + 7 days; null omits nextUpdate (non-conforming, for tests). */
  nextUpdate?: Date | null;
  /** Default SHA-256. */
  hash?: HashName;
  /** Default 1; null omits the CRL Number extension. */
  crlNumber?: number | bigint | null;
  /** Marks a delta CRL against this base CRL number (critical Delta CRL Indicator). */
  deltaOf?: number | bigint;
  /** Sign with another key to simulate a bad CRL; issuer name and AKI still name `issuer`. */
  signer?: Issued;
}

export interface GeneratedCrl {
  der: Buffer;
  /** Computed on first access: a million-entry CRL is ~50 MB of DER. */
  readonly pem: string;
  /** Parsed on first access, for the same reason. */
  readonly crl: x509.X509Crl;
}

export const OID_CRL_NUMBER = '2.5.29.20';
export const OID_DELTA_CRL_INDICATOR = '2.5.29.27';
const DAY_MS = 86_400_000;
const SELF_PRODUCED_LIMITS = { maxNodes: Infinity, maxContentLength: Infinity, maxDepth: Infinity };

export function resolveDates(spec: CrlSpec): { thisUpdate: Date; nextUpdate: Date | null } {
  const thisUpdate = spec.thisUpdate ?? new Date();
  const nextUpdate = spec.nextUpdate === null ? null : (spec.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY_MS));
  return { thisUpdate, nextUpdate };
}

const SIG_OIDS: Record<string, Record<HashName, string>> = {
  'RSASSA-PKCS1-v1_5': {
    'SHA-1': '1.2.840.113549.1.1.5',
    'SHA-256': '1.2.840.113549.1.1.11',
    'SHA-384': '1.2.840.113549.1.1.12',
    'SHA-512': '1.2.840.113549.1.1.13',
  },
  ECDSA: {
    'SHA-1': '1.2.840.10045.4.1',
    'SHA-256': '1.2.840.10045.4.3.2',
    'SHA-384': '1.2.840.10045.4.3.3',
    'SHA-512': '1.2.840.10045.4.3.4',
  },
};

function signatureAlgorithmDer(key: CryptoKey, hash: HashName): Buffer {
  const oid = SIG_OIDS[key.algorithm.name]?.[hash];
  if (!oid) throw new Error(`unsupported CRL signing key ${key.algorithm.name}`);
  // RFC 4055 wants NULL parameters for RSA; RFC 5758 wants them absent for ECDSA.
  return key.algorithm.name === 'ECDSA' ? der.seq(der.derOid(oid)) : der.seq(der.derOid(oid), der.derNull());
}

/** Wraps an encoded revoked list into a signed CertificateList. */
export async function assembleCrl(issuer: Issued, spec: CrlSpec, revoked: RevokedListWriter): Promise<GeneratedCrl> {
  const { thisUpdate, nextUpdate } = resolveDates(spec);
  const hash = spec.hash ?? 'SHA-256';
  const signerKey = (spec.signer ?? issuer).keys.privateKey;
  const sigAlg = signatureAlgorithmDer(signerKey, hash);

  const exts: Uint8Array[] = [Buffer.from((await authorityKeyIdFor(issuer.cert)).rawData)];
  const crlNumber = spec.crlNumber === undefined ? 1 : spec.crlNumber;
  if (crlNumber !== null) exts.push(der.derExtension(OID_CRL_NUMBER, false, der.derSmallInteger(crlNumber)));
  if (spec.deltaOf !== undefined) exts.push(der.derExtension(OID_DELTA_CRL_INDICATOR, true, der.derSmallInteger(spec.deltaOf)));

  const tbs = der.seq(
    der.derSmallInteger(1), // v2: required because crlExtensions are present
    sigAlg,
    Buffer.from(issuer.cert.subjectName.toArrayBuffer()),
    der.derTime(thisUpdate),
    ...(nextUpdate ? [der.derTime(nextUpdate)] : []),
    ...revoked.finish(),
    der.tlv(0xa0, der.seq(...exts)),
  );
  const key = await signingKeyFor(signerKey, hash);
  const raw = new Uint8Array(await subtle.sign({ name: key.algorithm.name, hash }, key, tbs));
  const signature = key.algorithm.name === 'ECDSA' ? der.ecdsaP1363ToDer(raw) : raw;
  return lazyResult(der.seq(tbs, sigAlg, der.derBitString(signature)));
}

function lazyResult(bytes: Buffer): GeneratedCrl {
  let pem: string | undefined;
  let crl: x509.X509Crl | undefined;
  return {
    der: bytes,
    get pem() {
      return (pem ??= toPem(bytes, 'X509 CRL'));
    },
    get crl() {
      // We produced these bytes, so lift asn1js's untrusted-input limits (10,000 nodes by
      // default, i.e. a CRL of ~2,000 entries would be rejected).
      return (crl ??= new x509.X509Crl(bytes, { berOptions: SELF_PRODUCED_LIMITS }));
    },
  };
}

export async function createCrl(issuer: Issued, spec: CrlSpec = {}): Promise<GeneratedCrl> {
  const { thisUpdate } = resolveDates(spec);
  const writer = new RevokedListWriter();
  for (const e of spec.entries ?? []) writer.addSpec(e, thisUpdate);
  // resolveDates is deterministic for a given spec except for the "now" default; pin it.
  return assembleCrl(issuer, { ...spec, thisUpdate }, writer);
}
