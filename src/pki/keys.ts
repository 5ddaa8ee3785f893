// Key pairs for the in-memory PKI: generation, an optional reuse pool, hash re-binding and PKCS#8 PEM export.
import { webcrypto } from 'node:crypto';
import { x509 } from '../x509/peculiar.js';
import { toPem } from './pem.js';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type KeySpec = { type: 'rsa'; bits?: number } | { type: 'ec'; curve?: 'P-256' | 'P-384' };
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export const subtle = webcrypto.subtle;

export const DEFAULT_KEY: KeySpec = { type: 'rsa', bits: 2048 };

export interface KeyOptions {
  /** Draw from a small in-process pool instead of generating (one RSA-2048 keygen takes ~0.1-0.5 s). */
  reuse?: boolean;
}

/** Pool size: big enough that root, intermediate and leaf of one chain get distinct keys. */
const POOL_SIZE = 4;
const pools = new Map<string, { keys: (Promise<CryptoKeyPair> | undefined)[]; next: number }>();
let reuseByDefault = false;

/** Turn pooled keys on for every call that doesn't say otherwise (e.g. in a test setup file). */
export function setKeyReuseDefault(on: boolean): void {
  reuseByDefault = on;
}

export function keySpecId(spec: KeySpec): string {
  return spec.type === 'rsa' ? `rsa-${spec.bits ?? 2048}` : `ec-${spec.curve ?? 'P-256'}`;
}

function generateFresh(spec: KeySpec): Promise<CryptoKeyPair> {
  // Extractable so the private key can be exported as PKCS#8 for servers under test.
  if (spec.type === 'rsa') {
    return subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: spec.bits ?? 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
  }
  return subtle.generateKey({ name: 'ECDSA', namedCurve: spec.curve ?? 'P-256' }, true, ['sign', 'verify']);
}

export async function generateKeyPair(spec: KeySpec = DEFAULT_KEY, opts: KeyOptions = {}): Promise<CryptoKeyPair> {
  if (!(opts.reuse ?? reuseByDefault)) return generateFresh(spec);
  const id = keySpecId(spec);
  let pool = pools.get(id);
  if (!pool) pools.set(id, (pool = { keys: [], next: 0 }));
  // Round-robin; the promise is stored before it settles so concurrent callers share generation work.
  const slot = pool.next++ % POOL_SIZE;
  let entry = pool.keys[slot];
  if (!entry) {
    entry = generateFresh(spec);
    pool.keys[slot] = entry;
    // A failed generation must not poison the slot for the rest of the run.
    entry.catch(() => {
      if (pool.keys[slot] === entry) pool.keys[slot] = undefined;
    });
  }
  return entry;
}

const rebound = new WeakMap<CryptoKey, Map<HashName, Promise<CryptoKey>>>();

/**
 * WebCrypto binds RSA keys to one hash, and @peculiar/x509 takes the hash from the key's own
 * algorithm (overriding signingAlgorithm). To sign with e.g. SHA-1 we re-import the same key
 * material bound to that hash. EC keys are hash-agnostic and are returned unchanged.
 */
export function signingKeyFor(privateKey: CryptoKey, hash: HashName): Promise<CryptoKey> {
  const alg = privateKey.algorithm as webcrypto.RsaHashedKeyAlgorithm;
  if (alg.name !== 'RSASSA-PKCS1-v1_5' || alg.hash.name === hash) return Promise.resolve(privateKey);
  let perHash = rebound.get(privateKey);
  if (!perHash) rebound.set(privateKey, (perHash = new Map()));
  let key = perHash.get(hash);
  if (!key) {
    key = subtle
      .exportKey('pkcs8', privateKey)
      .then((pkcs8) => subtle.importKey('pkcs8', pkcs8, { name: alg.name, hash }, false, ['sign']));
    perHash.set(hash, key);
  }
  return key;
}

/** The signature algorithm parameters for @peculiar/x509 for a key and hash. */
export function signingAlgorithm(privateKey: CryptoKey, hash: HashName): { name: string; hash: string } {
  return { name: privateKey.algorithm.name, hash };
}

const pemCache = new WeakMap<CryptoKey, Promise<string>>();

/** PKCS#8 "PRIVATE KEY" PEM: accepted by node:tls, OpenSSL-based servers (nginx, postfix, dovecot). */
export function privateKeyPem(privateKey: CryptoKey): Promise<string> {
  let pem = pemCache.get(privateKey);
  if (!pem) {
    pem = subtle.exportKey('pkcs8', privateKey).then((der) => toPem(der, 'PRIVATE KEY'));
    pemCache.set(privateKey, pem);
  }
  return pem;
}
