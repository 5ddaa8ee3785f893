// Verifies CRL and OCSP signatures with node:crypto without stalling the event loop (a 1M-entry TBSCertList is ~50 MB).
import { constants, createHash, publicDecrypt, verify, type KeyObject } from 'node:crypto';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { children, content, DerError, oidString, readTlv, smallInt, type Tlv } from './der.js';

/** signatureAlgorithm OID -> hash for node:crypto (RFC 4055, RFC 5758, RFC 8410). null: the key implies it. */
const HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10040.4.3': 'sha1', // dsa-with-sha1
  '2.16.840.1.101.3.4.3.2': 'sha256', // dsa-with-sha256
  '1.3.101.112': null, // Ed25519
  '1.3.101.113': null, // Ed448
};
const RSA_PSS = '1.2.840.113549.1.1.10';
const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface SignatureParts {
  /** The signed bytes (TBSCertList, ResponseData). */
  signed: Uint8Array;
  /** AlgorithmIdentifier TLV bytes. */
  algorithm: Uint8Array;
  /** BIT STRING content without the unused-bits octet. */
  signature: Uint8Array;
}

export type SignatureVerdict = { ok: true } | { ok: false; error: string };

/** DigestInfo prefixes (RFC 8017 §9.2 note 1): the encoding PKCS#1 v1.5 signs, minus the digest. */
const DIGEST_INFO: Record<string, string> = {
  md5: '3020300c06082a864886f70d020505000410',
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};
/** Above this, RSA signatures are checked over a digest hashed in slices (see verifyLarge). */
const LARGE = 1 << 20;
const HASH_SLICE = 1 << 20;

/** Verifies; never throws. An unknown algorithm is an error, not a pass. */
export function verifySignature(parts: SignatureParts, key: KeyObject): Promise<SignatureVerdict> {
  let alg: { hash: string | null; pss: { saltLength: number } | null };
  try {
    alg = algorithm(parts.algorithm);
  } catch (err) {
    return Promise.resolve({ ok: false, error: (err as Error).message });
  }
  if (!alg.pss && alg.hash && key.asymmetricKeyType === 'rsa' && parts.signed.length > LARGE) return verifyLarge(parts, key, alg.hash);
  const keyArg = alg.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.pss.saltLength } : key;
  return new Promise((resolve) => {
    try {
      // The callback form runs in libuv's thread pool: hashing tens of MB must not stall probes.
      verify(alg.hash, parts.signed, keyArg, parts.signature, (err, ok) => {
        if (err) resolve({ ok: false, error: `signature check failed: ${err.message}` });
        else resolve(ok ? { ok: true } : { ok: false, error: 'signature does not verify with the issuer key' });
      });
    } catch (err) {
      resolve({ ok: false, error: `signature check failed: ${(err as Error).message}` });
    }
  });
}

/**
 * RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) for big inputs: the async verify() copies its input
 * synchronously (~30 ms for 50 MB), so hash in slices with yields, then let OpenSSL undo the
 * padding and compare the whole DigestInfo byte for byte (no parsing, so no lax-decoding forgery).
 */
async function verifyLarge(parts: SignatureParts, key: KeyObject, hash: string): Promise<SignatureVerdict> {
  const prefix = DIGEST_INFO[hash];
  if (!prefix) return { ok: false, error: `unsupported hash ${hash} for RSA` };
  const h = createHash(hash);
  for (let p = 0; p < parts.signed.length; p += HASH_SLICE) {
    h.update(parts.signed.subarray(p, p + HASH_SLICE));
    await yieldLoop();
  }
  const expected = Buffer.concat([Buffer.from(prefix, 'hex'), h.digest()]);
  try {
    const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, parts.signature);
    return recovered.equals(expected) ? { ok: true } : { ok: false, error: 'signature does not verify with the issuer key' };
  } catch {
    return { ok: false, error: 'signature does not verify with the issuer key' };
  }
}

function algorithm(der: Uint8Array): { hash: string | null; pss: { saltLength: number } | null } {
  const seqTlv = readTlv(der, 0);
  const [oidTlv, params] = children(der, seqTlv);
  if (!oidTlv || oidTlv.tag !== 0x06) throw new DerError('malformed signature AlgorithmIdentifier');
  const oid = oidString(content(der, oidTlv));
  if (oid === RSA_PSS) return pssParams(der, params);
  if (!(oid in HASHES)) throw new DerError(`unsupported signature algorithm ${oid}`);
  return { hash: HASHES[oid]!, pss: null };
}

/** RSASSA-PSS-params (RFC 4055 §3.1): hash [0] default SHA-1, saltLength [2] default 20. */
function pssParams(der: Uint8Array, params: Tlv | undefined): { hash: string; pss: { saltLength: number } } {
  let hash = 'sha1';
  let saltLength = 20;
  if (params && params.tag === 0x30) {
    for (const field of children(der, params)) {
      const inner = readTlv(der, field.body, field.end);
      if (field.tag === 0xa0) {
        const oid = children(der, inner)[0];
        const name = oid ? HASH_OIDS[oidString(content(der, oid))] : undefined;
        if (!name) throw new DerError('unsupported RSASSA-PSS hash');
        hash = name;
      } else if (field.tag === 0xa2) {
        saltLength = smallInt(content(der, inner));
      }
    }
  }
  return { hash, pss: { saltLength } };
}
