// Node's X509Certificate for a captured certificate, parsed once per fingerprint (checks verify signatures with it).
import { X509Certificate } from 'node:crypto';
import type { CertInfo } from '../probe/result.js';

const CACHE_LIMIT = 2048;
const cache = new Map<string, X509Certificate>();

export function nodeCert(info: Pick<CertInfo, 'sha256' | 'der'>): X509Certificate {
  return cache.get(info.sha256) ?? remember(info.sha256, new X509Certificate(Buffer.from(info.der, 'base64')));
}

/**
 * Keeps `cert` as the Node certificate of the DER whose SHA-256 (upper-case hex) is `sha256`:
 * certInfoFromDer hands over the one it parsed (OpenSSL's decoding costs ~0.3 ms a certificate).
 */
export function remember(sha256: string, cert: X509Certificate): X509Certificate {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(sha256, cert);
  return cert;
}

// Every probe of a target checks the same links again: remember each verified pair. Certificates are
// the cached objects above and the trust stores', so the memo is keyed by identity (no key strings
// per probe) and forgets a pair when either certificate is dropped.
const links = new WeakMap<X509Certificate, WeakMap<X509Certificate, boolean>>();

/** True when `issuer` issued `cert`: the names line up and the signature verifies. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (cert.issuer !== issuer.subject) return false;
  let byIssuer = links.get(cert);
  if (!byIssuer) links.set(cert, (byIssuer = new WeakMap()));
  let ok = byIssuer.get(issuer);
  if (ok === undefined) {
    try {
      ok = cert.verify(issuer.publicKey);
    } catch {
      ok = false;
    }
    byIssuer.set(issuer, ok);
  }
  return ok;
}

export function isSelfIssued(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}

const dns = new WeakMap<X509Certificate, string>();

/** The subject as results show it, most specific RDN first (Node writes one per line, least specific first). Once per certificate. */
export function subjectDn(cert: X509Certificate): string {
  let text = dns.get(cert);
  if (text === undefined) dns.set(cert, (text = cert.subject.split('\n').reverse().join(', ')));
  return text;
}
